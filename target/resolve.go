package target

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Role is what a package is to a target.
type Role string

// The roles, in the order a resolution and the lock list them.
const (
	RoleHeadersMeta   Role = "headers-meta"   // linux-headers-ARCH or linux-headers-SERIES-ARCH
	RoleHeaders       Role = "headers"        // linux-headers-RELEASE: the KDIR, /usr/src/linux-headers-RELEASE
	RoleHeadersCommon Role = "headers-common" // linux-headers-*-common, included by the headers' Makefile
	RoleKbuild        Role = "kbuild"         // linux-kbuild-*: modpost, fixdep and the other host tools
	RoleBase          Role = "base"           // linux-base-RELEASE (7.x): the release's config, shared by headers and image
	RoleCompiler      Role = "compiler"       // gcc-N, the compiler the headers were built with
	RoleCompilerDep   Role = "compiler-dep"   // what the headers depend on for it, when not gcc-N itself (linux-compiler-gcc-N-*, gcc-N-for-host)
	RoleImageMeta     Role = "image-meta"     // linux-image-ARCH or linux-image-SERIES-ARCH
	RoleImage         Role = "image"          // linux-image-RELEASE: the kernel (before 7.x) or a meta over the two below
	RoleBinary        Role = "binary"         // linux-binary-RELEASE (7.x): /usr/lib/modules/RELEASE/vmlinuz
	RoleModules       Role = "modules"        // linux-modules-RELEASE (7.x): the in-tree modules
)

// Roles lists every role in order.
var Roles = []Role{RoleHeadersMeta, RoleHeaders, RoleHeadersCommon, RoleKbuild, RoleBase, RoleCompiler, RoleCompilerDep, RoleImageMeta, RoleImage, RoleBinary, RoleModules}

func roleIndex(r Role) int {
	if i := slices.Index(Roles, r); i >= 0 {
		return i
	}
	return len(Roles)
}

// Package is one exact package of a resolution, as the archive's index
// describes it.
type Package struct {
	Role     Role
	Name     string
	Version  string
	Arch     string // "amd64", "arm64", "all"
	SHA256   string
	Filename string // path under the archive's root: pool/…/NAME_VERSION_ARCH.deb
}

// Resolution is a target resolved to exact packages.
type Resolution struct {
	Target   Target
	Packages []Package // sorted by role; one package per role
	// Ended, when not empty, says why the target's series cannot be
	// resolved any more (the release no longer serves it); Packages is
	// then empty.
	Ended string
}

// Package returns the package with the role, if the resolution has one.
func (r Resolution) Package(role Role) (Package, bool) {
	for _, p := range r.Packages {
		if p.Role == role {
			return p, true
		}
	}
	return Package{}, false
}

// Kernel returns the kernel release (as in /lib/modules/RELEASE and the
// vermagic), from the headers package's name: linux-headers-RELEASE.
func (r Resolution) Kernel() string {
	p, _ := r.Package(RoleHeaders)
	return strings.TrimPrefix(p.Name, "linux-headers-")
}

// Series returns the kernel series, MAJOR.MINOR of the headers' upstream
// version.
func (r Resolution) Series() string {
	p, _ := r.Package(RoleHeaders)
	return seriesOf(p.Version)
}

// Compiler returns the compiler package's name (gcc-N).
func (r Resolution) Compiler() string {
	p, _ := r.Package(RoleCompiler)
	return p.Name
}

// seriesOf returns MAJOR.MINOR of a Debian version's upstream part.
func seriesOf(version string) string {
	_, up, _ := splitVersion(version)
	parts := strings.SplitN(up, ".", 3)
	if len(parts) < 2 {
		return up
	}
	minor := parts[1]
	if i := strings.IndexFunc(minor, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minor = minor[:i]
	}
	return parts[0] + "." + minor
}

// Resolve resolves targets through src, one index per release (the
// releases in parallel), and returns the resolutions in the order of
// targets. A target whose series the archive no longer serves is
// returned with Ended set; any other failure is an error naming the
// target.
func Resolve(ctx context.Context, src Source, targets []Target) ([]Resolution, error) {
	rs, _, err := resolve(ctx, src, targets)
	return rs, err
}

