package motoserver

import (
	"net/http"
	"testing"
)

func TestStart(t *testing.T) {
	endpoint := Start(t)
	resp, err := http.Get(endpoint + "/moto-api/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /moto-api/: %s", resp.Status)
	}
}
