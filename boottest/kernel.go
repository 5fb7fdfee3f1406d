package boottest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
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

// ImageRelease reads the kernel release from a kernel image. In an x86
// bzImage the setup header ("HdrS" at 0x202) points at the version string
// at 0x20e, whose first word is the release ("6.1.0-56-amd64
// (debian-kernel@...) #1 SMP ..."); an arm64 Image (ARM\x64 at 56) has no
// such pointer, and its linux_banner ("Linux version RELEASE ...") is read.
func ImageRelease(path string) (string, error) {
	if a, err := ImageArch(path); err == nil && a.Name == "arm64" {
		return arm64ImageRelease(path)
	}
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

// Vmlinux returns the uncompressed kernel (vmlinux, an ELF with a PVH entry
// point) inside the bzImage at image, extracting it on first use into
// cacheDir (default: os.UserCacheDir()/initsec/boottest), keyed by the
// image's SHA-256.
//
// Why: QEMU boots such an ELF through its PVH entry, skipping the real-mode
// setup and the in-guest decompression, which under TCG take most of the
// boot (measured on Debian's 6.1 image, 2 busy cores: 42 s to the result
// from the bzImage, 10 s from the vmlinux). Debian compresses 6.1 with xz
// and its x86 BCJ filter, which github.com/therootcompany/xz decodes, and
// 6.12 with zstd (github.com/klauspost/compress/zstd).
func Vmlinux(image, cacheDir string) (string, error) {
	data, err := os.ReadFile(image)
	if err != nil {
		return "", fmt.Errorf("vmlinux: %w", err)
	}
	if cacheDir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("vmlinux: %w", err)
		}
		cacheDir = filepath.Join(c, "initsec", "boottest")
	}
	sum := sha256.Sum256(data)
	out := filepath.Join(cacheDir, "vmlinux-"+hex.EncodeToString(sum[:12]))
	if err := checkPVH(out); err == nil {
		return out, nil
	}
	payload, err := bzPayload(data)
	if err != nil {
		return "", fmt.Errorf("vmlinux: %s: %w", image, err)
	}
	var r io.Reader
	switch {
	case bytes.HasPrefix(payload, []byte("\xfd7zXZ\x00")):
		r, err = xz.NewReader(bytes.NewReader(payload), 0)
	case bytes.HasPrefix(payload, []byte{0x1f, 0x8b}):
		r, err = gzip.NewReader(bytes.NewReader(payload))
	case bytes.HasPrefix(payload, []byte{0x28, 0xb5, 0x2f, 0xfd}): // Debian's 6.12
		var zr *zstd.Decoder
		if zr, err = zstd.NewReader(bytes.NewReader(payload), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(1<<30)); err == nil {
			defer zr.Close()
			r = zr
		}
	default:
		return "", fmt.Errorf("vmlinux: %s: payload compression % x not supported (xz, zstd and gzip are)", image, payload[:min(6, len(payload))])
	}
	if err != nil {
		return "", fmt.Errorf("vmlinux: %s: %w", image, err)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("vmlinux: %w", err)
	}
	tmp, err := os.CreateTemp(cacheDir, ".vmlinux-*")
	if err != nil {
		return "", fmt.Errorf("vmlinux: %w", err)
	}
	defer os.Remove(tmp.Name())
	// 256 MiB bounds a corrupt stream; Debian's 6.1 vmlinux is 63 MiB.
	n, err := io.Copy(tmp, io.LimitReader(r, 256<<20))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("vmlinux: decompress %s: %w", image, err)
	}
	if n == 256<<20 {
		return "", fmt.Errorf("vmlinux: decompress %s: more than 256 MiB", image)
	}
	if err := checkPVH(tmp.Name()); err != nil {
		return "", fmt.Errorf("vmlinux: %s: %w", image, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return "", fmt.Errorf("vmlinux: %w", err)
	}
	return out, nil
}

// bzPayload returns the compressed kernel of a bzImage: payload_offset
// (0x248) and payload_length (0x24c) of the setup header, relative to the
// protected-mode code after the (setup_sects+1) 512-byte setup sectors. The
// last 4 bytes of the payload are the uncompressed size, not part of the
// stream.
func bzPayload(d []byte) ([]byte, error) {
	if len(d) < 0x250 || string(d[0x202:0x206]) != "HdrS" {
		return nil, errors.New("not a bzImage (no HdrS)")
	}
	if binary.LittleEndian.Uint16(d[0x206:]) < 0x208 {
		return nil, errors.New("boot protocol before 2.08: no payload fields")
	}
	setup := int(d[0x1f1])
	if setup == 0 {
		setup = 4
	}
	off := (setup+1)*512 + int(binary.LittleEndian.Uint32(d[0x248:]))
	n := int(binary.LittleEndian.Uint32(d[0x24c:]))
	if n < 4 || off < 0 || off+n > len(d) {
		return nil, fmt.Errorf("payload %#x+%#x outside the image (%d bytes)", off, n, len(d))
	}
	return d[off : off+n-4], nil
}

// checkPVH verifies that path is an x86_64 ELF with a Xen PVH entry note
// (XEN_ELFNOTE_PHYS32_ENTRY, 18), which QEMU needs to boot it.
func checkPVH(path string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed ELF %s: %v", path, r)
		}
	}()
	f, err := elf.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 {
		return fmt.Errorf("%s: machine %v, want x86_64", path, f.Machine)
	}
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE || p.Filesz > 1<<20 {
			continue
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			return err
		}
		for len(b) >= 12 {
			nsz := int(binary.LittleEndian.Uint32(b))
			dsz := int(binary.LittleEndian.Uint32(b[4:]))
			typ := binary.LittleEndian.Uint32(b[8:])
			name := 12 + (nsz+3)&^3
			end := name + (dsz+3)&^3
			if nsz < 0 || dsz < 0 || end > len(b) {
				break
			}
			if typ == 18 && bytes.HasPrefix(b[12:], []byte("Xen\x00")) {
				return nil
			}
			b = b[end:]
		}
	}
	return fmt.Errorf("%s: no PVH entry note (CONFIG_PVH)", path)
}
