package apply

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/gen"
	"github.com/initsec/initsec/internal/clex"
	"github.com/initsec/initsec/internal/srctree"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/sectionrt"
	"github.com/initsec/initsec/suggest"
)

// DefaultMaxRounds bounds Plan's build-suggest-edit rounds.
const DefaultMaxRounds = 8

// Options configures Plan.
type Options struct {
	// Kbuild is how the copy is built each round (KDIR, ARCH, Vars). W and
	// MismatchWarnOnly are ignored: rounds build with section mismatches
	// fatal, so an edit that makes one stops the plan.
	Kbuild kbuild.Options
	// MaxRounds bounds the rounds (0: DefaultMaxRounds).
	MaxRounds int
	// Sub is the module's directory, relative to the directory planned,
	// when its build reads files outside it (jool's Kbuild adds
	// -I$(src)/../..): the whole directory is copied and may be edited,
	// and kbuild builds Sub. "": the directory itself.
	Sub string
	// Log receives a line per round and kbuild's output (nil: discarded).
	Log io.Writer
}

// Edit is one annotation Plan made.
type Edit struct {
	Module string `json:"module"` // the .ko it was suggested for
	Symbol string `json:"symbol"`
	// Kind is the directive kind: init, exit, initdata, initconst, exitdata.
	Kind string `json:"kind"`
	// File and Line are the definition's, in the original source.
	File string `json:"file"`
	Line int    `json:"line"`
	// Text is what was written: "__init", "__initconst", or the directive.
	Text  string `json:"text"`
	Size  uint64 `json:"size"`  // bytes suggest said it moves
	Round int    `json:"round"` // 1 for the first build
}

// Skip is a suggestion Plan did not write, and why.
type Skip struct {
	Module string `json:"module"`
	Symbol string `json:"symbol"`
	Kind   string `json:"kind"`
	Size   uint64 `json:"size"`
	// Where is the definition when one was found: "file:line" of a C
	// file, or a header's path and line.
	Where string `json:"where,omitempty"`
	Why   string `json:"why"`
	// Header says the definition is in a header (a static inline's
	// out-of-line copy): not the module's to annotate.
	Header bool `json:"header,omitempty"`
}

// File is one file the plan changes.
type File struct {
	Path     string // relative to Result.Dir, slash-separated
	Old, New []byte
}

// Result is a plan: the files it changes, the edits, what it skipped.
type Result struct {
	Dir    string // absolute
	Files  []*File
	Edits  []Edit
	Skips  []Skip
	Rounds int // builds run
	// Sub is Options.Sub: where in Dir kbuild builds.
	Sub string
	// Modules are the .ko files of the last round, relative to Dir.
	Modules []string
}

// BytesMoved totals the sizes of the edits.
func (r *Result) BytesMoved() uint64 {
	var n uint64
	for _, e := range r.Edits {
		n += e.Size
	}
	return n
}

// planner holds a plan under way.
type planner struct {
	res     *Result
	work    string            // the copy being edited
	orig    map[string][]byte // the directory as read
	kernel  *suggest.HeaderIndex
	local   *suggest.HeaderIndex // the module's own headers
	handled map[string]bool      // module\x00symbol already edited or skipped
	// added holds, per file, the lines (1-based, in the work copy as it
	// is now) that earlier rounds inserted: directive lines, which shift
	// what follows. Edit.Line and Skip.Where subtract them.
	added map[string][]int
	log   io.Writer
	// last is what the latest round wrote, to undo edits the next build
	// rejects (dropMismatched).
	last *roundEdits
}

// Plan computes the edits for dir in a copy (see the package comment). It
// returns an error when the unchanged directory does not build, or when a
// round's edits make the build fail; dir is only read.
func Plan(ctx context.Context, dir string, opts Options) (*Result, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "initsec-apply-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	res, _, err := plan(ctx, abs, work, opts)
	return res, err
}

