package boottest

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/target"
)

// fakeArm64Image is an arm64 Image header with a linux_banner after it.
func fakeArm64Image(release string) []byte {
	b := make([]byte, 4096)
	copy(b[56:], arm64ImageMagic)
	copy(b[1000:], "%s version %s (\x00Linux version x\x00")
	copy(b[2000:], "Linux version "+release+" (debian-kernel@lists.debian.org) (gcc-12) #1 SMP\x00")
	return b
}

func TestImageArchAndRelease(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "Image")
	os.WriteFile(plain, fakeArm64Image("6.1.0-57-arm64"), 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(fakeArm64Image("6.1.0-58-arm64"))
	zw.Close()
	gzipped := filepath.Join(dir, "Image.gz")
	os.WriteFile(gzipped, gz.Bytes(), 0o644)
	for p, want := range map[string]string{plain: "6.1.0-57-arm64", gzipped: "6.1.0-58-arm64"} {
		a, err := ImageArch(p)
		if err != nil || a.Name != "arm64" {
			t.Errorf("ImageArch(%s) = %v, %v; want arm64", filepath.Base(p), a, err)
		}
		if rel, err := ImageRelease(p); err != nil || rel != want {
			t.Errorf("ImageRelease(%s) = %q, %v; want %q", filepath.Base(p), rel, err, want)
		}
	}
	bz := make([]byte, 0x300)
	copy(bz[0x202:], "HdrS")
	bzPath := filepath.Join(dir, "bzImage")
	os.WriteFile(bzPath, bz, 0o644)
	if a, err := ImageArch(bzPath); err != nil || a.Name != "amd64" {
		t.Errorf("ImageArch(bzImage) = %v, %v; want amd64", a, err)
	}
	if _, err := kernelArch("arm64", bzPath); err == nil || !strings.Contains(err.Error(), "is for amd64") {
		t.Errorf("kernelArch(arm64, a bzImage): %v, want a disagreement", err)
	}
	if _, err := LookupArch("riscv64"); err == nil || !strings.Contains(err.Error(), "amd64, arm64") {
		t.Errorf("LookupArch(riscv64): %v", err)
	}
}

func TestQEMUArgsPerArch(t *testing.T) {
	cfg := withDefaults(Config{})
	arm := qemuArgs(Config{MemoryMB: 512, Append: AppendFor(Arches["arm64"])}, Arches["arm64"], "Image", "initrd")
	want := []string{"-accel", "tcg", "-M", "virt", "-cpu", "cortex-a57", "-nodefaults"}
	if !slices.Equal(arm[:len(want)], want) {
		t.Errorf("arm64 args %q, want them to start %q", arm, want)
	}
	if !slices.Contains(arm, "console=ttyAMA0 panic=-1 quiet loglevel=4") {
		t.Errorf("arm64 args %q: no ttyAMA0 console", arm)
	}
	x86 := qemuArgs(Config{MemoryMB: 512, Append: AppendFor(Arches["amd64"])}, Arches["amd64"], "vmlinux", "initrd")
	if x86[2] != "-nodefaults" || !slices.Contains(x86, DefaultAppend) {
		t.Errorf("amd64 args %q", x86)
	}
	if img, boot := bootImage(cfg, Arches["arm64"], "/x/vmlinuz"); img != "/x/vmlinuz" || boot != "arm64 Image" {
		t.Errorf("bootImage(arm64) = %q, %q", img, boot)
	}
	if _, err := findQEMU("/nonexistent/qemu-system-aarch64", Arches["arm64"]); err == nil || !strings.Contains(err.Error(), "qemu-system-arm") {
		t.Errorf("findQEMU: %v, want the package named", err)
	}
}

// TestBootArm64 boots Debian's arm64 kernel of this repository's lock
// (unpacked into the user's cache) under qemu-system-aarch64 with a GOARCH
// arm64 guest, and loads a module of its own tree with a dependency.
func TestBootArm64(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: downloads Debian's arm64 kernel and boots it under TCG")
	}
	if os.Geteuid() != 0 && !testenv.CI() {
		t.Skip("not root: unpacking the kernel packages keeps their modes; run as root (CI=true runs it)")
	}
	if _, err := exec.LookPath("qemu-system-aarch64"); err != nil {
		testenv.SkipOrFail(t, "needs the Debian package qemu-system-arm: %v", err)
	}
	lock, err := target.ReadLock("..")
	if err != nil {
		t.Fatal(err)
	}
	tg, _ := target.ParseName("debian-12/6.1/arm64")
	r, ok := lock.Lookup(tg)
	if !ok {
		t.Fatalf("%s not in the lock", tg)
	}
	k, err := (&buildenv.Config{}).Kernel(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	// crc7 needs nothing; vfat needs fat (modules.dep, written by depmod).
	var mods []Module
	for _, n := range []string{"lib/crc7.ko", "fs/fat/vfat.ko"} {
		mods = append(mods, Module{Path: filepath.Join(k.ModulesDir, "kernel", n)})
	}
	start := time.Now()
	rep, err := Run(context.Background(), Config{Kernel: k.Image, ModulesDir: k.ModulesDir, Modules: mods})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: boot %v (kernel up at %v), total %v", rep.Boot, rep.BootDuration.Round(time.Millisecond), rep.KernelBoot, time.Since(start).Round(time.Millisecond))
	if rep.Arch != "arm64" || rep.Release != r.Kernel() {
		t.Errorf("booted %s %s, want arm64 %s", rep.Arch, rep.Release, r.Kernel())
	}
	for _, e := range rep.Check() {
		t.Error(e)
	}
}
