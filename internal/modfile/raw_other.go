//go:build !linux

package modfile

import (
	"io"
	"os"
)

// RawFile is a file opened by OpenRaw.
type RawFile interface {
	io.ReaderAt
	io.Closer
}

// OpenRaw opens a regular file (with os.Open off Linux).
func OpenRaw(path string) (RawFile, int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, false
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, false
	}
	return f, fi.Size(), true
}
