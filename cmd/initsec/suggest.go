package main

import (
	"context"
	"debug/elf"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/sectionrt"
	"github.com/initsec/initsec/suggest"
	"github.com/initsec/initsec/suggest/apply"
)

// suggestReport is one object's part of `initsec suggest -format json`.
type suggestReport struct {
	Object      string               `json:"object"`
	Suggestions []suggest.Suggestion `json:"suggestions"`
	// InitBytes and ExitBytes total the suggestions' sizes by root.
	InitBytes uint64 `json:"init_bytes"`
	ExitBytes uint64 `json:"exit_bytes"`
	// HeaderInlines are what Find found whose names the kernel's headers
	// define: out-of-line copies of header inlines, which the module
	// cannot annotate. Not counted above.
	HeaderInlines []suggest.HeaderInline `json:"header_inlines,omitempty"`
}

// headerKernel is the kernel whose headers name the header inlines of an
// object's suggestions: its build directory and arch.
type headerKernel struct{ kdir, arch string }

// kernelOf returns the kernel of o's headers: -kdir, or
// /lib/modules/RELEASE/build for the release in o's vermagic; ok false
// when o names none.
func kernelOf(kdir string, o *sectionrt.Object) (k headerKernel, ok bool) {
	if kdir == "" {
		rel := o.KernelRelease()
		if rel == "" {
			return headerKernel{}, false
		}
		kdir = filepath.Join("/lib/modules", rel, "build")
	}
	arch := "x86"
	if o.Machine() == elf.EM_AARCH64 {
		arch = "arm64"
	}
	return headerKernel{kdir, arch}, true
}

// prefetched is the header index cache look started for kernel, whose
// header roots are roots (p nil: none started).
type prefetched struct {
	kernel headerKernel
	roots  []string
	p      *suggest.HeaderPrefetch
}

func (pre prefetched) wait() { pre.p.Wait() }

// likelyKernel starts the header index cache look (suggest.PrefetchHeaders)
// for the kernel kernelOf will most likely give the objects of args: -kdir
// with the host's arch; else /lib/modules/RELEASE/build for the first
// argument under /lib/modules/RELEASE (an installed tree), or for the
// running kernel's release (a module built on this machine). A wrong
// guess costs the look's CPU; the objects' own kernel is indexed then.
func likelyKernel(args []string, kdir string) prefetched {
	arch := "x86"
	if runtime.GOARCH == "arm64" {
		arch = "arm64"
	}
	if kdir == "" && len(args) > 0 {
		rel := ""
		if abs, err := filepath.Abs(args[0]); err == nil {
			if r, ok := strings.CutPrefix(abs, "/lib/modules/"); ok {
				rel, _, _ = strings.Cut(r, "/")
			}
		}
		if rel == "" {
			var u unix.Utsname
			if unix.Uname(&u) != nil {
				return prefetched{}
			}
			rel = unix.ByteSliceToString(u.Release[:])
		}
		kdir = filepath.Join("/lib/modules", rel, "build")
	}
	if kdir == "" {
		return prefetched{}
	}
	if _, err := os.Stat(kdir); err != nil {
		return prefetched{}
	}
	k := headerKernel{kdir, arch}
	roots := suggest.KernelHeaderRoots(k.kdir, k.arch)
	return prefetched{k, roots, suggest.PrefetchHeaders(roots...)}
}

// objectSuggestions is what the workers keep of an object with
// suggestions: the header inlines are set apart once every object is
// read, so that each kernel's headers are read once, for the names found.
type objectSuggestions struct {
	path   string
	sugg   []suggest.Suggestion
	kernel headerKernel
	hasK   bool
}