// plan runs Plan in work and leaves the edited copy there.
func plan(ctx context.Context, abs, work string, opts Options) (*Result, map[string][]byte, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	rounds := opts.MaxRounds
	if rounds <= 0 {
		rounds = DefaultMaxRounds
	}
	if opts.Sub != "" && !filepath.IsLocal(opts.Sub) {
		return nil, nil, fmt.Errorf("apply: the module directory %q is not inside %s", opts.Sub, abs)
	}
	orig, err := srctree.Copy(abs, work, srctree.CopyOptions{Perm: true})
	if err != nil {
		return nil, nil, fmt.Errorf("apply: copy %s: %w", abs, err)
	}
	p := &planner{res: &Result{Dir: abs, Sub: filepath.ToSlash(opts.Sub)}, work: work, orig: orig, handled: map[string]bool{}, added: map[string][]int{}, log: log}
	if p.local, err = suggest.IndexHeaders(work); err != nil {
		return nil, nil, err
	}
	kopts := opts.Kbuild
	kopts.W, kopts.MismatchWarnOnly = "", false
	kopts.Stdout, kopts.Stderr = log, log
	if kopts.KDIR == "" {
		if kopts.KDIR, err = kbuild.FindKDIR(); err != nil {
			return nil, nil, err
		}
	}
	for round := 1; round <= rounds; round++ {
		if err := generate(work); err != nil {
			return nil, nil, fmt.Errorf("apply: round %d: generate: %w", round, err)
		}
		b, err := kbuild.Build(ctx, filepath.Join(work, filepath.FromSlash(opts.Sub)), kopts)
		p.res.Rounds = round
		if err != nil && round > 1 {
			dropped, derr := p.undoRejected(err, round-1)
			if derr != nil {
				return nil, nil, derr
			}
			if dropped > 0 {
				fmt.Fprintf(log, "initsec suggest: round %d: %d edit(s) of round %d undone (the build rejects them), building again\n", round, dropped, round-1)
				round-- // the same round again, without them
				continue
			}
		}
		if err != nil {
			if round == 1 {
				return nil, nil, fmt.Errorf("apply: the module does not build as it is: %w", err)
			}
			return nil, nil, fmt.Errorf("apply: round %d: the build with round %d's edits failed (nothing written): %w", round, round-1, err)
		}
		p.res.Modules = nil
		p.last = newRoundEdits(round)
		n := 0
		for _, ko := range b.Modules {
			rel, _ := filepath.Rel(work, ko)
			p.res.Modules = append(p.res.Modules, filepath.ToSlash(rel))
			k, err := p.module(ko, kopts.KDIR, round)
			if err != nil {
				return nil, nil, err
			}
			n += k
		}
		fmt.Fprintf(log, "initsec suggest: round %d: %d edit(s)\n", round, n)
		if n == 0 {
			break
		}
	}
	for _, path := range mapsKeys(orig) {
		cur, err := os.ReadFile(filepath.Join(work, filepath.FromSlash(path)))
		if err != nil {
			return nil, nil, err
		}
		if !bytes.Equal(cur, orig[path]) {
			p.res.Files = append(p.res.Files, &File{Path: path, Old: orig[path], New: cur})
		}
	}
	return p.res, orig, nil
}

func mapsKeys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// generate runs gen when a C source of dir has directives.
func generate(dir string) error {
	has := false
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".c") {
			if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte("//go:init-section")) {
				has = true
			}
		}
		return nil
	})
	if !has {
		return nil
	}
	_, _, err := gen.Generate(dir)
	return err
}

// module handles one built module of a round and returns the edits made.
func (p *planner) module(ko, kdir string, round int) (int, error) {
	o, err := sectionrt.Open(ko)
	if err != nil {
		return 0, err
	}
	defer o.Close()
	sugg, err := suggest.Find(o)
	if err != nil {
		return 0, err
	}
	if p.kernel == nil {
		arch := "x86"
		if o.Machine() == elf.EM_AARCH64 {
			arch = "arm64"
		}
		if p.kernel, err = suggest.IndexHeadersCached(suggest.KernelHeaderRoots(kdir, arch)...); err != nil {
			return 0, err
		}
	}
	mod := strings.TrimSuffix(filepath.Base(ko), ".ko")
	byFile := map[string][]edit{}
	n := 0
	var srcs *moduleSources // read when a global is suggested
	for _, s := range sugg {
		key := mod + "\x00" + s.Symbol
		if p.handled[key] {
			continue
		}
		p.handled[key] = true
		var scope *moduleSources
		if isGlobal(o, s.Symbol) {
			if srcs == nil {
				srcs = p.readModuleSources(ko)
			}
			scope = srcs
		}
		e, skip := p.locate(mod, s, scope)
		if skip != nil {
			p.res.Skips = append(p.res.Skips, *skip)
			continue
		}
		e.edit.Round = round
		byFile[e.path] = append(byFile[e.path], e)
	}
	for _, path := range slices.Sorted(maps.Keys(byFile)) {
		k, err := p.write(path, byFile[path])
		if err != nil {
			return n, err
		}
		n += k
	}
	return n, nil
}

// edit is a located edit: insert text at off in the work copy of path.
type edit struct {
	path string // relative, slash-separated
	off  int
	text string
	edit Edit
}

