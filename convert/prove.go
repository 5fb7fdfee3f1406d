package convert

import (
	"context"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/gen"
	"github.com/initsec/initsec/internal/srctree"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/module"
)

// ProveOptions configures Prove.
type ProveOptions struct {
	// Kbuild is how both copies are built: KDIR, ARCH, and Vars such as
	// CONFIG_SAMPLE_KFIFO=m for a Makefile that writes obj-$(CONFIG_...).
	// Section mismatches are kept warnings in both builds, since the module
	// is built as it is.
	Kbuild kbuild.Options
	// WorkDir receives the copies before/ and after/; "" means a new
	// temporary directory, removed afterwards unless Keep.
	WorkDir string
	Keep    bool
}

// Row is one symbol's section before and after conversion ("" when the
// symbol is absent on that side).
type Row struct {
	Module, Symbol, Before, After string
}

// Same reports whether the symbol sits in the same section on both sides.
func (r Row) Same() bool { return r.Before == r.After }

// Proof is what Prove found.
type Proof struct {
	Result  *Result // the conversion applied to the after/ copy
	Rows    []Row   // every function and object symbol of every module, sorted
	Modules []string
	// Generated says how the trailers were written: by gen.GenerateDir, as
	// `initsec generate` writes them, or, when module discovery finds no
	// module there (obj-$(CONFIG_X) lines whose CONFIG_X only
	// ProveOptions.Kbuild.Vars sets, which discovery does not see), by
	// gen.Render per source.
	Generated string
	WorkDir   string
	// Before and After are the two kbuild builds (before/ as it is,
	// after/ converted): their modpost messages (Warnings) and the .ko
	// files built (Modules), for callers that compare more than sections.
	Before, After *kbuild.Result
}

// Differences returns the rows whose sections differ.
func (p *Proof) Differences() []Row {
	var out []Row
	for _, r := range p.Rows {
		if !r.Same() {
			out = append(out, r)
		}
	}
	return out
}

// WriteTable prints module | symbol | before | after | same.
func (p *Proof) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "module\tsymbol\tsection before\tsection after\t")
	dash := func(s string) string {
		if s == "" {
			return "(absent)"
		}
		return s
	}
	for _, r := range p.Rows {
		mark := ""
		if !r.Same() {
			mark = "DIFFERS"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Module, r.Symbol, dash(r.Before), dash(r.After), mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d symbols in %d modules, %d in a different section\n", len(p.Rows), len(p.Modules), len(p.Differences()))
	return err
}

// Prove copies dir twice into the work directory, builds before/ as it is,
// converts after/ (Dir and Write), generates its trailers and builds it,
// then compares the section of every function and object symbol of every
// module kbuild built. dir itself is only read.
func Prove(ctx context.Context, dir string, opts ProveOptions) (p *Proof, err error) {
	work := opts.WorkDir
	if work == "" {
		if work, err = os.MkdirTemp("", "initsec-prove-"); err != nil {
			return nil, err
		}
		if !opts.Keep {
			defer os.RemoveAll(work)
		}
	}
	p = &Proof{WorkDir: work}
	before, after := filepath.Join(work, "before"), filepath.Join(work, "after")
	for _, d := range []string{before, after} {
		if _, err := srctree.Copy(dir, d, srctree.CopyOptions{Perm: true}); err != nil {
			return nil, fmt.Errorf("prove: copy %s: %w", dir, err)
		}
	}
	kopts := opts.Kbuild
	kopts.MismatchWarnOnly = true
	rb, err := kbuild.Build(ctx, before, kopts)
	if err != nil {
		return nil, fmt.Errorf("prove: build as it is: %w", err)
	}
	if p.Result, err = Dir(after); err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	if err := p.Result.Write(); err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	if p.Generated, err = generate(after, p.Result); err != nil {
		return nil, fmt.Errorf("prove: generate: %w", err)
	}
	ra, err := kbuild.Build(ctx, after, kopts)
	if err != nil {
		return nil, fmt.Errorf("prove: build converted: %w", err)
	}
	secB, err := moduleSections(before, rb.Modules)
	if err != nil {
		return nil, err
	}
	secA, err := moduleSections(after, ra.Modules)
	if err != nil {
		return nil, err
	}
	p.Rows, p.Modules = compare(secB, secA)
	p.Before, p.After = rb, ra
	return p, nil
}

// generate writes the converted copy's generated files with
// gen.GenerateDir (every module the kbuild file builds); when module
// discovery refuses the directory, it renders each converted source's
// trailer with gen.Render instead and writes only the trailers.
func generate(dir string, res *Result) (string, error) {
	_, _, gerr := gen.GenerateDir(dir)
	if gerr == nil {
		return "gen.GenerateDir", nil
	}
	for _, f := range res.Files {
		if len(f.Changes) == 0 {
			continue
		}
		anns, err := annotate.ScanC(f.Path, f.New)
		if err != nil {
			return "", err
		}
		m := &module.Module{Dir: dir, Name: strings.TrimSuffix(filepath.Base(f.Path), ".c"),
			Sources: []module.Source{{Path: f.Path, Annotations: anns}}}
		files, err := gen.Render(m)
		if err != nil {
			return "", err
		}
		for _, g := range files {
			if strings.HasSuffix(g.Path, ".initsec.h") {
				if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(g.Path)), g.Content, 0o644); err != nil {
					return "", err
				}
			}
		}
	}
	return "gen.Render per source (gen.GenerateDir: " + oneLine(gerr) + ")", nil
}

