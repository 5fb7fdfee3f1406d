package kernels

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/kbuild/buildenv"
	"github.com/initsec/initsec/kbuild/buildroot"
	"github.com/initsec/initsec/modpost"
	"github.com/initsec/initsec/target"
)

// SidSpec is the Debian sid build root the 7.x tests use: make and sid's
// newest amd64 kernel headers, through the metapackage (the ABI is
// resolved when the root is made, never named here); the headers depend on
// linux-kbuild-* (modpost) and the compiler the kernel was built with.
var SidSpec = buildroot.Spec{Suite: "sid", Arch: "amd64", Packages: []string{"make", "linux-headers-amd64"}}

// Sid is Debian sid's kernel in its build root: the headers' kbuild tree
// and its modpost, which needs sid's C library (GLIBC 2.38 or later) and
// so runs only inside the root.
type Sid struct {
	Root    *buildroot.Root
	KDIR    string // the headers' tree, as a path inside the root
	Release string // the kernel release: /usr/lib/modules/RELEASE, the vermagic's first word
	Version string // the Debian version of linux-headers-RELEASE
	// Kernel is KDIR's kernel version, from its Makefile.
	Kernel modpost.KernelVersion
}

// EnsureSid returns the sid root of SidSpec in the default cache, making it
// if needed (mmdebstrap: minutes, root privileges; its log goes to w).
func EnsureSid(ctx context.Context, w io.Writer) (*Sid, error) {
	r, err := (&buildroot.Cache{Log: w}).Ensure(ctx, SidSpec)
	if err != nil {
		return nil, err
	}
	return sidOf(r)
}

func sidOf(r *buildroot.Root) (*Sid, error) {
	kdir, err := r.KDIR()
	if err != nil {
		return nil, err
	}
	release := strings.TrimPrefix(path.Base(kdir), "linux-headers-")
	version, ok := r.Installed["linux-headers-"+release]
	if !ok {
		return nil, fmt.Errorf("build root %s: %s is not an installed package's tree", r.Key, kdir)
	}
	v, err := kbuild.Version(filepath.Join(r.Path, kdir))
	if err != nil {
		return nil, err
	}
	return &Sid{Root: r, KDIR: kdir, Release: release, Version: version, Kernel: v}, nil
}

// HostKDIR is KDIR seen from this machine, for reading (its modpost does
// not run here).
func (s *Sid) HostKDIR() string { return filepath.Join(s.Root.Path, s.KDIR) }

// modpostDir is where a ModpostRun's work directory is bound in the root.
const modpostDir = buildroot.BuildDir + "/modpost"

// ModpostArgs returns the arguments kbuild gives modpost for an external
// module build against KDIR, read from 7.2's scripts/Makefile.modpost
// (modpost-args, lines 43-66 and 121-131 of linux-source-7.2 7.2.13-1) with the tree's
// include/config/auto.conf: -M with CONFIG_MODULES, -m with
// CONFIG_MODVERSIONS, -b and -x with CONFIG_BASIC_ and
// CONFIG_EXTENDED_MODVERSIONS, -a with CONFIG_MODULE_SRCVERSION_ALL, -E
// unless CONFIG_SECTION_MISMATCH_WARN_ONLY, -N with
// CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS, -o out, -T list, -i
// KDIR/Module.symvers when the tree has one, -e; -w when warnUnresolved
// (KBUILD_MODPOST_WARN). Paths are inside the root.
func (s *Sid) ModpostArgs(out, list string, warnUnresolved bool) ([]string, error) {
	conf, err := readAutoConf(filepath.Join(s.HostKDIR(), "include/config/auto.conf"))
	if err != nil {
		return nil, err
	}
	var args []string
	for _, f := range []struct{ config, flag string }{
		{"CONFIG_MODULES", "-M"}, {"CONFIG_MODVERSIONS", "-m"},
		{"CONFIG_BASIC_MODVERSIONS", "-b"}, {"CONFIG_EXTENDED_MODVERSIONS", "-x"},
		{"CONFIG_MODULE_SRCVERSION_ALL", "-a"},
	} {
		if conf[f.config] {
			args = append(args, f.flag)
		}
	}
	if !conf["CONFIG_SECTION_MISMATCH_WARN_ONLY"] {
		args = append(args, "-E")
	}
	if warnUnresolved {
		args = append(args, "-w")
	}
	if conf["CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS"] {
		args = append(args, "-N")
	}
	args = append(args, "-o", out, "-T", list)
	if _, err := os.Stat(filepath.Join(s.HostKDIR(), "Module.symvers")); err == nil {
		args = append(args, "-i", path.Join(s.KDIR, "Module.symvers"))
	}
	return append(args, "-e"), nil
}

// readAutoConf returns the options set to y in an auto.conf.
func readAutoConf(file string) (map[string]bool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	conf := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if name, ok := strings.CutSuffix(sc.Text(), "=y"); ok && strings.HasPrefix(name, "CONFIG_") {
			conf[name] = true
		}
	}
	return conf, sc.Err()
}

