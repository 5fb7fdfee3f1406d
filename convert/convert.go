package convert

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/internal/clex"
)

// macroKinds are the include/linux/init.h macros convert rewrites.
var macroKinds = map[string]annotate.Kind{
	"__init":      annotate.KindInit,
	"__exit":      annotate.KindExit,
	"__initdata":  annotate.KindInitData,
	"__initconst": annotate.KindInitConst,
	"__exitdata":  annotate.KindExitData,
}

// otherMacros place symbols in init-family sections but have no directive
// kind (or need a reason= only a person can write): listed, never rewritten.
var otherMacros = map[string]string{
	"__ref":                "a __ref kind needs reason=\"...\", which only the author can write",
	"__refdata":            "a __refdata kind needs reason=\"...\", which only the author can write",
	"__refconst":           "a __refconst kind needs reason=\"...\", which only the author can write",
	"__meminit":            "no directive kind for __meminit (memory hotplug sections)",
	"__meminitdata":        "no directive kind for __meminitdata",
	"__meminitconst":       "no directive kind for __meminitconst",
	"__init_or_module":     "no directive kind for __init_or_module (init only when built in)",
	"__initdata_or_module": "no directive kind for __initdata_or_module (init only when built in)",
	"__exit_p":             "__exit_p(f) has no directive form; it stays and still works once f is annotated exit",
	"__init_memblock":      "no directive kind for __init_memblock",
}

// initcallRE matches registration macros that initcall= may or may not express.
var initcallRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:module_init|module_exit|__initcall|[a-z]+_initcall(?:_sync)?)$`)
})

// Skip is a macro or registration that convert left as it is, and why.
type Skip struct {
	Pos  annotate.Pos // of the macro in the original file
	What string       // "__init", "module_init(foo)"
	Why  string
}

func (s Skip) String() string { return fmt.Sprintf("%s: %s: %s", s.Pos, s.What, s.Why) }

// Change is one declaration convert rewrote.
type Change struct {
	Pos       annotate.Pos // of the macro in the original file
	Macro     string       // "__init"
	Symbol    string       // the declared name
	Directive string       // the directive written above the declaration
	Removed   []string     // registration lines folded into the directive
}

// File is the result of converting one source file.
type File struct {
	Path     string // as given to ConvertFile
	Old, New []byte
	Changes  []Change
	Skips    []Skip
}

// Changed reports whether New differs from Old.
func (f *File) Changed() bool { return !bytes.Equal(f.Old, f.New) }

// conversion is a candidate rewrite of one declaration.
type conversion struct {
	macro     clex.Token
	kind      annotate.Kind
	declStart int    // offset of the declaration's first token
	indent    string // white space before it on its line
	eol       string
	name      string // from annotate, after phase A
	opts      []string
	regs      []registration
	dropped   bool
}

// registration is a module_init/module_exit/*_initcall line.
type registration struct {
	macro      string
	fn         string
	pos        annotate.Pos
	off        int // of the macro name
	lineStart  int // offset of its line
	lineEnd    int // offset after its newline
	level      string
	exit       bool
	skipReason string
}

// ConvertFile rewrites the kernel's init macros in one C source. name is
// used for positions and to name the trailer header (foo.c includes
// foo.initsec.h). It never fails: what it cannot convert is listed in Skips
// and left as it is.
func ConvertFile(name string, src []byte) *File {
	f := &File{Path: name, Old: src, New: src}
	if !strings.HasSuffix(name, ".c") {
		f.Skips = scanHeader(name, src)
		return f
	}
	if _, err := annotate.ScanC(name, src); err != nil {
		f.Skips = append(f.Skips, Skip{Pos: annotate.Pos{File: name, Line: 1, Col: 1}, What: "file",
			Why: "its existing directives do not scan, so convert cannot check its output: " + oneLine(err)})
		return f
	}
	c := &converter{file: name, lx: clex.Lex(src)}
	c.find()
	f.Skips = c.skips
	out, changes := c.build()
	f.New = out
	f.Changes = changes
	f.Skips = c.skips
	slices.SortStableFunc(f.Skips, func(a, b Skip) int { return a.Pos.Compare(b.Pos) })
	return f
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// scanHeader lists the init macros in a header: convert leaves headers
// alone, since a definition in a header belongs to every file including it.
func scanHeader(name string, src []byte) []Skip {
	lx := clex.Lex(src)
	var skips []Skip
	for _, t := range lx.Toks {
		if t.Kind != clex.Ident {
			continue
		}
		if _, ok := macroKinds[lx.Text(t)]; ok {
			l, col := lx.Pos(t.Off)
			skips = append(skips, Skip{annotate.Pos{File: name, Line: l, Col: col}, lx.Text(t),
				"in a header: convert the definition in the .c file that owns it by hand"})
		}
	}
	return skips
}

type converter struct {
	file  string
	lx    *clex.Lexer
	convs []*conversion
	regs  []*registration
	skips []Skip
}

func (c *converter) posOf(off int) annotate.Pos {
	l, col := c.lx.Pos(off)
	return annotate.Pos{File: c.file, Line: l, Col: col}
}

func (c *converter) skip(off int, what, why string) {
	c.skips = append(c.skips, Skip{Pos: c.posOf(off), What: what, Why: why})
}

var ppWord = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b(__init|__exit|__initdata|__initconst|__exitdata)\b`)
})

