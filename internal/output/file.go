package output

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// File is an export file written to a temporary file in the same directory
// and renamed over the destination by Commit, so a failed query leaves an
// existing file untouched.
type File struct {
	*bufio.Writer
	f    *os.File
	path string
	mode fs.FileMode
	done bool
}

// Create starts writing path.
func Create(path string) (*File, error) {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return nil, &fs.PathError{Op: "create", Path: path, Err: errors.New("not a regular file")}
		}
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &File{Writer: bufio.NewWriterSize(f, 64<<10), f: f, path: path, mode: mode}, nil
}

// Commit flushes the file and renames it over the destination.
func (f *File) Commit() error {
	if f.done {
		return errors.New("output: file already closed")
	}
	f.done = true
	err := f.Flush()
	if err == nil {
		err = f.f.Chmod(f.mode)
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.f.Name())
	}
	return err
}

// Abort removes the temporary file; the destination is left as it was. It
// does nothing after Commit, so it can be deferred.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	os.Remove(f.f.Name())
}