// uniqueID matches the counter gcc's __COUNTER__ appends to __UNIQUE_ID_
// names (MODULE_LICENSE, ___ADDRESSABLE), which moves when module_init
// moves into the trailer.
var uniqueID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(__UNIQUE_ID_.*?)\d+$`) })

// moduleSections reads, for each .ko (keyed by its path relative to dir),
// the sections of its function and object symbols: name -> sorted list
// (names that repeat, such as normalised __UNIQUE_ID_ ones, keep all).
func moduleSections(dir string, kos []string) (map[string]map[string][]string, error) {
	out := map[string]map[string][]string{}
	for _, ko := range kos {
		rel, err := filepath.Rel(dir, ko)
		if err != nil {
			return nil, err
		}
		syms, err := symbolSections(ko)
		if err != nil {
			return nil, fmt.Errorf("prove: %s: %w", ko, err)
		}
		out[filepath.ToSlash(rel)] = syms
	}
	return out, nil
}

func symbolSections(path string) (m map[string][]string, err error) {
	defer func() {
		if r := recover(); r != nil { // debug/elf can panic on bad input
			err = fmt.Errorf("malformed ELF: %v", r)
		}
	}()
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return nil, err
	}
	m = map[string][]string{}
	for _, s := range syms {
		typ := elf.ST_TYPE(s.Info)
		if typ != elf.STT_FUNC && typ != elf.STT_OBJECT {
			continue
		}
		sec := ""
		switch {
		case s.Section == elf.SHN_UNDEF:
			continue
		case s.Section == elf.SHN_ABS:
			sec = "*ABS*"
		case s.Section == elf.SHN_COMMON:
			sec = "*COM*"
		case int(s.Section) < len(f.Sections):
			sec = f.Sections[s.Section].Name
		default:
			sec = fmt.Sprintf("section %d", s.Section)
		}
		name := uniqueID().ReplaceAllString(s.Name, "${1}N")
		m[name] = append(m[name], sec)
	}
	for _, v := range m {
		slices.Sort(v)
	}
	return m, nil
}

// compare lines up both sides, module by module and symbol by symbol.
func compare(before, after map[string]map[string][]string) ([]Row, []string) {
	mods := map[string]bool{}
	for k := range before {
		mods[k] = true
	}
	for k := range after {
		mods[k] = true
	}
	var names []string
	for k := range mods {
		names = append(names, k)
	}
	slices.Sort(names)
	var rows []Row
	for _, mod := range names {
		b, a := before[mod], after[mod]
		syms := map[string]bool{}
		for s := range b {
			syms[s] = true
		}
		for s := range a {
			syms[s] = true
		}
		var list []string
		for s := range syms {
			list = append(list, s)
		}
		slices.Sort(list)
		for _, s := range list {
			rows = append(rows, Row{Module: mod, Symbol: s, Before: strings.Join(b[s], ","), After: strings.Join(a[s], ",")})
		}
	}
	return rows, names
}