// locate finds the definition of s in the module's C files and returns
// the edit, or why there is none. scope is nil for a local symbol, and
// the module's sources for a global one (see globalDefinitions).
func (p *planner) locate(mod string, s suggest.Suggestion, scope *moduleSources) (edit, *Skip) {
	skip := func(where, why string, header bool) (edit, *Skip) {
		return edit{}, &Skip{Module: mod, Symbol: s.Symbol, Kind: s.Kind, Size: s.Size, Where: where, Why: why, Header: header}
	}
	var defs []found
	var err error
	if scope != nil {
		defs, err = p.globalDefinitions(s, scope)
	} else {
		defs, err = p.definitions(s)
	}
	if err != nil {
		return skip("", err.Error(), false)
	}
	if scope != nil && len(defs) != 1 {
		return skip(p.whyNotOneGlobal(s, defs, scope))
	}
	if len(defs) != 1 {
		return skip(p.whyNotOne(s, defs))
	}
	f := defs[0]
	workLine, _ := f.lx.Pos(f.lx.Toks[f.d.NameTok].Off)
	line := p.origLine(f.path, workLine)
	where := fmt.Sprintf("%s:%d", f.path, line)
	directives := bytes.Contains(f.src, []byte("//go:init-section"))
	kind, err := p.checkKind(f.path, f.src, f.lx, f.d, s.Kind)
	if err != nil {
		return skip(where, err.Error(), false)
	}
	e := edit{path: f.path, edit: Edit{Module: mod, Symbol: s.Symbol, Kind: kind, File: f.path, Line: line, Size: s.Size}}
	// A file that already uses directives gets one more; any other file
	// the kernel's macro (the package doc's "The edits").
	if directives {
		if why := placeDirective(&e, f, kind); why != "" {
			return skip(where, why, false)
		}
		return e, nil
	}
	placeMacro(&e, f, kind)
	return e, nil
}

// found is a file-scope definition in one of the module's C files.
type found struct {
	path string
	src  []byte
	lx   *clex.Lexer
	d    clex.Decl
}

// definitions returns every file-scope definition of s in the module's C
// files (the work copies, with earlier rounds' edits), in path order; only
// files named like s.File when it is known.
func (p *planner) definitions(s suggest.Suggestion) ([]found, error) {
	var cands []string
	for path := range p.orig {
		if strings.HasSuffix(path, ".c") && (s.File == "" || filepath.Base(path) == filepath.Base(s.File)) {
			cands = append(cands, path)
		}
	}
	sort.Strings(cands)
	var defs []found
	for _, path := range cands {
		src, err := os.ReadFile(filepath.Join(p.work, filepath.FromSlash(path)))
		if err != nil {
			return nil, err
		}
		lx := clex.Lex(src)
		for _, d := range lx.Decls() {
			if d.Name == s.Symbol && !d.Extern && !d.Typedef && d.Func == isFunc(s.Kind) {
				defs = append(defs, found{path, src, lx, d})
			}
		}
	}
	return defs, nil
}

// whyNotOne is the Skip's where, why and header for s when defs, its
// definitions in the module's C files, are none or several.
func (p *planner) whyNotOne(s suggest.Suggestion, defs []found) (where, why string, header bool) {
	if len(defs) > 1 {
		var at []string
		for _, f := range defs {
			l, _ := f.lx.Pos(f.d.Start)
			at = append(at, fmt.Sprintf("%s:%d", f.path, p.origLine(f.path, l)))
		}
		return strings.Join(at, ", "), "defined more than once (#if branches?): annotate by hand", false
	}
	if w, ok := p.local.Lookup(s.Symbol); ok {
		rel, _ := filepath.Rel(p.work, strings.Split(w, ":")[0])
		return filepath.ToSlash(rel) + w[strings.LastIndexByte(w, ':'):], "defined in a header of the module: every file including it has a copy; annotate it by hand if all of them are init-only", true
	}
	if w, ok := p.kernel.Lookup(s.Symbol); ok {
		return w, "an out-of-line copy of a kernel header's definition: not the module's to annotate", true
	}
	return s.File, "no file-scope definition of that name in the module's C files (made by a macro?)", false
}

// placeDirective makes e insert a //go:init-section directive of kind on
// its own line above f, or says why it cannot.
func placeDirective(e *edit, f found, kind string) (why string) {
	if f.d.Conditional {
		return "inside #if/#ifdef in a file with directives: the trailer's redeclaration would not be conditional"
	}
	ls, indent, ok := lineStart(f.src, f.d.Start)
	if !ok {
		return "the declaration does not start its own line, so no directive can go above it"
	}
	e.off = ls
	e.edit.Text = "//go:init-section " + kind
	e.text = indent + e.edit.Text + eolAt(f.src, f.d.Start)
	return ""
}

// placeMacro makes e insert kind's macro into f: before a function's name,
// after an object's declarator.
func placeMacro(e *edit, f found, kind string) {
	macro := macros[kind]
	e.edit.Text = macro
	if f.d.Func {
		e.off = f.lx.Toks[f.d.NameTok].Off
		e.text = macro + " "
	} else {
		e.off = f.d.DeclaratorEnd
		e.text = " " + macro
	}
}

