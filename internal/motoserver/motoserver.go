// Package motoserver starts moto_server (the moto AWS emulator, a Python
// program) for integration tests.
package motoserver

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary is the program Start runs.
const Binary = "moto_server"

// startTimeout bounds how long Start waits for the server to answer.
const startTimeout = 60 * time.Second

// Start runs moto_server on a free 127.0.0.1 port, waits until it answers
// HTTP and returns its endpoint ("http://127.0.0.1:PORT"). The server is
// killed when the test ends. Every call starts a fresh server, so tests do
// not share state.
//
// When moto_server is not on PATH the test is skipped, except under CI
// (CI=true), where a missing emulator is a failure.
func Start(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath(Binary)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("motoserver: %s not found on PATH (required when CI=true): %v", Binary, err)
		}
		t.Skipf("motoserver: %s not found on PATH: %v", Binary, err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("motoserver: %v", err)
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	// Its own process group, so that killing it also kills whatever the
	// pyenv shim started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("motoserver: start %s: %v", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})

	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/moto-api/", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		select {
		case err := <-exited:
			t.Fatalf("motoserver: %s exited before answering: %v\n%s", Binary, err, out.String())
		case <-ctx.Done():
			t.Fatalf("motoserver: %s did not answer on %s within %s\n%s", Binary, endpoint, startTimeout, out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects the server's output for failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() > 64<<10 {
		return len(p), nil
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