// find walks the file scope and collects the candidate conversions and
// registrations; everything else it meets is a skip.
func (c *converter) find() {
	lx := c.lx
	depth := 0
	var cond []int // depth at each open #if
	declStart := -1
	var macros []clex.Token // init macros at depth 0 in the current declaration
	sawParen, sawEq, inBody := false, false, false
	endDecl := func(body bool) {
		if len(macros) > 0 {
			c.declaration(declStart, macros, body, len(cond) > 0)
		}
		declStart, macros, sawParen, sawEq, inBody = -1, nil, false, false, false
	}
	for k := 0; k < len(lx.Toks); k++ {
		t := lx.Toks[k]
		txt := lx.Text(t)
		switch t.Kind {
		case clex.Comment, clex.String:
			continue
		case clex.PP:
			depth, cond = clex.PPCondition(txt, depth, cond)
			for _, m := range ppWord().FindAllStringIndex(txt, -1) {
				c.skip(t.Off+m[0], txt[m[0]:m[1]], "in a preprocessor line (a macro definition or condition): macros are not expanded")
			}
			continue
		}
		if depth == 0 && declStart < 0 {
			declStart = t.Off
			if t.Kind == clex.Ident && initcallRE().MatchString(txt) {
				if n := c.registration(k, len(cond) > 0); n > 0 {
					k = n - 1
					declStart = -1
					continue
				}
			}
		}
		if t.Kind == clex.Ident {
			if c.initMacro(t, txt, depth, inBody) {
				macros = append(macros, t)
			}
			continue
		}
		switch txt {
		case "(", "[":
			depth++
		case "{":
			if depth == 0 && sawParen && !sawEq {
				inBody = true
			}
			depth++
		case ")":
			depth = max(depth-1, 0)
			if depth == 0 {
				sawParen = true
			}
		case "]":
			depth = max(depth-1, 0)
		case "}":
			depth = max(depth-1, 0)
			if depth == 0 && inBody {
				endDecl(true)
			}
		case "=":
			if depth == 0 {
				sawEq = true
			}
		case ";":
			if depth == 0 {
				endDecl(false)
			}
		}
	}
}

// initMacro reports whether identifier t, txt, is an init macro that
// annotates the declaration at file scope; one inside brackets, and
// the macros convert does not handle, are recorded as skipped.
func (c *converter) initMacro(t clex.Token, txt string, depth int, inBody bool) bool {
	if _, ok := macroKinds[txt]; ok {
		switch {
		case depth == 0:
			return true
		case inBody:
			c.skip(t.Off, txt, "inside a function body")
		default:
			c.skip(t.Off, txt, "inside parentheses or braces (a macro argument?): directives annotate file-scope declarations only")
		}
	} else if why, ok := otherMacros[txt]; ok {
		c.skip(t.Off, txt, why)
	}
	return false
}