// SidModpostRun is the root's modpost over objects in a work directory of
// this machine, which the root sees at /build/modpost.
type SidModpostRun struct {
	Sid  *Sid
	Dir  string   // the work directory here: the -T list, Module.symvers, NAME.mod.c
	Args []string // modpost's arguments, with paths inside the root
}

// NewModpostRun lists objects (files below dir) in dir/modules.order, as
// the root sees them, and returns the run of the root's modpost over them
// with kbuild's flags (ModpostArgs).
func (s *Sid) NewModpostRun(dir string, objects []string, warnUnresolved bool) (*SidModpostRun, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	var list strings.Builder
	for _, o := range objects {
		rel, err := filepath.Rel(dir, o)
		if err != nil || !filepath.IsLocal(rel) {
			return nil, fmt.Errorf("modpost in the root: %s is not below the work directory %s", o, dir)
		}
		list.WriteString(path.Join(modpostDir, filepath.ToSlash(rel)) + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "modules.order"), []byte(list.String()), 0o644); err != nil {
		return nil, err
	}
	args, err := s.ModpostArgs(modpostDir+"/Module.symvers", modpostDir+"/modules.order", warnUnresolved)
	if err != nil {
		return nil, err
	}
	return &SidModpostRun{Sid: s, Dir: dir, Args: args}, nil
}

// Run runs modpost in the root, with LC_ALL=C, and returns its output
// (stdout and stderr, paths in the work directory given as paths here)
// and its messages, parsed. As ModpostRun.Run: a non-zero exit is an error
// that quotes the output, returned with the messages.
func (r *SidModpostRun) Run(ctx context.Context) ([]modpost.Warning, string, error) {
	var out bytes.Buffer
	argv := append([]string{path.Join(r.Sid.KDIR, "scripts/mod/modpost")}, r.Args...)
	runErr := r.Sid.Root.Run(ctx, argv, buildroot.RunOptions{
		Dir: modpostDir, Stdout: &out, Stderr: &out,
		Binds: []buildroot.Bind{{Host: r.Dir, Inside: modpostDir}},
	})
	text := strings.ReplaceAll(out.String(), modpostDir+"/", r.Dir+"/")
	ws, err := modpost.Parse(strings.NewReader(text))
	if err != nil {
		return nil, text, err
	}
	if runErr != nil {
		return ws, text, fmt.Errorf("%s (in build root %s): %w\n%s", strings.Join(argv, " "), r.Sid.Root.Key, runErr, tail(text, 40))
	}
	return ws, text, nil
}

// EnsureModules provides the kernel's own modules, Debian's
// linux-modules-RELEASE at the headers' version, unpacked under
// CacheDir(), and returns their tree (.../usr/lib/modules/RELEASE). The
// package is found in sid's index (target.APT: a private apt state,
// lists verified with the archive keyring), downloaded from the mirror,
// checked against the index's SHA256 and unpacked with dpkg-deb -x.
func (s *Sid) EnsureModules(ctx context.Context, w io.Writer) (string, error) {
	if w == nil {
		w = io.Discard
	}
	pkg := "linux-modules-" + s.Release
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	dest := filepath.Join(cache, "sid", pkg+"_"+s.Version)
	tree := filepath.Join(dest, "usr/lib/modules", s.Release)
	if _, err := os.Stat(filepath.Join(dest, ".complete")); err == nil {
		return tree, nil
	}
	rel, ok := target.LookupRelease("debian-sid")
	if !ok {
		return "", errors.New("target: no debian-sid release")
	}
	ix, err := (&target.APT{Log: w}).Open(ctx, rel, []string{"amd64"})
	if err != nil {
		return "", err
	}
	versions, err := ix.Versions(ctx, "amd64", []string{pkg})
	if err != nil {
		return "", err
	}
	var st *target.Stanza
	for i, v := range versions[pkg] {
		if v.Version == s.Version {
			st = &versions[pkg][i]
		}
	}
	if st == nil {
		return "", fmt.Errorf("%s=%s (the root's headers' version) is not in sid's index any more: remake the root (buildroot.Cache.Remove) to move to sid's current kernel", pkg, s.Version)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dest), ".tmp-"+pkg+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	deb := filepath.Join(tmp, path.Base(st.Filename))
	url := target.DefaultMirror + "/" + st.Filename
	fmt.Fprintf(w, "download %s\n", url)
	if err := buildenv.Fetch(ctx, url, deb, st.SHA256); err != nil {
		return "", err
	}
	if err := run(ctx, w, "", "dpkg-deb", "-x", deb, filepath.Join(tmp, "root")); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, "root", ".complete"), []byte(pkg+" "+s.Version+"\n"), 0o644); err != nil {
		return "", err
	}
	if err := os.RemoveAll(dest); err != nil {
		return "", err
	}
	if err := os.Rename(filepath.Join(tmp, "root"), dest); err != nil {
		return "", err
	}
	return tree, nil
}