// splitHeaderInlines indexes, for each kernel, the headers for the names
// of its objects' suggestions (from the header index cache:
// suggest.IndexHeadersForCached), and makes each object's report. An object
// whose kernel's headers cannot be indexed is an error, printed to stderr
// (failed set) and left out: with -kdir (userKdir) a missing directory;
// without, a missing /lib/modules/RELEASE/build sets nothing apart.
func splitHeaderInlines(stderr io.Writer, objs []objectSuggestions, userKdir bool, pre prefetched) (reports []suggestReport, failed bool) {
	names := make(map[headerKernel][]string)
	for _, ob := range objs {
		if ob.hasK {
			for _, s := range ob.sugg {
				names[ob.kernel] = append(names[ob.kernel], s.Symbol)
			}
		}
	}
	type index struct {
		idx *suggest.HeaderIndex
		err error
	}
	indexes := make(map[headerKernel]index)
	for k, ns := range names {
		if _, err := os.Stat(k.kdir); err != nil {
			if userKdir {
				indexes[k] = index{err: err}
			}
			continue
		}
		roots := pre.roots
		if k != pre.kernel {
			roots = suggest.KernelHeaderRoots(k.kdir, k.arch)
		}
		// IndexFor looks at the cache itself for roots other than pre's.
		idx, err := pre.p.IndexFor(ns, roots...)
		indexes[k] = index{idx, err}
	}
	for _, ob := range objs {
		x := indexes[ob.kernel]
		if !ob.hasK {
			x = index{}
		}
		if x.err != nil {
			fmt.Fprintf(stderr, "initsec suggest: %v\n", x.err)
			failed = true
			continue
		}
		reports = append(reports, newSuggestReport(ob.path, ob.sugg, x.idx))
	}
	return reports, failed
}

const suggestUsage = `Usage: initsec suggest [-format text|json] [-kdir DIR] file-or-dir...
       initsec suggest -diff|-apply [-prove [-no-boot] [-boot MODULE]... [-target-kdir DIR]...] [-kdir DIR] [-var NAME=VALUE]... [-sub SUBDIR] DIR

Suggests local functions and objects that could be annotated init
(initconst, initdata) or exit (exitdata): in each object, every reference
to them comes from init code (.init.*) or exit code (.exit.*), directly or
through other suggestions, by the relocation graph plus the calls the
assembler resolved inside a section. The bytes shown are what the
annotation would move out of the resident image.

A function or object whose name the kernel's headers define (a static
inline the compiler emitted out of line, such as kzalloc.constprop.0) is
listed apart, with the header and line: the module cannot annotate it.
The headers are those of -kdir, or of /lib/modules/RELEASE/build for the
release in each object's vermagic (none set apart when not installed).
What they define is kept in the user cache ($XDG_CACHE_HOME or
~/.cache, initsec/header-index), checked against each header's size and
times on every run; removing that directory only costs the next run time.

The view is one object. In a .o a global symbol is never suggested
(another object of the module may use it); in a linked module (.ko) a
global that is not exported is, when only init (or exit) code reaches it,
since every object of the module is in the .ko. A module
built into vmlinux frees its init code too, but its exit code is discarded
instead of being kept.

Arguments are objects (.o, .ko, .ko.xz, .ko.zst, .ko.gz) or directories,
searched as by verify. x86_64 and arm64 only.

-diff and -apply take one module source directory: they build a copy of
it, annotate each suggestion at its definition in the module's C files
(__init, __exit, __initconst, __initdata, __exitdata in the kernel's
style, or a //go:init-section directive in a file that uses directives,
then initsec generate), rebuild and suggest again until nothing new is
found, and print the change as a unified diff (-diff) or write it, all or
nothing (-apply). Symbols a header or a macro defines are listed, not
edited. -prove (with -apply) first builds the directory as it is and
edited with W=1 on every -target-kdir (default: -kdir, then the host's kernel), requires no
new warning or section finding, boots both builds under QEMU and requires
each module to load, reach live, free its init and unload (only the
modules -boot names, when given: the others are built and checked but not
booted, for modules that need hardware the guest lacks); it reports the
bytes moved and the sizes before and after, and writes nothing when a step
fails. -apply exits 0 when written, 1 when a proof step failed, 2 on error.
-sub SUBDIR names the module directory inside DIR when its build reads
files outside it (a Kbuild with -I$(src)/../..): DIR is copied and may be
edited, DIR/SUBDIR is built.

Exit status: 0 no suggestion, 1 suggestions, 2 an object could not be
read or an argument holds no object, such as a module directory before
its build (named; the others are still checked), or a usage error.

Flags:
`

