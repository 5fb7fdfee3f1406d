package kbuild

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/initsec/initsec/modpost"
)

// rootDir is where FindKDIR looks for lib/modules and usr/src; tests point
// it at a fake tree.
var rootDir = "/"

// unameRelease returns the running kernel's release (uname -r); tests
// replace it.
var unameRelease = func() (string, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "", fmt.Errorf("uname: %w", err)
	}
	return unix.ByteSliceToString(u.Release[:]), nil
}

// hostKernelArch is the kernel's name (ARCH=) for the architecture this
// program runs on; FindKDIR prefers headers for it.
var hostKernelArch = kernelArch(runtime.GOARCH)

// MissingHeadersError reports that no kernel build directory was found.
type MissingHeadersError struct {
	Release  string   // the running kernel's release, if known
	Package  string   // the Debian package that provides a build directory
	Searched []string // what was looked at, in order, each with why it failed
}

func (e *MissingHeadersError) Error() string {
	var b strings.Builder
	b.WriteString("no kernel build directory (KDIR) found")
	if len(e.Searched) > 0 {
		b.WriteString("; searched: ")
		b.WriteString(strings.Join(e.Searched, "; "))
	}
	fmt.Fprintf(&b, "; install the Debian package %s (apt-get install %s) or set KDIR to a kernel build directory", e.Package, e.Package)
	return b.String()
}

// debianHeadersPackage names the package providing a kbuild dir for release:
// linux-headers-RELEASE when release looks like a Debian kernel
// ("6.1.0-56-amd64", "6.12.117+deb12-amd64"), else the architecture's
// metapackage (linux-headers-amd64), which tracks the distribution's kernel.
func debianHeadersPackage(release string) string {
	if debianRelease().MatchString(release) {
		return "linux-headers-" + release
	}
	return "linux-headers-" + debianArch(runtime.GOARCH)
}