// declaration records a candidate conversion for a file-scope declaration
// that carries init macros.
func (c *converter) declaration(start int, macros []clex.Token, body, conditional bool) {
	lx := c.lx
	if len(macros) > 1 {
		for _, m := range macros {
			c.skip(m.Off, lx.Text(m), "several init-section macros in one declaration")
		}
		return
	}
	m := macros[0]
	name := lx.Text(m)
	kind := macroKinds[name]
	switch {
	case conditional:
		c.skip(m.Off, name, "inside #if/#ifdef: the trailer's redeclaration would not be conditional")
		return
	case kind.IsFunction() && !body:
		c.skip(m.Off, name, "on a declaration without a body (a prototype): annotate the definition; the prototype keeps its macro")
		return
	}
	ls := start
	for ls > 0 && lx.Src[ls-1] != '\n' {
		ls--
	}
	indent := string(lx.Src[ls:start])
	if strings.TrimLeft(indent, " \t") != "" {
		c.skip(m.Off, name, "the declaration does not start its own line, so no directive can go above it")
		return
	}
	c.convs = append(c.convs, &conversion{macro: m, kind: kind, declStart: start, indent: indent, eol: eolAt(lx.Src, start)})
}

// registration parses "NAME(fn);" alone on its line at token k and returns
// the index after it, or 0 when token k starts no such line.
func (c *converter) registration(k int, conditional bool) int {
	lx := c.lx
	var code []int // the first five code tokens from k
	for j := k; j < len(lx.Toks) && len(code) < 5; j++ {
		if lx.Toks[j].Kind == clex.PP {
			break
		}
		if lx.Toks[j].Kind != clex.Comment {
			code = append(code, j)
		}
	}
	texts := func(i int) string {
		if i < len(code) {
			return lx.Text(lx.Toks[code[i]])
		}
		return ""
	}
	if len(code) < 4 || texts(1) != "(" || lx.Toks[code[2]].Kind != clex.Ident || texts(3) != ")" {
		return 0
	}
	last := code[3]
	if texts(4) == ";" {
		last = code[4]
	}
	macro, fn := texts(0), texts(2)
	t := lx.Toks[k]
	r := &registration{macro: macro, fn: fn, pos: c.posOf(t.Off), off: t.Off}
	what := macro + "(" + fn + ")"
	ls := t.Off
	for ls > 0 && lx.Src[ls-1] != '\n' {
		ls--
	}
	le := lx.Toks[last].End
	for le < len(lx.Src) && clex.IsSpace(lx.Src[le]) {
		le++
	}
	switch {
	case strings.TrimLeft(string(lx.Src[ls:t.Off]), " \t") != "" || le < len(lx.Src) && lx.Src[le] != '\n':
		r.skipReason = "shares its line with other code or a comment"
	case conditional:
		r.skipReason = "inside #if/#ifdef: initcall= would register it unconditionally"
	case macro == "module_init":
		r.level = "device"
	case macro == "module_exit":
		r.exit = true
	default:
		lvl, _ := strings.CutSuffix(macro, "_initcall")
		if !slices.Contains(annotate.InitcallLevels, lvl) {
			r.skipReason = "initcall= has no level for " + macro
		}
		r.level = lvl
	}
	if le < len(lx.Src) {
		le++
	}
	r.lineStart, r.lineEnd = ls, le
	if r.skipReason != "" {
		c.skip(t.Off, what, r.skipReason)
	} else {
		c.regs = append(c.regs, r)
	}
	return last + 1
}

// eolAt returns the line ending of the line holding offset off.
func eolAt(src []byte, off int) string {
	i := bytes.IndexByte(src[off:], '\n')
	if i > 0 && src[off+i-1] == '\r' {
		return "\r\n"
	}
	if i < 0 {
		return fileEOL(src)
	}
	return "\n"
}

// fileEOL is the file's dominant line ending.
func fileEOL(src []byte) string {
	crlf := bytes.Count(src, []byte("\r\n"))
	if crlf > 0 && crlf*2 >= bytes.Count(src, []byte("\n")) {
		return "\r\n"
	}
	return "\n"
}

// directive renders a conversion's directive line.
func (cv *conversion) directive() string {
	return strings.Join(append([]string{"//go:init-section", cv.kind.String()}, cv.opts...), " ")
}

