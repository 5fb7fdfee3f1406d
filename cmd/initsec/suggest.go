package main

import (
	"debug/elf"
	"flag"
	"fmt"
	"io"
	"os"
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
	// HeaderInlines are what Find found whose names the kernel's headers
	// define: out-of-line copies of header inlines, which the module
	// cannot annotate. Not counted above.
	HeaderInlines []suggest.HeaderInline `json:"header_inlines,omitempty"`
}

// headerIndexes indexes each kernel's headers once per run.
type headerIndexes struct {
	kdir  string // -kdir; "" for /lib/modules/RELEASE/build of each object
	cache map[string]*suggest.HeaderIndex
}

// forObject returns the header index of o's kernel, nil when its headers
// are not installed (nothing is then set apart).
func (h *headerIndexes) forObject(o *sectionrt.Object) (*suggest.HeaderIndex, error) {
	kdir := h.kdir
	if kdir == "" {
		rel := o.KernelRelease()
		if rel == "" {
			return nil, nil
		}
		kdir = filepath.Join("/lib/modules", rel, "build")
	}
	arch := "x86"
	if o.Machine() == elf.EM_AARCH64 {
		arch = "arm64"
	}
	key := kdir + "\x00" + arch
	if idx, ok := h.cache[key]; ok {
		return idx, nil
	}
	if _, err := os.Stat(kdir); err != nil {
		if h.kdir != "" {
			return nil, err
		}
		h.cache[key] = nil
		return nil, nil
	}
	idx, err := suggest.IndexHeaders(suggest.KernelHeaderRoots(kdir, arch)...)
	if err != nil {
		return nil, err
	}
	h.cache[key] = idx
	return idx, nil
}

const suggestUsage = `Usage: initsec suggest [-format text|json] [-kdir DIR] file-or-dir...

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
	kdir := fs.String("kdir", "", "kernel build directory whose headers name the header inlines (default /lib/modules/RELEASE/build per object)")
	setUsage(fs, suggestUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if !objectArgs(fs, stderr, *format) {
		return exitError
	}
	reports := []suggestReport{}
	headers := &headerIndexes{kdir: *kdir, cache: map[string]*suggest.HeaderIndex{}}
	failed := eachObject(stderr, "suggest", fs.Args(), func(path string, o *sectionrt.Object) error {
		sugg, err := suggest.Find(o)
		if err != nil || len(sugg) == 0 {
			return err
		}
		idx, err := headers.forObject(o)
		if err != nil {
			return err
		}
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
		reports = append(reports, r)
		return nil
	})
	status := exitOK
	for _, r := range reports {
		if len(r.Suggestions) > 0 {
			status = exitFindings
		}
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
	var n, objs, inl int
	var initB, exitB uint64
	for _, r := range reports {
		for _, s := range r.Suggestions {
			fmt.Fprintf(stdout, "%s: %s\n", r.Object, suggestionLine(s))
		}
		for _, h := range r.HeaderInlines {
			fmt.Fprintf(stdout, "%s: %s (%s, %d bytes): defined in a header (%s), not suggested\n", r.Object, h.Symbol, h.Section, h.Size, h.Header)
		}
		inl += len(r.HeaderInlines)
		if len(r.Suggestions) == 0 {
			continue
		}
		objs++
		fmt.Fprintf(stdout, "%s: %d bytes could move to init sections, %d to exit sections\n", r.Object, r.InitBytes, r.ExitBytes)
		n += len(r.Suggestions)
		initB += r.InitBytes
		exitB += r.ExitBytes
	}
	if objs > 1 || inl > 0 {
		fmt.Fprintf(stdout, "%d suggestion(s) in %d object(s): %d bytes could move to init sections, %d to exit sections; %d header inline(s) set apart\n", n, objs, initB, exitB, inl)
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