func runSuggest(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("suggest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	kdir := fs.String("kdir", "", "kernel build directory whose headers name the header inlines (default /lib/modules/RELEASE/build per object)")
	showDiff := fs.Bool("diff", false, "annotate a copy of the module directory DIR and print the change as a unified diff")
	doApply := fs.Bool("apply", false, "annotate the module directory DIR in place (all or nothing)")
	prove := fs.Bool("prove", false, "with -apply: build with W=1 and boot before writing; write nothing if a step fails")
	noBoot := fs.Bool("no-boot", false, "with -prove: build and check findings only")
	var kdirs, vars, boots stringList
	fs.Var(&boots, "boot", "with -prove: a module to boot (repeatable; default every module of DIR)")
	fs.Var(&kdirs, "target-kdir", "with -prove: a kernel build directory to prove on (repeatable; default -kdir, then the host's)")
	fs.Var(&vars, "var", "with -diff/-apply: a make variable NAME=VALUE for every build (repeatable)")
	sub := fs.String("sub", "", "with -diff/-apply: the module directory inside DIR that kbuild builds (default DIR)")
	setUsage(fs, suggestUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *showDiff || *doApply {
		if fs.NArg() != 1 || (*showDiff && *doApply) || (*prove && !*doApply) {
			fs.Usage()
			return exitError
		}
		return runSuggestApply(stdout, stderr, fs.Arg(0), applyFlags{diff: *showDiff, prove: *prove, noBoot: *noBoot, boot: boots, kdir: *kdir, targets: kdirs, vars: vars, format: *format, sub: *sub})
	}
	if !objectArgs(fs, stderr, *format) {
		return exitError
	}
	// suggest's heap grows to about 35 MB on Debian 6.1's tree: marked
	// before the walk and the header index allocate.
	primeHeap(fs.Args(), 48<<20)
	// The header index cache is looked at while the arguments are
	// walked, when one core is idle (see likelyKernel).
	pre := likelyKernel(fs.Args(), *kdir)
	defer pre.wait()
	objs, failed := findSuggestions(stderr, fs.Args(), *kdir)
	reports, splitFailed := splitHeaderInlines(stderr, objs, *kdir != "", pre)
	failed = failed || splitFailed
	if reports == nil {
		reports = []suggestReport{}
	}
	status := suggestStatus(reports, failed)
	if *format == "json" {
		if !writeJSON(stdout, stderr, "suggest", reports) {
			return exitError
		}
		return status
	}
	printSuggestions(stdout, reports)
	return status
}

// findSuggestions runs suggest.Find on every object of args and keeps
// those with suggestions; failed when an object or argument gave an
// error (printed to stderr). kdir is -kdir, for the header inlines.
func findSuggestions(stderr io.Writer, args []string, kdir string) (objs []objectSuggestions, failed bool) {
	// verify's 40 MiB limit sits near suggest's peak (about 60 MB RSS on
	// Debian 6.1's tree, a live heap of 20-25 MB), where the collector
	// runs more: 64 MiB took about 8% less CPU there, for about 5 MB
	// more peak RSS.
	tuneGC(64 << 20)
	report := func(path string, o *sectionrt.Object, sugg []suggest.Suggestion, err error) (objectSuggestions, bool, error) {
		if err != nil || len(sugg) == 0 {
			return objectSuggestions{}, false, err
		}
		// A view's Object reads .modinfo now (RawView.Object): an error
		// sends it to be opened, which reports it.
		if err := o.LoadModInfo(); err != nil {
			return objectSuggestions{}, false, err
		}
		k, ok := kernelOf(kdir, o)
		return objectSuggestions{path, sugg, k, ok}, true, nil
	}
	find := func(path string, o *sectionrt.Object) (objectSuggestions, bool, error) {
		sugg, err := suggest.Find(o)
		return report(path, o, sugg, err)
	}
	// Most objects have no seed, which suggest.ScreenView tells from the
	// tables a sectionrt.RawView reads; the others are made Objects from
	// the same view, and Find on them starts from the seed search the
	// screen ran. An error is left to the opened object to report.
	fast := func(s *sectionrt.Screen, path string, r io.ReaderAt, size int64) (objectSuggestions, bool, bool) {
		v, ok := s.View(r, size)
		if !ok {
			return objectSuggestions{}, false, false
		}
		clean, sd := suggest.ScreenView(v)
		if clean {
			return objectSuggestions{}, false, true
		}
		var sugg []suggest.Suggestion
		o, err := v.Object(path)
		if err != nil {
			sd.Release()
			return objectSuggestions{}, false, false
		}
		if sd != nil {
			sugg, err = sd.Find(o)
		} else {
			sugg, err = suggest.Find(o)
		}
		res, keep, err := report(path, o, sugg, err)
		v.Recycle(o) // res keeps no strings of o's tables (Find's are their own)
		return res, keep, err == nil
	}
	return eachObjectFast(stderr, "suggest", args, fast, find)
}

// newSuggestReport is the report on one object with suggestions sugg, the
// header inlines idx names set apart.
func newSuggestReport(path string, sugg []suggest.Suggestion, idx *suggest.HeaderIndex) suggestReport {
	sugg, inlines := suggest.Split(sugg, idx)
	r := suggestReport{Object: filepath.ToSlash(path), Suggestions: sugg, HeaderInlines: inlines}
	if r.Suggestions == nil {
		r.Suggestions = []suggest.Suggestion{}
	}
	for _, s := range sugg {
		if strings.HasPrefix(s.Kind, "init") {
			r.InitBytes += s.Size
		} else {
			r.ExitBytes += s.Size
		}
	}
	return r
}

// suggestStatus is suggest's exit status: exitError if an object failed,
// else exitFindings if any has a suggestion, else exitOK.
func suggestStatus(reports []suggestReport, failed bool) int {
	status := exitOK
	for _, r := range reports {
		if len(r.Suggestions) > 0 {
			status = exitFindings
		}
	}
	if failed {
		status = exitError
	}
	return status
}

// printSuggestions is suggest's text output: each object's suggestions and
// header inlines, its totals, and a grand total when there is more than
// one object with suggestions or any header inline.
func printSuggestions(w io.Writer, reports []suggestReport) {
	var n, objs, inl int
	var initB, exitB uint64
	for _, r := range reports {
		for _, s := range r.Suggestions {
			fmt.Fprintf(w, "%s: %s\n", r.Object, suggestionLine(s))
		}
		for _, h := range r.HeaderInlines {
			fmt.Fprintf(w, "%s: %s (%s, %d bytes): defined in a header (%s), not suggested\n", r.Object, h.Symbol, h.Section, h.Size, h.Header)
		}
		inl += len(r.HeaderInlines)
		if len(r.Suggestions) == 0 {
			continue
		}
		objs++
		fmt.Fprintf(w, "%s: %d bytes could move to init sections, %d to exit sections\n", r.Object, r.InitBytes, r.ExitBytes)
		n += len(r.Suggestions)
		initB += r.InitBytes
		exitB += r.ExitBytes
	}
	if objs > 1 || inl > 0 {
		fmt.Fprintf(w, "%d suggestion(s) in %d object(s): %d bytes could move to init sections, %d to exit sections; %d header inline(s) set apart\n", n, objs, initB, exitB, inl)
	}
}

// suggestionLine is one suggestion as text: the symbol, where it is, why,
// and the directive that would move it.
func suggestionLine(s suggest.Suggestion) string {
	code := "init"
	if !strings.HasPrefix(s.Kind, "init") {
		code = "exit"
	}
	who := "callers"
	if strings.HasSuffix(s.Kind, "data") || strings.HasSuffix(s.Kind, "const") {
		who = "users"
	}
	return fmt.Sprintf("%s (%s, %d bytes): only referenced from %s code (%s: %s) — annotate it //go:init-section %s",
		s.Symbol, s.Section, s.Size, code, who, strings.Join(s.ReferencedFrom, ", "), s.Kind)
}

type applyFlags struct {
	diff, prove, noBoot bool
	kdir, format, sub   string
	targets, vars, boot []string
}

// runSuggestApply is suggest -diff and -apply.
func runSuggestApply(stdout, stderr io.Writer, dir string, f applyFlags) int {
	ctx := context.Background()
	kopts := kbuild.Options{KDIR: f.kdir, Vars: f.vars}
	if f.diff {
		res, err := apply.Plan(ctx, dir, apply.Options{Kbuild: kopts, Sub: f.sub})
		if err != nil {
			fmt.Fprintf(stderr, "initsec suggest: %v\n", err)
			return exitError
		}
		if err := res.Diff(stdout); err != nil {
			fmt.Fprintf(stderr, "initsec suggest: %v\n", err)
			return exitError
		}
		printPlan(stderr, res)
		return exitOK
	}
	var popts *apply.ProveOptions
	if f.prove {
		var targets []kbuild.Options
		for _, k := range f.targets {
			targets = append(targets, kbuild.Options{KDIR: k, Vars: f.vars})
		}
		if len(targets) == 0 {
			targets = []kbuild.Options{kopts}
		}
		popts = &apply.ProveOptions{Targets: targets, NoBoot: f.noBoot, Boot: f.boot, Log: stderr}
	}
	res, p, err := apply.Apply(ctx, dir, apply.Options{Kbuild: kopts, Sub: f.sub}, popts)
	if res != nil {
		printPlan(stdout, res)
	}
	if p != nil {
		printProof(stdout, p)
	}
	if err != nil {
		fmt.Fprintf(stderr, "initsec suggest: %v\n", err)
		return exitError
	}
	if p != nil && p.Failed != "" {
		fmt.Fprintf(stdout, "not applied: the proof failed on %s; every file is as it was\n", p.Failed)
		return exitFindings
	}
	if len(res.Files) == 0 {
		return exitOK
	}
	fmt.Fprintf(stdout, "applied: %d file(s) written\n", len(res.Files))
	return exitOK
}

func printPlan(w io.Writer, res *apply.Result) {
	for _, e := range res.Edits {
		fmt.Fprintf(w, "%s:%d: %s: %s (%s, %d bytes, round %d)\n", e.File, e.Line, e.Symbol, e.Text, e.Kind, e.Size, e.Round)
	}
	for _, s := range res.Skips {
		what := "left"
		if s.Header {
			what = "header"
		}
		where := s.Where
		if where == "" {
			where = "?"
		}
		fmt.Fprintf(w, "%s: %s: %s (%s, %d bytes): %s\n", what, where, s.Symbol, s.Kind, s.Size, s.Why)
	}
	fmt.Fprintf(w, "%d symbol(s), %d bytes, in %d file(s) after %d build(s); %d left\n", len(res.Edits), res.BytesMoved(), len(res.Files), res.Rounds, len(res.Skips))
}

func printProof(w io.Writer, p *apply.Proof) {
	for _, t := range p.Targets {
		for _, m := range t.Modules {
			boot := "not booted"
			switch {
			case m.NotBooted:
				boot = "not booted (not named by -boot)"
			case t.Booted && !t.BootPassed:
				boot = "boot failed (below)"
			case t.Booted:
				boot = fmt.Sprintf("booted: %s; coresize %d -> %d", m.BootSeen, m.BootCoreBefore, m.BootCoreAfter)
			}
			fmt.Fprintf(w, "proof %s %s: %d bytes moved; init %d -> %d, core %d -> %d bytes (%d -> %d pages, %d saved); %s\n",
				t.Release, m.Module, m.Moved, m.InitBefore, m.InitAfter, m.CoreBefore, m.CoreAfter, m.Before.CorePages, m.After.CorePages, m.PagesSaved, boot)
		}
	}
}
