package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/sectionrt"
	"github.com/initsec/initsec/suggest"
)

// suggestReport is one object's part of `initsec suggest -format json`.
type suggestReport struct {
	Object      string               `json:"object"`
	Suggestions []suggest.Suggestion `json:"suggestions"`
	// InitBytes and ExitBytes total the suggestions' sizes by root.
	InitBytes uint64 `json:"init_bytes"`
	ExitBytes uint64 `json:"exit_bytes"`
}

const suggestUsage = `Usage: initsec suggest [-format text|json] file-or-dir...

Suggests local functions and objects that could be annotated init
(initconst, initdata) or exit (exitdata): in each object, every reference
to them comes from init code (.init.*) or exit code (.exit.*), directly or
through other suggestions, by the relocation graph plus the calls the
assembler resolved inside a section. The bytes shown are what the
annotation would move out of the resident image.

The view is one object: a global symbol is never suggested (another
object of the module, or the kernel by name, may use it), and a module
built into vmlinux frees its init code too, but its exit code is discarded
instead of being kept.

Arguments are objects (.o, .ko, .ko.xz, .ko.zst, .ko.gz) or directories,
searched as by verify. x86_64 and arm64 only.

Exit status: 0 no suggestion, 1 suggestions, 2 an object could not be
read or an argument holds no object, such as a module directory before
its build (named; the others are still checked), or a usage error.

Flags:
`

func runSuggest(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("suggest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	setUsage(fs, suggestUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if !objectArgs(fs, stderr, *format) {
		return exitError
	}
	reports := []suggestReport{}
	failed := eachObject(stderr, "suggest", fs.Args(), func(path string, o *sectionrt.Object) error {
		sugg, err := suggest.Find(o)
		if err != nil || len(sugg) == 0 {
			return err
		}
		r := suggestReport{Object: filepath.ToSlash(path), Suggestions: sugg}
		for _, s := range sugg {
			if strings.HasPrefix(s.Kind, "init") {
				r.InitBytes += s.Size
			} else {
				r.ExitBytes += s.Size
			}
		}
		reports = append(reports, r)
		return nil
	})
	status := exitOK
	if len(reports) > 0 {
		status = exitFindings
	}
	if failed {
		status = exitError
	}
	if *format == "json" {
		if !writeJSON(stdout, stderr, "suggest", reports) {
			return exitError
		}
		return status
	}
	var n int
	var initB, exitB uint64
	for _, r := range reports {
		for _, s := range r.Suggestions {
			fmt.Fprintf(stdout, "%s: %s\n", r.Object, suggestionLine(s))
		}
		fmt.Fprintf(stdout, "%s: %d bytes could move to init sections, %d to exit sections\n", r.Object, r.InitBytes, r.ExitBytes)
		n += len(r.Suggestions)
		initB += r.InitBytes
		exitB += r.ExitBytes
	}
	if len(reports) > 1 {
		fmt.Fprintf(stdout, "%d suggestion(s) in %d object(s): %d bytes could move to init sections, %d to exit sections\n", n, len(reports), initB, exitB)
	}
	return status
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