var debianRelease = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\d+\.\d+(\.\d+)?(-\d+|\+deb\d+)(-[a-z0-9]+)*-(amd64|arm64|armmp|armmp-lpae|686|686-pae|marvell|rpi|powerpc64le|s390x|loong64|riscv64|mips64r2el|octeon|5kc-malta|4kc-malta|loongson-3|cloud-amd64|cloud-arm64|rt-amd64|rt-arm64)$`)
})

func debianArch(goarch string) string {
	switch goarch {
	case "386":
		return "686-pae"
	case "arm":
		return "armmp"
	case "ppc64le":
		return "powerpc64le"
	}
	return goarch // amd64, arm64, s390x, riscv64, loong64
}

func kernelArch(goarch string) string {
	switch goarch {
	case "amd64", "386":
		return "x86"
	case "ppc64", "ppc64le":
		return "powerpc"
	case "loong64":
		return "loongarch"
	case "mips", "mipsle", "mips64", "mips64le":
		return "mips"
	case "riscv64":
		return "riscv"
	}
	return goarch // arm64, arm, s390x
}

// FindKDIR returns the kernel build directory to build modules against:
// $KDIR if set (it must be a kbuild directory, else FindKDIR fails rather
// than look elsewhere), else /lib/modules/$(uname -r)/build, else the newest
// /usr/src/linux-headers-* kbuild directory by release (compared as
// versions: 6.12 is newer than 6.9, -56 newer than -9), preferring headers
// for the host architecture. The -common directories of Debian are never
// chosen. When nothing is found the error is a *MissingHeadersError.
func FindKDIR() (string, error) {
	if kdir, ok := os.LookupEnv("KDIR"); ok && kdir != "" {
		if err := checkKbuildDir(kdir); err != nil {
			return "", fmt.Errorf("$KDIR=%s: %w (hint: unset KDIR to use the installed headers, or install them: apt-get install %s)", kdir, err, debianHeadersPackage(""))
		}
		return kdir, nil
	}
	missing := &MissingHeadersError{Searched: []string{"$KDIR (unset)"}}
	release, err := unameRelease()
	if err != nil {
		missing.Searched = append(missing.Searched, err.Error())
	} else {
		missing.Release = release
		build := filepath.Join(rootDir, "lib", "modules", release, "build")
		if err := checkKbuildDir(build); err != nil {
			missing.Searched = append(missing.Searched, err.Error())
		} else {
			return build, nil
		}
	}
	missing.Package = debianHeadersPackage(missing.Release)

	pattern := filepath.Join(rootDir, "usr", "src", "linux-headers-*")
	kdir, err := newestHeaders(pattern)
	if err != nil {
		missing.Searched = append(missing.Searched, err.Error())
		return "", missing
	}
	return kdir, nil
}

// newestHeaders picks the newest kbuild directory matching pattern.
func newestHeaders(pattern string) (string, error) {
	dirs, err := filepath.Glob(pattern)
	if err != nil {
		return "", err
	}
	type cand struct {
		dir, release string
		hostArch     bool
	}
	var cands []cand
	for _, d := range dirs {
		base := filepath.Base(d)
		if strings.Contains(base, "-common") {
			continue // Debian's arch-independent half, not a kbuild dir
		}
		if checkKbuildDir(d) != nil {
			continue
		}
		rel, err := Release(d)
		if err != nil {
			rel = strings.TrimPrefix(base, "linux-headers-")
		}
		arch := dirArch(d)
		cands = append(cands, cand{d, rel, arch == "" || arch == hostKernelArch})
	}
	if len(cands) == 0 {
		return "", fmt.Errorf("%s: no kbuild directory (with Makefile and include/generated/utsrelease.h or .config)", pattern)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.hostArch != b.hostArch {
			return a.hostArch
		}
		return modpost.CompareReleases(a.release, b.release) > 0
	})
	return cands[0].dir, nil
}

// checkKbuildDir says why dir is not a kbuild directory, or nil if it is.
func checkKbuildDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: not a directory", dir)
	}
	if !isFile(filepath.Join(dir, "Makefile")) {
		return fmt.Errorf("%s: not a kbuild directory: no Makefile", dir)
	}
	if !isFile(filepath.Join(dir, "include", "generated", "utsrelease.h")) && !isFile(filepath.Join(dir, ".config")) {
		return fmt.Errorf("%s: not a kbuild directory: no include/generated/utsrelease.h or .config (unconfigured source tree?)", dir)
	}
	return nil
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// dirArch returns the kernel ARCH a build directory is configured for, or ""
// if it cannot tell. Debian records it in .kernelvariables
// ("override ARCH = x86"); otherwise .config's CONFIG_X86=y and the like.
func dirArch(dir string) string {
	if b, err := os.ReadFile(filepath.Join(dir, ".kernelvariables")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) == 4 && f[0] == "override" && f[1] == "ARCH" && f[2] == "=" {
				return f[3]
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, ".config"))
	if err != nil {
		return ""
	}
	for _, c := range []struct{ sym, arch string }{
		{"CONFIG_X86=y", "x86"}, {"CONFIG_ARM64=y", "arm64"}, {"CONFIG_ARM=y", "arm"},
		{"CONFIG_PPC=y", "powerpc"}, {"CONFIG_RISCV=y", "riscv"}, {"CONFIG_S390=y", "s390"},
		{"CONFIG_LOONGARCH=y", "loongarch"}, {"CONFIG_MIPS=y", "mips"},
	} {
		if bytes.Contains(b, []byte("\n"+c.sym+"\n")) {
			return c.arch
		}
	}
	return ""
}

// Release returns the kernel release kdir builds for: UTS_RELEASE from
// include/generated/utsrelease.h (for example "6.1.0-56-amd64"). Modules
// built there carry it in their vermagic.
func Release(kdir string) (string, error) {
	p := filepath.Join(kdir, "include", "generated", "utsrelease.h")
	b, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("kernel release: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "#define" && f[1] == "UTS_RELEASE" {
			v := strings.Join(f[2:], " ")
			s, err := strconv.Unquote(v)
			if err != nil || s == "" {
				return "", fmt.Errorf("%s: malformed UTS_RELEASE %s", p, v)
			}
			return s, nil
		}
	}
	return "", fmt.Errorf("%s: no UTS_RELEASE definition", p)
}

// Version returns the upstream version of the kernel in kdir. It reads
// VERSION, PATCHLEVEL and SUBLEVEL from the top Makefile, following
// "include" lines (Debian's per-flavour Makefile is one line including the
// -common one), and falls back to include/config/kernel.release. For
// Debian's 6.1.0-56-amd64 it is 6.1.192, not 6.1.0.
func Version(kdir string) (modpost.KernelVersion, error) {
	v, mkErr := makefileVersion(filepath.Join(kdir, "Makefile"), kdir, 0)
	if mkErr == nil {
		return v, nil
	}
	p := filepath.Join(kdir, "include", "config", "kernel.release")
	b, err := os.ReadFile(p)
	if err != nil {
		return modpost.KernelVersion{}, fmt.Errorf("kernel version: %w; %w", mkErr, err)
	}
	v, err = modpost.ParseKernelVersion(strings.TrimSpace(string(b)))
	if err != nil {
		return modpost.KernelVersion{}, fmt.Errorf("%s: %w", p, err)
	}
	return v, nil
}

var errNoVersion = errors.New("no VERSION/PATCHLEVEL/SUBLEVEL")

func makefileVersion(path, kdir string, depth int) (modpost.KernelVersion, error) {
	if depth > 4 {
		return modpost.KernelVersion{}, fmt.Errorf("%s: includes nested too deeply", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return modpost.KernelVersion{}, err
	}
	defer f.Close()
	vars := map[string]int{}
	var includes []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		for _, name := range []string{"VERSION", "PATCHLEVEL", "SUBLEVEL"} {
			rest, ok := strings.CutPrefix(line, name)
			if !ok {
				continue
			}
			rest = strings.TrimSpace(rest)
			rest, ok = strings.CutPrefix(rest, "=")
			if !ok {
				continue
			}
			if _, seen := vars[name]; seen {
				continue
			}
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err != nil {
				return modpost.KernelVersion{}, fmt.Errorf("%s: %s = %q: not a number", path, name, strings.TrimSpace(rest))
			}
			vars[name] = n
		}
		if len(vars) == 3 {
			return modpost.KernelVersion{Version: vars["VERSION"], PatchLevel: vars["PATCHLEVEL"], SubLevel: vars["SUBLEVEL"]}, nil
		}
		for _, kw := range []string{"include ", "-include ", "sinclude "} {
			if rest, ok := strings.CutPrefix(line, kw); ok {
				for _, inc := range strings.Fields(rest) {
					if !strings.Contains(inc, "$") { // make variables cannot be expanded here
						includes = append(includes, inc)
					}
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return modpost.KernelVersion{}, fmt.Errorf("%s: %w", path, err)
	}
	for _, inc := range includes {
		if !filepath.IsAbs(inc) {
			inc = filepath.Join(kdir, inc)
		}
		v, err := makefileVersion(inc, kdir, depth+1)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, errNoVersion) && !errors.Is(err, fs.ErrNotExist) {
			return modpost.KernelVersion{}, err
		}
	}
	return modpost.KernelVersion{}, fmt.Errorf("%s: %w", path, errNoVersion)
}
