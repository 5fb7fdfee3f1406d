package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/gen"
	"github.com/initsec/initsec/sectionrt"
)

// printError prints err; positioned annotation errors get dir prepended to
// their file so editors can jump to them.
func printError(w io.Writer, dir string, err error) {
	var el annotate.ErrorList
	if errors.As(err, &el) {
		for _, e := range el {
			c := *e
			if dir != "" && dir != "." && !filepath.IsAbs(c.Pos.File) {
				c.Pos.File = filepath.Join(dir, c.Pos.File)
			}
			fmt.Fprintln(w, c.Error())
		}
		return
	}
	fmt.Fprintf(w, "initsec: %v\n", err)
}

type verifyReport struct {
	Findings []sectionrt.Finding `json:"findings"`
	Errors   []string            `json:"errors"`
}

func runVerify(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text (gcc style) or json")
	manifestPath := fs.String("manifest", "", "JSON manifest (sectionrt.Manifest) to check against; default: the annotations in each object's directory")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: initsec verify [-format text|json] [-manifest file.json] file.ko...

Checks each built object (.ko or .o) against the annotations: every
annotated symbol must be in the section its kind names (.init.text,
.exit.text, .init.data, .init.rodata, ...); init_module/cleanup_module must
alias the entry functions. A symbol the compiler inlined or removed is
reported as a note ("not in the object"), not as a failure.

Without -manifest, the manifest is built from the //go:init-section
directives in the object's directory.

Exit status: 0 clean, 1 findings, 2 usage or I/O error (unreadable or
malformed object, bad manifest).

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "initsec verify: unknown -format %q (want text or json)\n", *format)
		return exitError
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError
	}
	var fixed *sectionrt.Manifest
	if *manifestPath != "" {
		f, err := os.Open(*manifestPath)
		if err != nil {
			fmt.Fprintf(stderr, "initsec verify: %v\n", err)
			return exitError
		}
		m, err := sectionrt.ReadManifest(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "initsec verify: %s: %v\n", *manifestPath, err)
			return exitError
		}
		fixed = &m
	}
	var rep verifyReport
	for _, obj := range fs.Args() {
		m := fixed
		if m == nil {
			dir := filepath.Dir(obj)
			mod, err := gen.Load(dir)
			if err != nil {
				rep.Errors = append(rep.Errors, fmt.Sprintf("%s: build manifest from %s: %v", obj, dir, err))
				continue
			}
			mm := gen.Manifest(mod)
			m = &mm
		}
		findings, err := sectionrt.CheckFile(obj, *m)
		if err != nil {
			rep.Errors = append(rep.Errors, err.Error())
			continue
		}
		rep.Findings = append(rep.Findings, findings...)
	}
	return report(stdout, stderr, *format, rep)
}

func report(stdout, stderr io.Writer, format string, rep verifyReport) int {
	failing := 0
	for _, f := range rep.Findings {
		if f.Severity != sectionrt.Note {
			failing++
		}
	}
	switch format {
	case "json":
		if rep.Findings == nil {
			rep.Findings = []sectionrt.Finding{}
		}
		if rep.Errors == nil {
			rep.Errors = []string{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "initsec verify: %v\n", err)
			return exitError
		}
	default:
		for _, f := range rep.Findings {
			fmt.Fprintln(stdout, f.String())
		}
		for _, e := range rep.Errors {
			fmt.Fprintf(stderr, "initsec verify: %s\n", e)
		}
		if failing > 0 {
			fmt.Fprintf(stderr, "initsec verify: %d finding(s)\n", failing)
		}
	}
	switch {
	case len(rep.Errors) > 0:
		return exitError
	case failing > 0:
		return exitFindings
	}
	return exitOK
}

var _ = strings.TrimSpace
