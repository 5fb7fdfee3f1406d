package boottest

import (
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/cavaliergopher/cpio"
)

// initramfsFile is one regular file of the initramfs.
type initramfsFile struct {
	name string // absolute path in the guest
	mode cpio.FileMode
	data []byte
}

// writeInitramfs writes a gzip-compressed newc cpio archive holding the
// directories /dev, /proc, /sys and those of files, then files. The kernel
// unpacks it over its built-in initramfs (which provides /dev/console).
func writeInitramfs(w io.Writer, files []initramfsFile) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	cw := cpio.NewWriter(zw)
	dirs := map[string]bool{"dev": true, "proc": true, "sys": true}
	for _, f := range files {
		for d := path.Dir(strings.TrimPrefix(f.name, "/")); d != "." && d != ""; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	sort.Strings(names) // parents before children
	for _, d := range names {
		if err := cw.WriteHeader(&cpio.Header{Name: d, Mode: cpio.TypeDir | 0o755, Links: 2}); err != nil {
			return fmt.Errorf("initramfs: %s: %w", d, err)
		}
	}
	for _, f := range files {
		name := strings.TrimPrefix(f.name, "/")
		hdr := &cpio.Header{Name: name, Mode: cpio.TypeReg | f.mode, Size: int64(len(f.data)), Links: 1}
		if err := cw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("initramfs: %s: %w", name, err)
		}
		if _, err := cw.Write(f.data); err != nil {
			return fmt.Errorf("initramfs: %s: %w", name, err)
		}
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	return zw.Close()
}