// edit replaces src[off:end] with text.
type edit struct {
	off, end int
	text     string
	conv     *conversion // the conversion a directive insertion belongs to
}

// render applies the live conversions (and, with regs, their
// registrations) and returns the output and the output line of each
// conversion's directive.
func (c *converter) render(regs bool) ([]byte, map[int]*conversion) {
	src := c.lx.Src
	var edits []edit
	var lines [][2]int // registration lines to remove
	for _, cv := range c.convs {
		if cv.dropped {
			continue
		}
		ls := cv.declStart - len(cv.indent)
		edits = append(edits, edit{ls, ls, cv.indent + cv.directive() + cv.eol, cv})
		s, e := removal(src, cv.macro.Off, cv.macro.End)
		edits = append(edits, edit{s, e, "", nil})
		if regs {
			for _, r := range cv.regs {
				lines = append(lines, [2]int{r.lineStart, r.lineEnd})
			}
		}
	}
	for _, run := range lineRuns(src, lines) {
		edits = append(edits, edit{run[0], run[1], "", nil})
	}
	slices.SortStableFunc(edits, func(a, b edit) int { return a.off - b.off })
	var out bytes.Buffer
	dirs := map[int]*conversion{}
	prev := 0
	for _, e := range edits {
		if e.off < prev { // overlapping edits cannot happen; keep the first
			continue
		}
		out.Write(src[prev:e.off])
		if e.conv != nil {
			dirs[bytes.Count(out.Bytes(), []byte("\n"))+1] = e.conv
		}
		out.WriteString(e.text)
		prev = e.end
	}
	out.Write(src[prev:])
	return out.Bytes(), dirs
}

// lineRuns merges adjacent line ranges; a run with a blank line both
// before and after it takes the blank line after it too, so that
// "}\n\nmodule_init(f);\nmodule_exit(g);\n\nX" becomes "}\n\nX".
func lineRuns(src []byte, lines [][2]int) [][2]int {
	slices.SortFunc(lines, func(a, b [2]int) int { return a[0] - b[0] })
	var runs [][2]int
	for _, l := range lines {
		if n := len(runs); n > 0 && runs[n-1][1] == l[0] {
			runs[n-1][1] = l[1]
			continue
		}
		runs = append(runs, l)
	}
	for i, r := range runs {
		if blankBefore(src, r[0]) {
			if e, ok := blankLineAt(src, r[1]); ok {
				runs[i][1] = e
			}
		}
	}
	return runs
}

// blankLineAt reports whether the line starting at off is blank and returns
// the offset after it.
func blankLineAt(src []byte, off int) (int, bool) {
	i := off
	for i < len(src) && clex.IsSpace(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '\n' {
		return i + 1, true
	}
	return 0, false
}

// blankBefore reports whether the line before the line starting at off is blank.
func blankBefore(src []byte, off int) bool {
	if off == 0 {
		return false
	}
	ls := off - 1
	for ls > 0 && src[ls-1] != '\n' {
		ls--
	}
	_, ok := blankLineAt(src, ls)
	return ok
}

// removal returns the range to delete for a macro at src[off:end]: the
// macro and the blanks after it, or, at the end of a line, the blanks
// before it; a line left empty goes entirely.
func removal(src []byte, off, end int) (int, int) {
	s, e := off, end
	blank := func(c byte) bool { return c == ' ' || c == '\t' }
	if e < len(src) && blank(src[e]) {
		for e < len(src) && blank(src[e]) {
			e++
		}
		return s, e
	}
	for s > 0 && blank(src[s-1]) {
		s--
	}
	atStart := s == 0 || src[s-1] == '\n'
	rest := e
	if rest < len(src) && src[rest] == '\r' {
		rest++
	}
	if atStart && (rest == len(src) || src[rest] == '\n') {
		if rest < len(src) {
			rest++
		}
		return s, rest
	}
	return s, e
}

// maxRounds bounds the check-and-drop loop: each round drops at least one
// conversion.
const maxRounds = 1000

// build runs the two phases: the declarations, checked with annotate.ScanC
// (which names them), then the registrations folded into their directives.
func (c *converter) build() ([]byte, []Change) {
	trailer := strings.TrimSuffix(path.Base(c.file), ".c") + ".initsec.h"
	check := func(regs bool) ([]byte, []annotate.Annotation) {
		for range maxRounds {
			out, lines := c.render(regs)
			out = withTrailer(out, trailer, len(lines) > 0)
			anns, err := annotate.ScanC(c.file, out)
			if err == nil {
				for _, a := range anns {
					if cv := lines[a.Pos.Line]; cv != nil {
						cv.name = a.Decl.Name
					}
				}
				return out, anns
			}
			c.drop(err, lines)
		}
		return c.lx.Src, nil
	}
	check(false)
	c.attach()
	out, _ := check(true)
	var changes []Change
	for _, cv := range c.convs {
		if cv.dropped {
			continue
		}
		ch := Change{Pos: c.posOf(cv.macro.Off), Macro: c.lx.Text(cv.macro), Symbol: cv.name, Directive: cv.directive()}
		for _, r := range cv.regs {
			ch.Removed = append(ch.Removed, r.macro+"("+r.fn+");")
		}
		changes = append(changes, ch)
	}
	return out, changes
}

// withTrailer appends #include "trailer" as the last line when the output
// has directives and does not end with it already.
func withTrailer(out []byte, trailer string, directives bool) []byte {
	if !directives {
		return out
	}
	if ok, _ := annotate.HasTrailer(out, trailer); ok {
		return out
	}
	eol := fileEOL(out)
	b := bytes.Clone(out)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, eol...)
	}
	if !bytes.HasSuffix(b, []byte(eol+eol)) { // a blank line before the include
		b = append(b, eol...)
	}
	return append(b, `#include "`+trailer+`"`+eol...)
}

