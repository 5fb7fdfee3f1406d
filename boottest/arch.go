package boottest

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Arch is what booting a kernel of one architecture takes: the QEMU that
// emulates it (under TCG, so any host runs it), the machine, the console
// device, and what the guest /init is built for. Everything that differs
// between architectures is here; Run reads it from Config.Arch, or from
// the kernel image.
type Arch struct {
	// Name is the Debian architecture: "amd64", "arm64".
	Name string
	// GOARCH is the guest /init's.
	GOARCH string
	// ELFMachine is the machine of the kernel's modules.
	ELFMachine elf.Machine
	// QEMU is the emulator's binary and QEMUPackage the Debian package that
	// installs it.
	QEMU, QEMUPackage string
	// Machine are the QEMU arguments that choose the board and CPU (after
	// -accel tcg).
	Machine []string
	// Console is the kernel's serial console device, wired to QEMU's
	// -serial stdio.
	Console string
	// PVH: the kernel is an x86 bzImage whose vmlinux QEMU can boot through
	// its PVH entry (see Vmlinux).
	PVH bool
}

// Arches are the architectures Run boots, by Debian name.
//
// amd64: the default PC machine; Debian's bzImage boots through PVH (see
// Vmlinux). arm64: the virt board with a Cortex-A57, whose PL011 UART is
// ttyAMA0; Debian's arm64 vmlinuz is an uncompressed Image (an EFI
// application QEMU boots directly). Measured with Debian's arm64 6.1: to a
// static Go /init and powered off in 3.2 s.
var Arches = map[string]*Arch{
	"amd64": {
		Name: "amd64", GOARCH: "amd64", ELFMachine: elf.EM_X86_64,
		QEMU: "qemu-system-x86_64", QEMUPackage: "qemu-system-x86",
		Console: "ttyS0", PVH: true,
	},
	"arm64": {
		Name: "arm64", GOARCH: "arm64", ELFMachine: elf.EM_AARCH64,
		QEMU: "qemu-system-aarch64", QEMUPackage: "qemu-system-arm",
		Machine: []string{"-M", "virt", "-cpu", "cortex-a57"},
		Console: "ttyAMA0",
	},
}

// LookupArch returns the architecture named (Debian's name), or an error
// listing those known.
func LookupArch(name string) (*Arch, error) {
	if a, ok := Arches[name]; ok {
		return a, nil
	}
	var known []string
	for n := range Arches {
		known = append(known, n)
	}
	sort.Strings(known)
	return nil, fmt.Errorf("architecture %q: boottest boots %s", name, strings.Join(known, ", "))
}

// archOfMachine returns the architecture whose modules have ELF machine m.
func archOfMachine(m elf.Machine) *Arch {
	for _, a := range Arches {
		if a.ELFMachine == m {
			return a
		}
	}
	return nil
}

// AppendFor is the default kernel command line on a: the serial console,
// reboot on panic (QEMU's -no-reboot turns it into an exit), and only
// warnings and worse on the console, so the result reads fast.
func AppendFor(a *Arch) string {
	return "console=" + a.Console + " panic=-1 quiet loglevel=4"
}

// arm64 Image header (Documentation/arch/arm64/booting.rst): magic
// "ARM\x64" at offset 56.
const arm64ImageMagic = "ARM\x64"

// ImageArch says which architecture the kernel image at path is for: an
// x86 bzImage (setup header "HdrS") is amd64, an arm64 Image (plain or
// gzip-compressed) arm64.
func ImageArch(path string) (*Arch, error) {
	head, err := imageHead(path, 0x210)
	if err != nil {
		return nil, err
	}
	switch {
	case len(head) >= 0x206 && string(head[0x202:0x206]) == "HdrS":
		return Arches["amd64"], nil
	case len(head) >= 60 && string(head[56:60]) == arm64ImageMagic:
		return Arches["arm64"], nil
	}
	return nil, fmt.Errorf("kernel image %s: neither an x86 bzImage (HdrS) nor an arm64 Image (ARM\\x64 at 56)", path)
}

// imageHead returns the first n bytes of the image, decompressed when it
// is gzip-compressed.
func imageHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("kernel image: %w", err)
	}
	defer f.Close()
	r, err := maybeGunzip(f)
	if err != nil {
		return nil, fmt.Errorf("kernel image %s: %w", path, err)
	}
	b := make([]byte, n)
	m, err := io.ReadFull(r, b)
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("kernel image %s: %w", path, err)
	}
	return b[:m], nil
}

// maybeGunzip returns r, decompressed when it starts with gzip's magic.
func maybeGunzip(f *os.File) (io.Reader, error) {
	var magic [2]byte
	if _, err := f.ReadAt(magic[:], 0); err != nil {
		return nil, err
	}
	if magic != [2]byte{0x1f, 0x8b} {
		return f, nil
	}
	return gzip.NewReader(f)
}

// linuxBanner opens the kernel's linux_banner, "Linux version RELEASE
// (BUILDER) ...", which every image holds as a constant string.
var linuxBanner = []byte("Linux version ")

// bannerRelease reads the release from the first linux_banner of an
// uncompressed kernel image (an arm64 Image).
func bannerRelease(r io.Reader) (string, error) {
	// 256 MiB bounds a corrupt stream; Debian's arm64 6.1 Image is 31 MiB.
	data, err := io.ReadAll(io.LimitReader(r, 256<<20))
	if err != nil {
		return "", err
	}
	for off := 0; ; {
		i := bytes.Index(data[off:], linuxBanner)
		if i < 0 {
			break
		}
		rest := data[off+i+len(linuxBanner):]
		if end := bytes.IndexAny(rest[:min(len(rest), 256)], " \x00"); end > 0 && rest[0] >= '0' && rest[0] <= '9' {
			return string(rest[:end]), nil
		}
		off += i + 1
	}
	return "", fmt.Errorf("no %q string followed by a release", linuxBanner)
}

// arm64ImageRelease reads the release of an arm64 Image (plain or gzip).
func arm64ImageRelease(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("kernel image: %w", err)
	}
	defer f.Close()
	r, err := maybeGunzip(f)
	if err != nil {
		return "", fmt.Errorf("kernel image %s: %w", path, err)
	}
	rel, err := bannerRelease(r)
	if err != nil {
		return "", fmt.Errorf("kernel image %s: %w", path, err)
	}
	return rel, nil
}