// resolve is Resolve, also returning the index it opened per release.
func resolve(ctx context.Context, src Source, targets []Target) ([]Resolution, map[string]Index, error) {
	byRelease := map[string][]int{}
	var order []string
	for i, t := range targets {
		if _, ok := LookupRelease(t.Release); !ok {
			return nil, nil, fmt.Errorf("%s: unknown release", t)
		}
		if _, ok := byRelease[t.Release]; !ok {
			order = append(order, t.Release)
		}
		byRelease[t.Release] = append(byRelease[t.Release], i)
	}
	out := make([]Resolution, len(targets))
	errs := make([]error, len(order))
	ixs := make([]Index, len(order))
	var wg sync.WaitGroup
	for k, name := range order {
		wg.Go(func() {
			rel, _ := LookupRelease(name)
			var ts []Target
			var archs []string
			for _, i := range byRelease[name] {
				ts = append(ts, targets[i])
				archs = append(archs, targets[i].Arch)
			}
			slices.Sort(archs)
			ix, err := src.Open(ctx, rel, slices.Compact(archs))
			if err != nil {
				errs[k] = err
				return
			}
			ixs[k] = ix
			rs, err := resolveRelease(ctx, ix, ts)
			if err != nil {
				errs[k] = err
				return
			}
			for j, i := range byRelease[name] {
				out[i] = rs[j]
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	m := map[string]Index{}
	for k, name := range order {
		m[name] = ixs[k]
	}
	return out, m, nil
}

// resolving is one target's state between the levels of resolveRelease.
type resolving struct {
	t    Target
	pkgs map[Role]Stanza
	deps map[Role]Dependency // what a level-2/3 package was asked for, to check "=" relations
	err  error
	end  string
}

func (r *resolving) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: "+format, append([]any{r.t}, args...)...)
	}
}

// resolveRelease resolves a release's targets level by level, one
// Candidates query per architecture and level, since every query runs
// apt-cache:
//
//  1. the metapackages: linux-headers-SERIES-ARCH and
//     linux-image-SERIES-ARCH when the target names a series (Debian 12's
//     6.12), else or when absent linux-headers-ARCH and linux-image-ARCH,
//     whose series must then be the one named;
//  2. what they depend on: linux-headers-RELEASE, linux-image-RELEASE;
//  3. what those depend on that a build or a boot needs: -common,
//     linux-kbuild-*, linux-base-RELEASE, the compiler (gcc-N, directly or
//     through linux-compiler-gcc-N-* or gcc-N-for-host), and for 7.x
//     linux-binary-* and linux-modules-*.
//
// No kernel ABI name is known in advance: each comes from a Depends.
func resolveRelease(ctx context.Context, ix Index, targets []Target) ([]Resolution, error) {
	q := &releaseQuery{ctx: ctx, ix: ix}
	for _, t := range targets {
		q.rs = append(q.rs, &resolving{t: t, pkgs: map[Role]Stanza{}, deps: map[Role]Dependency{}})
	}
	for _, level := range []struct {
		want func(r *resolving) []string
		got  func(r *resolving, found map[string]Stanza)
	}{
		{metaNames, (*resolving).takeMeta},
		{versionedNames, (*resolving).takeVersioned},
		{depNames, (*resolving).takeDeps},
	} {
		if err := q.ask(level.want, level.got); err != nil {
			return nil, err
		}
	}
	return q.results()
}

// releaseQuery resolves the targets of one release level by level, one
// batched apt-cache call per architecture and level.
type releaseQuery struct {
	ctx context.Context
	ix  Index
	rs  []*resolving
}

// ask asks, per architecture, for the names want(r) lists for each target
// still resolving, then lets got(r, found) use the answer.
func (q *releaseQuery) ask(want func(r *resolving) []string, got func(r *resolving, found map[string]Stanza)) error {
	byArch := map[string][]string{}
	for _, r := range q.rs {
		if r.err == nil && r.end == "" {
			byArch[r.t.Arch] = append(byArch[r.t.Arch], want(r)...)
		}
	}
	found := map[string]map[string]Stanza{}
	for arch, names := range byArch {
		slices.Sort(names)
		m, err := q.ix.Candidates(q.ctx, arch, slices.Compact(names))
		if err != nil {
			return err
		}
		found[arch] = m
	}
	for _, r := range q.rs {
		if r.err == nil && r.end == "" {
			got(r, found[r.t.Arch])
		}
	}
	return nil
}

// Level 1: the metapackages (linux-headers-[SERIES-]ARCH, linux-image-...).
func metaNames(r *resolving) []string {
	names := []string{"linux-headers-" + r.t.Arch, "linux-image-" + r.t.Arch}
	if r.t.Series != "" {
		names = append(names, "linux-headers-"+r.t.Series+"-"+r.t.Arch, "linux-image-"+r.t.Series+"-"+r.t.Arch)
	}
	return names
}

// takeMeta records the metapackages and the versioned packages they
// depend on; a named series the release does not serve ends the target.
func (r *resolving) takeMeta(found map[string]Stanza) {
	suffix := r.t.Arch
	if r.t.Series != "" {
		if _, ok := found["linux-headers-"+r.t.Series+"-"+r.t.Arch]; ok {
			suffix = r.t.Series + "-" + r.t.Arch
		}
	}
	h, okh := found["linux-headers-"+suffix]
	im, oki := found["linux-image-"+suffix]
	switch {
	case !okh:
		r.fail("the archive has no linux-headers-%s", suffix)
		return
	case !oki:
		r.fail("the archive has linux-headers-%s but no linux-image-%s", suffix, suffix)
		return
	}
	r.pkgs[RoleHeadersMeta], r.pkgs[RoleImageMeta] = h, im
	if r.t.Series != "" && suffix == r.t.Arch {
		if s := seriesOf(h.Version); s != r.t.Series {
			r.end = fmt.Sprintf("%s serves no %s series for %s (no linux-headers-%s-%s; linux-headers-%s is %s)",
				r.t.Release, r.t.Series, r.t.Arch, r.t.Series, r.t.Arch, r.t.Arch, s)
			return
		}
	}
	for _, x := range []struct {
		from, to Role
		prefix   string
	}{{RoleHeadersMeta, RoleHeaders, "linux-headers-"}, {RoleImageMeta, RoleImage, "linux-image-"}} {
		meta := r.pkgs[x.from]
		d, ok := findDep(meta.Depends, func(d Dependency) bool { return strings.HasPrefix(d.Name, x.prefix) })
		if !ok {
			r.fail("%s %s depends on no %s* package (Depends: %s)", meta.Package, meta.Version, x.prefix, meta.Depends)
			return
		}
		r.deps[x.to] = d
	}
}

// Level 2: the versioned headers and image.
func versionedNames(r *resolving) []string {
	return []string{r.deps[RoleHeaders].Name, r.deps[RoleImage].Name}
}

// takeVersioned records the headers and image, checks that they are of one
// release and series, and sorts the headers' and image's Depends by role.
func (r *resolving) takeVersioned(found map[string]Stanza) {
	for _, role := range []Role{RoleHeaders, RoleImage} {
		if !r.take(role, found) {
			return
		}
	}
	release := strings.TrimPrefix(r.pkgs[RoleHeaders].Package, "linux-headers-")
	if img := r.pkgs[RoleImage].Package; img != "linux-image-"+release && img != "linux-image-"+release+"-unsigned" {
		r.fail("headers are for %s but the image is %s", release, img)
		return
	}
	if s := seriesOf(r.pkgs[RoleHeaders].Version); r.t.Series != "" && s != r.t.Series {
		r.fail("linux-headers-%s-%s resolves to %s, series %s", r.t.Series, r.t.Arch, r.pkgs[RoleHeaders].Package, s)
		return
	}
	r.classifyDeps(release)
}

// Level 3: what the headers and the image depend on.
func depNames(r *resolving) []string {
	var names []string
	for _, d := range r.deps {
		names = append(names, d.Name)
	}
	return names
}

// takeDeps records the dependencies; kbuild and the compiler must be among
// them.
func (r *resolving) takeDeps(found map[string]Stanza) {
	for _, role := range Roles {
		if _, asked := r.deps[role]; asked && role != RoleHeaders && role != RoleImage {
			if !r.take(role, found) {
				return
			}
		}
	}
	for _, role := range []Role{RoleKbuild, RoleCompiler} {
		if _, ok := r.pkgs[role]; !ok {
			h := r.pkgs[RoleHeaders]
			r.fail("cannot tell the %s package from %s's Depends: %s", role, h.Package, h.Depends)
			return
		}
	}
}

// results turns the resolved targets into Resolutions, sorted, and joins
// the errors of those that failed.
func (q *releaseQuery) results() ([]Resolution, error) {
	var errs []error
	out := make([]Resolution, len(q.rs))
	for i, r := range q.rs {
		out[i] = Resolution{Target: r.t, Ended: r.end}
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		if r.end != "" {
			continue
		}
		for role, s := range r.pkgs {
			out[i].Packages = append(out[i].Packages, Package{
				Role: role, Name: s.Package, Version: s.Version, Arch: s.Architecture, SHA256: s.SHA256, Filename: s.Filename,
			})
		}
		sortPackages(out[i].Packages)
	}
	return out, errors.Join(errs...)
}

func sortPackages(ps []Package) {
	slices.SortFunc(ps, func(a, b Package) int {
		return cmp.Or(cmp.Compare(roleIndex(a.Role), roleIndex(b.Role)), strings.Compare(a.Name, b.Name))
	})
}

// take records the candidate asked for role, checking an "=" relation.
func (r *resolving) take(role Role, found map[string]Stanza) bool {
	d := r.deps[role]
	s, ok := found[d.Name]
	if !ok {
		r.fail("the archive has no %s (wanted as %s)", d.Name, role)
		return false
	}
	if d.Relation == "=" && s.Version != d.Version {
		r.fail("%s is %s in the archive, but %s is wanted", d.Name, s.Version, d.Version)
		return false
	}
	r.pkgs[role] = s
	return true
}

var (
	gccPackage     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^gcc-([0-9]+)$`) })
	gccForHost     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^gcc-([0-9]+)-for-host$`) })
	linuxCompiler  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^linux-compiler-gcc-([0-9]+)-[a-z0-9]+$`) })
	headersCommon  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^linux-headers-.+-common(-rt)?$`) })
	kbuildPackage  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^linux-kbuild-`) })
	binaryPackage  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^linux-binary-`) })
	modulesPackage = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^linux-modules-`) })
)

// classifyDeps reads the headers' and the image's Depends and records
// which package plays which role (first matching alternative of each
// group). Anything else (linux-base, kmod, initramfs-tools, the image
// the 6.12 headers depend on) is not part of a target.
func (r *resolving) classifyDeps(release string) {
	for _, src := range []Role{RoleHeaders, RoleImage} {
		for _, group := range parseDepends(r.pkgs[src].Depends) {
			for _, d := range group {
				role, ok := classify(src, release, d.Name)
				if !ok {
					continue
				}
				if _, dup := r.deps[role]; !dup {
					r.deps[role] = d
				}
				if role == RoleCompilerDep {
					n := gccForHost().FindStringSubmatch(d.Name)
					if n == nil {
						n = linuxCompiler().FindStringSubmatch(d.Name)
					}
					if _, dup := r.deps[RoleCompiler]; !dup {
						r.deps[RoleCompiler] = Dependency{Name: "gcc-" + n[1]}
					}
				}
				break
			}
		}
	}
}

func classify(src Role, release, name string) (Role, bool) {
	if name == "linux-base-"+release {
		return RoleBase, true
	}
	if src == RoleImage {
		switch {
		case binaryPackage().MatchString(name):
			return RoleBinary, true
		case modulesPackage().MatchString(name):
			return RoleModules, true
		}
		return "", false
	}
	switch {
	case headersCommon().MatchString(name):
		return RoleHeadersCommon, true
	case kbuildPackage().MatchString(name):
		return RoleKbuild, true
	case gccPackage().MatchString(name):
		return RoleCompiler, true
	case gccForHost().MatchString(name), linuxCompiler().MatchString(name):
		return RoleCompilerDep, true
	}
	return "", false
}

// findDep returns the first alternative in a Depends value that ok accepts.
func findDep(depends string, ok func(Dependency) bool) (Dependency, bool) {
	for _, g := range parseDepends(depends) {
		for _, d := range g {
			if ok(d) {
				return d, true
			}
		}
	}
	return Dependency{}, false
}
