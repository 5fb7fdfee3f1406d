package kbuild

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/initsec/initsec/modpost"
)

// fakeRoot points FindKDIR at a temporary root and a fixed uname release.
func fakeRoot(t *testing.T, release string) string {
	t.Helper()
	root := t.TempDir()
	oldRoot, oldUname, oldArch := rootDir, unameRelease, hostKernelArch
	rootDir = root
	unameRelease = func() (string, error) { return release, nil }
	hostKernelArch = "x86"
	t.Cleanup(func() { rootDir, unameRelease, hostKernelArch = oldRoot, oldUname, oldArch })
	t.Setenv("KDIR", "")
	return root
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeHeaders makes a Debian-style linux-headers-RELEASE kbuild dir whose
// Makefile includes a -common one holding the version.
func fakeHeaders(t *testing.T, root, release, arch, version string) string {
	t.Helper()
	dir := filepath.Join(root, "usr", "src", "linux-headers-"+release)
	common := filepath.Join(root, "usr", "src", "linux-headers-"+release+"-common")
	v := strings.SplitN(version, ".", 3)
	writeFile(t, filepath.Join(common, "Makefile"),
		"# SPDX-License-Identifier: GPL-2.0\nVERSION = "+v[0]+"\nPATCHLEVEL = "+v[1]+"\nSUBLEVEL = "+v[2]+"\nEXTRAVERSION =\n")
	writeFile(t, filepath.Join(dir, "Makefile"), "include "+filepath.Join(common, "Makefile")+"\n")
	writeFile(t, filepath.Join(dir, ".config"), "#\n# config\n#\nCONFIG_X=y\n")
	writeFile(t, filepath.Join(dir, ".kernelvariables"), "override ARCH = "+arch+"\nCC = $(if $(X),$(CCACHE)) $(CROSS_COMPILE)gcc-12\n")
	writeFile(t, filepath.Join(dir, "include", "generated", "utsrelease.h"), "#define UTS_RELEASE \""+release+"\"\n")
	writeFile(t, filepath.Join(dir, "include", "config", "kernel.release"), version+"\n")
	return dir
}

func TestFindKDIRNewestHeaders(t *testing.T) {
	root := fakeRoot(t, "6.18.44-fc-v595")
	fakeHeaders(t, root, "6.1.0-9-amd64", "x86", "6.1.27")
	fakeHeaders(t, root, "6.1.0-56-amd64", "x86", "6.1.192")
	want := fakeHeaders(t, root, "6.12.117+deb12-amd64", "x86", "6.12.117")
	fakeHeaders(t, root, "6.19.1-1-arm64", "arm64", "6.19.1") // newer, wrong architecture
	// An unconfigured tree and a stray file are not candidates.
	writeFile(t, filepath.Join(root, "usr", "src", "linux-headers-7.0.0-1-amd64", "Makefile"), "VERSION = 7\n")
	writeFile(t, filepath.Join(root, "usr", "src", "linux-headers-9.9.9"), "")

	got, err := FindKDIR()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("FindKDIR() = %s, want %s", got, want)
	}
	rel, err := Release(got)
	if err != nil || rel != "6.12.117+deb12-amd64" {
		t.Errorf("Release = %q, %v", rel, err)
	}
	v, err := Version(got)
	if err != nil || v != (modpost.KernelVersion{Version: 6, PatchLevel: 12, SubLevel: 117}) {
		t.Errorf("Version = %v, %v", v, err)
	}
}

func TestFindKDIRNumericNotLexical(t *testing.T) {
	root := fakeRoot(t, "6.18.44-fc-v595")
	fakeHeaders(t, root, "6.1.0-9-amd64", "x86", "6.1.27")
	want := fakeHeaders(t, root, "6.1.0-56-amd64", "x86", "6.1.192")
	got, err := FindKDIR()
	if err != nil || got != want {
		t.Errorf("FindKDIR() = %s, %v; want %s", got, err, want)
	}
}

