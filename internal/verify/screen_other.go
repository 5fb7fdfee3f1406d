//go:build !linux

package verify

import "os"

// openScreened opens a regular file for the screen.
func openScreened(path string) (f *os.File, size int64, ok bool) {
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
