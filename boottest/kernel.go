package boottest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// FindKernel returns /boot/vmlinuz-<release>, or an error naming the Debian
// package that installs it.
func FindKernel(release string) (string, error) {
	if release == "" {
		return "", errors.New("find kernel: empty release")
	}
	p := filepath.Join("/boot", "vmlinuz-"+release)
	f, err := os.Open(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("find kernel: %s does not exist: install the Debian package linux-image-%s (or linux-image-%s-unsigned; linux-image-amd64 tracks the current release)", p, release, release)
	case errors.Is(err, fs.ErrPermission):
		return "", fmt.Errorf("find kernel: %s is not readable (Debian installs it mode 0600 on some releases): run as root or make it readable: %w", p, err)
	case err != nil:
		return "", fmt.Errorf("find kernel: %w", err)
	}
	f.Close()
	return p, nil
}

// ImageRelease reads the kernel release from an x86 bzImage: the setup
// header ("HdrS" at 0x202) points at the version string at 0x20e, whose
// first word is the release ("6.1.0-56-amd64 (debian-kernel@...) #1 SMP ...").
func ImageRelease(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("kernel image: %w", err)
	}
	defer f.Close()
	var hdr [0x210]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return "", fmt.Errorf("kernel image %s: read setup header: %w", path, err)
	}
	if string(hdr[0x202:0x206]) != "HdrS" {
		return "", fmt.Errorf("kernel image %s: no x86 boot protocol header (HdrS): not a bzImage", path)
	}
	off := int64(binary.LittleEndian.Uint16(hdr[0x20e:])) + 0x200
	var ver [256]byte
	n, err := f.ReadAt(ver[:], off)
	if n == 0 {
		return "", fmt.Errorf("kernel image %s: read version string at %#x: %w", path, off, err)
	}
	s := ver[:n]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	rel, _, _ := strings.Cut(string(s), " ")
	if rel == "" {
		return "", fmt.Errorf("kernel image %s: empty version string at %#x", path, off)
	}
	return rel, nil
}