var macros = map[string]string{
	"init": "__init", "exit": "__exit", "initdata": "__initdata", "initconst": "__initconst", "exitdata": "__exitdata",
}

func isFunc(kind string) bool { return kind == "init" || kind == "exit" }

// checkKind puts a directive of the suggested kind above d in a scratch
// copy and asks annotate.ScanC to find d under it; for an object the kind
// follows the declaration: initconst when the object is const, initdata
// when not. It returns the kind to write.
func (p *planner) checkKind(path string, src []byte, lx *clex.Lexer, d clex.Decl, kind string) (string, error) {
	kinds := []string{kind}
	switch kind {
	case "initdata":
		kinds = []string{"initdata", "initconst"}
	case "initconst":
		kinds = []string{"initconst", "initdata"}
	}
	ls, indent, ok := lineStart(src, d.Start)
	if !ok {
		// A declaration sharing its line: check it on a line of its own.
		ls, indent = d.Start, "\n"
	}
	var first error
	for _, k := range kinds {
		dir := "//go:init-section " + k
		scratch := slices.Concat(src[:ls], []byte(indent+dir+eolAt(src, d.Start)), src[ls:])
		anns, err := annotate.ScanC(path, scratch)
		if err == nil {
			for _, a := range anns {
				if a.Decl.Name == d.Name && a.Kind.String() == k {
					return k, nil
				}
			}
			err = fmt.Errorf("annotate finds no definition of %s under the directive", d.Name)
		}
		if first == nil {
			first = err
		}
	}
	return "", fmt.Errorf("not annotatable: %s", oneLine(first))
}

func oneLine(err error) string {
	var list annotate.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		s := e.Msg
		if e.Hint != "" {
			s += " (" + e.Hint + ")"
		}
		return s
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// lineStart returns the start of the line holding off and its
// indentation, ok when only blanks precede off on it.
func lineStart(src []byte, off int) (int, string, bool) {
	ls := off
	for ls > 0 && src[ls-1] != '\n' {
		ls--
	}
	indent := string(src[ls:off])
	return ls, indent, strings.TrimLeft(indent, " \t") == ""
}

// eolAt returns the line ending of the line holding off.
func eolAt(src []byte, off int) string {
	i := bytes.IndexByte(src[off:], '\n')
	if i > 0 && src[off+i-1] == '\r' {
		return "\r\n"
	}
	if i < 0 && bytes.Contains(src, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// origLine maps a line of the work copy of path to the original's: the
// lines earlier rounds inserted above it do not count.
func (p *planner) origLine(path string, line int) int {
	n := 0
	for _, a := range p.added[path] {
		if a < line {
			n++
		}
	}
	return line - n
}

// addLines returns added (inserted lines of src, 1-based) moved past the
// lines edits insert into src, with those lines added: a directive edit
// inserts its lines at the start of the line holding its offset.
func addLines(added []int, src []byte, edits []edit) []int {
	type ins struct{ line, n int }
	var all []ins
	for _, e := range edits {
		if n := strings.Count(e.text, "\n"); n > 0 {
			all = append(all, ins{bytes.Count(src[:e.off], []byte("\n")) + 1, n})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].line < all[j].line })
	var out []int
	for _, a := range added {
		shift := 0
		for _, in := range all {
			if in.line <= a {
				shift += in.n
			}
		}
		out = append(out, a+shift)
	}
	before := 0 // lines inserted above the current insertion
	for _, in := range all {
		for k := 0; k < in.n; k++ {
			out = append(out, in.line+before+k)
		}
		before += in.n
	}
	sort.Ints(out)
	return out
}

// write applies edits to the work copy of path, then checks the file
// still scans; it returns the number applied.
func (p *planner) write(path string, edits []edit) (int, error) {
	full := filepath.Join(p.work, filepath.FromSlash(path))
	src, err := os.ReadFile(full)
	if err != nil {
		return 0, err
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].off > edits[j].off })
	out := src
	for _, e := range edits {
		out = slices.Concat(out[:e.off], []byte(e.text), out[e.off:])
	}
	if _, err := annotate.ScanC(path, out); err != nil {
		return 0, fmt.Errorf("apply: %s: the edited file does not scan: %s", path, oneLine(err))
	}
	if err := os.WriteFile(full, out, 0o644); err != nil {
		return 0, err
	}
	p.last.record(path, src, p.added[path], edits)
	p.added[path] = addLines(p.added[path], src, edits)
	for i := len(edits) - 1; i >= 0; i-- {
		p.res.Edits = append(p.res.Edits, edits[i].edit)
	}
	return len(edits), nil
}