func TestFindKDIRRunningKernelFirst(t *testing.T) {
	root := fakeRoot(t, "6.1.0-9-amd64")
	old := fakeHeaders(t, root, "6.1.0-9-amd64", "x86", "6.1.27")
	fakeHeaders(t, root, "6.1.0-56-amd64", "x86", "6.1.192")
	build := filepath.Join(root, "lib", "modules", "6.1.0-9-amd64", "build")
	if err := os.MkdirAll(filepath.Dir(build), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(old, build); err != nil {
		t.Fatal(err)
	}
	got, err := FindKDIR()
	if err != nil || got != build {
		t.Errorf("FindKDIR() = %s, %v; want %s", got, err, build)
	}
}

func TestFindKDIREnv(t *testing.T) {
	root := fakeRoot(t, "6.18.44-fc-v595")
	fakeHeaders(t, root, "6.12.117+deb12-amd64", "x86", "6.12.117") // newer, but not asked for
	chosen := fakeHeaders(t, root, "6.1.0-56-amd64", "x86", "6.1.192")

	t.Setenv("KDIR", chosen)
	got, err := FindKDIR()
	if err != nil || got != chosen {
		t.Errorf("FindKDIR() with KDIR = %s, %v; want %s", got, err, chosen)
	}

	// A bad $KDIR is an error, not a reason to pick something else.
	common := chosen + "-common"
	t.Setenv("KDIR", common)
	if got, err := FindKDIR(); err == nil {
		t.Errorf("FindKDIR() with KDIR=%s = %s, want an error", common, got)
	} else if !strings.Contains(err.Error(), "not a kbuild directory") {
		t.Errorf("error %q does not say why", err)
	}
	t.Setenv("KDIR", filepath.Join(root, "nonexistent"))
	if got, err := FindKDIR(); err == nil || got != "" {
		t.Errorf("FindKDIR() with missing KDIR = %s, %v", got, err)
	}
}

func TestFindKDIRMissing(t *testing.T) {
	for _, tt := range []struct {
		release, pkg string
	}{
		{"6.18.44-fc-v595", "linux-headers-amd64"},
		{"6.1.0-56-amd64", "linux-headers-6.1.0-56-amd64"},
		{"6.12.117+deb12-amd64", "linux-headers-6.12.117+deb12-amd64"},
	} {
		root := fakeRoot(t, tt.release)
		// Only the -common half is installed.
		writeFile(t, filepath.Join(root, "usr", "src", "linux-headers-6.1.0-56-common", "Makefile"), "VERSION = 6\n")
		_, err := FindKDIR()
		var mh *MissingHeadersError
		if !errors.As(err, &mh) {
			t.Fatalf("release %s: err = %v, want *MissingHeadersError", tt.release, err)
		}
		if mh.Release != tt.release {
			t.Errorf("Release = %q, want %q", mh.Release, tt.release)
		}
		if tt.pkg == "linux-headers-amd64" {
			// The metapackage is the host architecture's.
			tt.pkg = "linux-headers-" + debianArch(runtime.GOARCH)
		}
		if mh.Package != tt.pkg {
			t.Errorf("release %s: Package = %q, want %q", tt.release, mh.Package, tt.pkg)
		}
		msg := err.Error()
		for _, want := range []string{tt.pkg, "lib/modules/" + tt.release + "/build", "usr/src/linux-headers-*", "KDIR"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not mention %q", msg, want)
			}
		}
	}
}

func TestVersionFallbackToKernelRelease(t *testing.T) {
	dir := t.TempDir()
	// A Makefile without the variables (its include cannot be expanded).
	writeFile(t, filepath.Join(dir, "Makefile"), "include $(srctree)/Makefile\n")
	writeFile(t, filepath.Join(dir, "include", "config", "kernel.release"), "6.6.30-rt30\n")
	v, err := Version(dir)
	if err != nil || v != (modpost.KernelVersion{Version: 6, PatchLevel: 6, SubLevel: 30}) {
		t.Errorf("Version = %v, %v", v, err)
	}
	if _, err := Release(dir); err == nil {
		t.Error("Release without utsrelease.h: want an error")
	}
}

func TestCompilerPackage(t *testing.T) {
	for cc, pkg := range map[string]string{
		"gcc":                            "gcc",
		"gcc-12":                         "gcc-12",
		"aarch64-linux-gnu-gcc":          "gcc-aarch64-linux-gnu",
		"aarch64-linux-gnu-gcc-12":       "gcc-12-aarch64-linux-gnu",
		"x86_64-linux-gnu-gcc-12":        "gcc-12-x86-64-linux-gnu",
		"clang":                          "clang",
		"/usr/bin/riscv64-linux-gnu-gcc": "gcc-riscv64-linux-gnu",
	} {
		if got := compilerPackage(cc); got != pkg {
			t.Errorf("compilerPackage(%q) = %q, want %q", cc, got, pkg)
		}
	}
}

func TestCompilerFor(t *testing.T) {
	root := fakeRoot(t, "x")
	debian := fakeHeaders(t, root, "6.1.0-56-amd64", "x86", "6.1.192")
	for _, tt := range []struct {
		kdir string
		opts Options
		want string
	}{
		{debian, Options{}, "gcc-12"},
		{debian, Options{CrossCompile: "aarch64-linux-gnu-"}, "aarch64-linux-gnu-gcc-12"},
		{debian, Options{Vars: []string{"CC=ccache clang-16"}}, "clang-16"},
		{t.TempDir(), Options{CrossCompile: "aarch64-linux-gnu-"}, "aarch64-linux-gnu-gcc"},
	} {
		if got, _ := compilerFor(tt.kdir, tt.opts); got != tt.want {
			t.Errorf("compilerFor(%s, %+v) = %q, want %q", tt.kdir, tt.opts, got, tt.want)
		}
	}
}
