package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/initsec/initsec/internal/findings"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/internal/verify"
	"github.com/initsec/initsec/sectionrt"
)

var verifyFormats = []string{"text", "modpost", "json", "sarif"}

const verifyUsage = `Usage: initsec verify [flags] file-or-dir...

Checks built kernel modules. Arguments are objects (.ko, .o, .ko.xz,
.ko.zst, .ko.gz, read directly) or directories, searched recursively for
them: in a kbuild output directory each module is checked once (its .ko,
not the .o files linked into it or the generated .mod.o), in an installed
tree (/lib/modules/RELEASE) every .ko*.

Two checks:

  section mismatches, as the kernel's modpost finds them: a reference from
  resident code or data into .init.* or .exit.* (rules mismatch/...). The
  rule set is that of the object's own kernel release (its vermagic), else
  of the kernel its kbuild output names (.NAME.o.cmd's kernel tree, else
  NAME.ko's vermagic), or the one -rules names; an object nothing names a
  kernel for is an error, never checked by a guessed rule set;

  placement (rules placement/...): every annotated symbol in the section
  its kind names, init_module/cleanup_module aliasing the entry functions.
  A symbol the compiler inlined or removed is a note, not a failure. The
  annotations are the //go:init-section directives in the object's
  directory, or -manifest.

Objects are checked in parallel (-j); a terminal gets a progress line.

Exit status: 0 clean, 1 findings, 2 usage error, an object that could
not be read or checked, or an argument with no object in it, such as a
module directory before its build (each named; the others are still
checked).

Flags:
`

func runVerify(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text (gcc style), modpost (modpost's own lines, per kernel release), json or sarif (SARIF 2.1.0)")
	rulesFlag := fs.String("rules", "", "section-mismatch rules: "+strings.Join(sectionrt.RuleVersions, ", ")+"; default: each object's own kernel release (vermagic), else the kernel its kbuild output names (.NAME.o.cmd, NAME.ko)")
	manifestPath := fs.String("manifest", "", "JSON manifest (sectionrt.Manifest) to check placement against, for every object")
	placement := fs.String("placement", "auto", "placement checks: auto (with -manifest, or where the object's directory has annotations), always (an object without annotations is an error), never")
	jobs := fs.Int("j", runtime.GOMAXPROCS(0), "objects checked in parallel")
	verbose := fs.Bool("v", false, "say which decoder reads each compression (the system's liblzma and libzstd where they load, else Go's; INITSEC_GO_DECODERS=1 forces Go's)")
	setUsage(fs, verifyUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if !slices.Contains(verifyFormats, *format) {
		fmt.Fprintf(stderr, "initsec verify: unknown -format %q (want %s)\n", *format, strings.Join(verifyFormats, ", "))
		return exitError
	}
	switch *placement {
	case "auto", "always", "never":
	default:
		fmt.Fprintf(stderr, "initsec verify: unknown -placement %q (want auto, always or never)\n", *placement)
		return exitError
	}
	if *jobs < 1 {
		fmt.Fprintf(stderr, "initsec verify: -j %d: want at least 1\n", *jobs)
		return exitError
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError
	}
	opt := verify.Options{Placement: *placement, Jobs: *jobs, Progress: progressWriter(stderr)}
	if err := loadRules(&opt, *rulesFlag, *manifestPath); err != nil {
		fmt.Fprintf(stderr, "initsec verify: %v\n", err)
		return exitError
	}

	if *verbose {
		fmt.Fprintf(stderr, "initsec verify: decoders: %s\n", modfile.Decoders())
	}
	tuneGC(gcLimit)
	files, listing, errs := expandObjects(fs.Args())
	opt.Listing = listing
	results := make([]findings.Result, 0, len(files)+len(errs))
	for _, err := range errs {
		results = append(results, findings.Result{Object: errPath(err), Err: err})
	}
	results = append(results, verify.Files(files, opt)...)
	return reportVerify(stdout, stderr, *format, len(files), results)
}

// loadRules sets opt's rule set (from -rules) and manifest (from
// -manifest); empty names leave the defaults.
func loadRules(opt *verify.Options, rules, manifestPath string) error {
	if rules != "" {
		rs, err := sectionrt.Rules(rules)
		if err != nil {
			return fmt.Errorf("-rules: %w", err)
		}
		opt.Rules = rs
	}
	if manifestPath == "" {
		return nil
	}
	f, err := os.Open(manifestPath)
	if err != nil {
		return err
	}
	m, err := sectionrt.ReadManifest(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", manifestPath, err)
	}
	opt.Manifest = &m
	return nil
}

// reportVerify writes results in format, the errors and a summary to
// stderr, and returns the exit status.
func reportVerify(stdout, stderr io.Writer, format string, nfiles int, results []findings.Result) int {
	var err error
	switch format {
	case "json":
		err = findings.JSON(stdout, results)
	case "sarif":
		err = findings.SARIF(stdout, results, findings.SARIFOptions{Root: "."})
	case "modpost":
		err = findings.Modpost(stdout, results)
	default:
		err = findings.Text(stdout, results)
	}
	if err != nil {
		fmt.Fprintf(stderr, "initsec verify: write: %v\n", err)
		return exitError
	}
	failing, nerr := findings.Failing(results), findings.Errors(results)
	// JSON and SARIF carry the errors themselves; text readers need them.
	if format == "text" || format == "modpost" {
		for _, r := range results {
			if r.Err != nil {
				fmt.Fprintf(stderr, "initsec verify: %v\n", r.Err)
			}
		}
	}
	if failing > 0 || nerr > 0 || nfiles > 1 {
		fmt.Fprintf(stderr, "initsec verify: %d object(s) checked: %d finding(s), %d error(s)\n", nfiles, failing, nerr)
	}
	switch {
	case nerr > 0:
		return exitError
	case failing > 0:
		return exitFindings
	}
	return exitOK
}

// errPath is the file an Expand error is about.
func errPath(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Path
	}
	var ne *noObjectsError
	if errors.As(err, &ne) {
		return ne.Path
	}
	return ""
}

// progressWriter returns w when it is a terminal, else nil: progress is
// for people watching, never for logs.
func progressWriter(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return w
	}
	return nil
}

// tuneGC trades memory for time: checking a module allocates a few MiB
// that are garbage right after, and the default GOGC=100 spends a quarter
// of the run collecting it; 200 is as fast as 400 now that modules are
// read in place, and keeps 6 MiB less. A soft memory limit of 40 MiB keeps the peak
// RSS within issue 13's budgets (48 MiB on plain modules, 64 MiB on
// compressed ones; `go run mage.go bench` measures them): the live heap is
// a few MiB, and a module too large to fit only makes the collector run
// more while it is checked. suggest passes its own limit (see
// findSuggestions). An explicit GOGC or GOMEMLIMIT in the environment
// wins.
func tuneGC(memLimit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memLimit)
	}
}

// gcLimit is the soft memory limit of verify and report (see tuneGC).
const gcLimit = 40 << 20