// drop turns the scan errors of an output into skips: each error belongs to
// the nearest directive above it, whose conversion is dropped. An error
// above every directive drops them all.
func (c *converter) drop(err error, lines map[int]*conversion) {
	list, _ := err.(annotate.ErrorList)
	if len(list) == 0 {
		list = annotate.ErrorList{{Msg: err.Error()}}
	}
	var dirLines []int
	for l := range lines {
		dirLines = append(dirLines, l)
	}
	slices.Sort(dirLines)
	for _, e := range list {
		var owner *conversion
		for _, l := range dirLines {
			if l <= e.Pos.Line {
				owner = lines[l]
			}
		}
		victims := []*conversion{owner}
		if owner == nil {
			victims = nil
			for _, cv := range c.convs {
				if !cv.dropped {
					victims = append(victims, cv)
				}
			}
		}
		for _, cv := range victims {
			if cv.dropped {
				continue
			}
			cv.dropped = true
			why := e.Msg
			if e.Hint != "" {
				why += " (" + e.Hint + ")"
			}
			c.skip(cv.macro.Off, c.lx.Text(cv.macro), "the directive would not be valid: "+why)
			for _, r := range cv.regs {
				c.skip(r.off, r.macro+"("+r.fn+")", "its function "+r.fn+" could not be converted")
			}
			cv.regs, cv.opts = nil, nil
		}
	}
}

// attach folds each registration into the directive of the function it
// registers, when that function was converted with the right kind.
func (c *converter) attach() {
	byName := map[string]*conversion{}
	for _, cv := range c.convs {
		if !cv.dropped && cv.name != "" {
			byName[cv.name] = cv
		}
	}
	for _, r := range c.regs {
		what := r.macro + "(" + r.fn + ")"
		off := r.off
		cv := byName[r.fn]
		switch {
		case cv == nil:
			c.skip(off, what, r.fn+" is not an __init/__exit function converted in this file; the line stays")
		case r.exit && cv.kind != annotate.KindExit:
			c.skip(off, what, r.fn+" is not an __exit function")
		case !r.exit && cv.kind != annotate.KindInit:
			c.skip(off, what, r.fn+" is not an __init function")
		case len(cv.regs) > 0:
			c.skip(off, what, r.fn+" is registered twice")
		case r.exit:
			cv.opts = append(cv.opts, "entry")
			cv.regs = append(cv.regs, *r)
		default:
			cv.opts = append(cv.opts, "initcall="+r.level)
			cv.regs = append(cv.regs, *r)
		}
	}
}
