package annotate

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// MaxFileSize is the largest source file the scanners accept.
const MaxFileSize = 16 << 20

// ErrTooLarge is returned (wrapped) for a file larger than MaxFileSize.
var ErrTooLarge = errors.New("file too large")

// ScanFile reads the file at path and scans it; path becomes Pos.File. The
// scanner is chosen by extension: .c and .h are C. Read and size errors are
// returned wrapped; problems in the source as an ErrorList.
func ScanFile(path string) ([]Annotation, error) {
	switch filepath.Ext(path) {
	case ".c", ".h":
	default:
		return nil, fmt.Errorf("annotate: %s: unsupported file type (want .c or .h)", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	defer f.Close()
	// Read one byte past the limit to tell "exactly the limit" from "more".
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("annotate: %s: %w", path, err)
	}
	if len(src) > MaxFileSize {
		return nil, fmt.Errorf("annotate: %s: %w (limit %d bytes)", path, ErrTooLarge, MaxFileSize)
	}
	return ScanC(path, src)
}

// ScanC scans a C source or header file for directives and the declarations
// under them. filename is used as Pos.File. It returns the annotations in
// file order, or nil and an ErrorList (sorted by position) holding every
// problem found; a file larger than MaxFileSize gives a wrapped ErrTooLarge.
func ScanC(filename string, src []byte) ([]Annotation, error) {
	if len(src) > MaxFileSize {
		return nil, fmt.Errorf("annotate: %s: %w (limit %d bytes)", filename, ErrTooLarge, MaxFileSize)
	}
	s := &cscanner{file: filename, lexer: lexC(src)}
	for _, off := range s.unclosed {
		s.errorAt(s.posOf(off), "close the comment with */", "unterminated block comment")
	}
	s.nearMisses()
	s.scan()
	if len(s.errs) > 0 {
		s.errs.Sort()
		return nil, s.errs
	}
	return s.anns, nil
}

type cscanner struct {
	*lexer
	file string
	anns []Annotation
	errs ErrorList
}

func (s *cscanner) posOf(off int) Pos {
	line, col := s.pos(off)
	return Pos{File: s.file, Line: line, Col: col}
}

func (s *cscanner) tokPos(k int) Pos {
	t := s.toks[k]
	return Pos{File: s.file, Line: t.line, Col: t.col}
}

func (s *cscanner) tokText(k int) string { return s.text(s.toks[k]) }

func (s *cscanner) errorAt(p Pos, hint, format string, args ...any) {
	s.errs = append(s.errs, &Error{Pos: p, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// nearMisses reports every comment that looks meant as a directive but is
// not one (nearmiss.go), wherever it is: at file scope, in a body, in an
// annotated declaration.
func (s *cscanner) nearMisses() {
	for k, t := range s.toks {
		if t.kind != tLineComment && t.kind != tBlockComment {
			continue
		}
		text := s.tokText(k)
		for _, nm := range findNearMisses(text) {
			first, _ := s.directiveLine(k)
			msg, hint := nm.message(first)
			s.errorAt(s.posOf(t.off+nm.off), hint, "%s", msg)
		}
	}
}

// directiveLine returns the first line of a comment token's text, without
// its CR.
func (s *cscanner) directiveLine(k int) (first string, multiline bool) {
	text := s.tokText(k)
	first, _, multiline = strings.Cut(text, "\n")
	return strings.TrimRight(first, "\r"), multiline
}

// isDirectiveTok reports whether token k is a line comment that is a
// directive (wherever it sits).
func (s *cscanner) isDirectiveTok(k int) bool {
	if s.toks[k].kind != tLineComment {
		return false
	}
	first, _ := s.directiveLine(k)
	return IsDirective(first)
}

func (s *cscanner) scan() {
	depth := 0 // nesting of (), [] and {} outside annotated declarations
	var cond condDepth
	for k := 0; k < len(s.toks); k++ {
		t := s.toks[k]
		switch t.kind {
		case tPP:
			depth = cond.pp(s.tokText(k), depth)
			continue
		case tPunct:
			switch s.tokText(k) {
			case "{":
				// extern "C" { in a header shared with C++ opens no scope.
				if k >= 2 && s.toks[k-1].kind == tString && s.tokText(k-2) == "extern" {
					continue
				}
				depth++
			case "(", "[":
				depth++
			case ")", "]", "}":
				depth = max(depth-1, 0)
			}
			continue
		case tLineComment:
		default:
			continue
		}
		first, multiline := s.directiveLine(k)
		alone := k == 0 || s.toks[k-1].endLine < t.line
		if !IsDirective(first) {
			continue
		}
		if !alone {
			s.errorAt(s.tokPos(k), "put the directive on a line of its own, directly above the declaration",
				"directive is not alone on its line")
			continue
		}
		if depth > 0 {
			s.errorAt(s.tokPos(k), "annotate file-scope declarations only: the trailer header must be able to redeclare the symbol",
				"directive inside a block")
			continue
		}
		if multiline {
			s.errorAt(s.tokPos(k), "remove the trailing backslash",
				"directive ends with a backslash, which continues the comment onto the next line")
			continue
		}
		d, dp, err := parseDirective(first, s.tokPos(k))
		if err != nil {
			s.errs = append(s.errs, err)
			continue
		}
		start, ok := s.declStart(k)
		if !ok {
			continue
		}
		end := s.declaration(start, d, dp)
		// A directive swallowed by this declaration would otherwise be lost.
		for j := start; j < end; j++ {
			if s.isDirectiveTok(j) {
				s.errorAt(s.tokPos(j), "annotate file-scope declarations only",
					"directive inside the declaration that starts at %d:%d", s.toks[start].line, s.toks[start].col)
			}
		}
		k = end - 1
	}
}

// declStart finds the first token of the declaration under the directive at
// token k: the next token on a following line that is not a comment, with no
// blank line, preprocessor line or other directive in between.
func (s *cscanner) declStart(k int) (int, bool) {
	dpos := s.tokPos(k)
	last := s.toks[k].endLine // last line seen so far
	for j := k + 1; ; j++ {
		if j == len(s.toks) {
			s.errorAt(dpos, "the file ends after the directive; put it directly above a declaration",
				"directive has no declaration under it")
			return 0, false
		}
		t := s.toks[j]
		if t.line > last+1 {
			s.errorAt(dpos, fmt.Sprintf("remove the blank line %d: the declaration must start on the next line", last+1),
				"directive has no declaration under it")
			return 0, false
		}
		switch t.kind {
		case tLineComment:
			if s.isDirectiveTok(j) {
				s.errorAt(dpos, fmt.Sprintf("another directive follows on line %d; a declaration takes one directive", t.line),
					"directive has no declaration under it")
				return 0, false
			}
		case tBlockComment:
		case tPP:
			s.errorAt(dpos, fmt.Sprintf("move the preprocessor line %d above the directive", t.line),
				"directive has no declaration under it")
			return 0, false
		default:
			return j, true
		}
		last = t.endLine
	}
}

// maxHeadNesting bounds the bracket nesting of a declaration's head, which
// is analysed recursively; real declarators nest a few levels.
const maxHeadNesting = 64

var closerOf = map[string]string{"(": ")", "[": "]", "{": "}"}

// declaration parses the declaration starting at token start, records an
// annotation or errors, and returns the index of the first token after it.
func (s *cscanner) declaration(start int, d Directive, dp dirPos) (end int) {
	var head []int  // code tokens before the initialiser or body
	var stack []int // open brackets
	term := ""      // what ended the head: "{", "=" or ";"
	comma := -1     // first top-level comma: several declarators
	for k := start; k < len(s.toks); k++ {
		t := s.toks[k]
		switch t.kind {
		case tLineComment, tBlockComment:
			continue
		case tPP:
			// Allowed in initialisers (#ifdef'd table entries); in the head
			// it would make the redeclaration depend on the configuration.
			if term == "" {
				s.errorAt(s.tokPos(k), "move the preprocessor line out of the declaration, or the directive below it",
					"preprocessor line inside the annotated declaration")
				return k
			}
			continue
		case tPunct:
		default:
			if term == "" {
				head = append(head, k)
			}
			continue
		}
		switch txt := s.tokText(k); txt {
		case "{", "(", "[":
			if txt == "{" && len(stack) == 0 && term == "" {
				return s.withBody(start, head, k, d, dp)
			}
			stack = append(stack, k)
			if term == "" && len(stack) > maxHeadNesting {
				s.errorAt(s.tokPos(k), "simplify the declaration", "declaration nests brackets more than %d deep", maxHeadNesting)
				return k + 1
			}
		case ")", "]", "}":
			if end, ok := s.closes(start, k, stack); !ok {
				return end
			}
			stack = stack[:len(stack)-1]
		case ";":
			if len(stack) == 0 {
				if term == "" {
					term = ";"
				}
				if comma >= 0 {
					s.severalDeclarators(comma)
					return k + 1
				}
				s.finish(start, head, term, d, dp)
				return k + 1
			}
		case "=":
			if len(stack) == 0 && term == "" {
				term = "="
				continue
			}
		case ",":
			if len(stack) == 0 && comma < 0 {
				comma = k
			}
		}
		if term == "" {
			head = append(head, k)
		}
	}
	if len(stack) > 0 {
		open := stack[len(stack)-1]
		s.errorAt(s.tokPos(open), "close it", "%q is not closed before the end of the file", s.tokText(open))
	} else {
		s.errorAt(s.tokPos(start), "end the declaration with ';'", "declaration is not terminated before the end of the file")
	}
	return len(s.toks)
}

// closes checks that the closing bracket at token k closes the innermost
// of stack, the open brackets of the declaration starting at token start.
// When not, it records the error and returns where the scan resumes.
func (s *cscanner) closes(start, k int, stack []int) (end int, ok bool) {
	txt := s.tokText(k)
	if len(stack) == 0 {
		if k == start {
			s.errorAt(s.tokPos(k), "put the directive directly above a declaration", "expected a declaration, found %q", txt)
		} else {
			s.errorAt(s.tokPos(k), "check the declaration's brackets; a ';' may be missing", "unexpected %q in declaration", txt)
		}
		return k, false
	}
	open := stack[len(stack)-1]
	if closerOf[s.tokText(open)] != txt {
		s.errorAt(s.tokPos(k), fmt.Sprintf("%q at %d:%d is not closed", s.tokText(open), s.toks[open].line, s.toks[open].col),
			"unexpected %q in declaration", txt)
		return k + 1, false
	}
	return 0, true
}

func (s *cscanner) severalDeclarators(comma int) {
	at := comma
	for j := comma + 1; j < len(s.toks); j++ {
		if k := s.toks[j].kind; k != tLineComment && k != tBlockComment {
			at = j
			break
		}
	}
	s.errorAt(s.tokPos(at), "split it: one declaration per annotated name",
		"annotated declaration declares more than one name")
}

// withBody handles a head followed by "{" at brace: a function definition,
// or a struct/union/enum definition, which cannot be annotated.
func (s *cscanner) withBody(start int, head []int, brace int, d Directive, dp dirPos) int {
	depth := 0
	end := -1
	var cond condDepth
	for j := brace; j < len(s.toks); j++ {
		if s.toks[j].kind == tPP {
			depth = cond.pp(s.tokText(j), depth)
			continue
		}
		if s.toks[j].kind != tPunct {
			continue
		}
		switch s.tokText(j) {
		case "{":
			depth++
		case "}":
			depth--
		}
		if depth == 0 {
			end = j + 1
			break
		}
	}
	if end < 0 {
		s.errorAt(s.tokPos(brace), "close it", "%q is not closed before the end of the file", "{")
		return len(s.toks)
	}
	if n := len(head); n > 0 {
		last := s.tokText(head[n-1])
		if isTagKeyword(last) || n > 1 && isTagKeyword(s.tokText(head[n-2])) && s.toks[head[n-1]].kind == tIdent {
			s.errorAt(s.tokPos(start), "define the type on its own, then annotate a declaration that uses it",
				"annotated declaration defines a struct, union or enum type")
			return end
		}
	}
	s.finish(start, head, "{", d, dp)
	return end
}

func isTagKeyword(s string) bool { return s == "struct" || s == "union" || s == "enum" }

// finish analyses a complete head and checks it against the directive.
func (s *cscanner) finish(start int, head []int, term string, d Directive, dp dirPos) {
	if len(head) == 0 {
		s.errorAt(s.tokPos(start), "put the directive directly above a declaration", "expected a declaration")
		return
	}
	nerr := len(s.errs)
	h := s.analyse(head)
	if h.stmt >= 0 {
		s.errorAt(s.tokPos(h.stmt), "put the directive directly above a declaration",
			"expected a declaration, found %q", s.tokText(h.stmt))
		return
	}
	for _, m := range h.macros {
		name := s.tokText(m)
		if name == "section" || name == "__section__" {
			name = "__attribute__((section))"
		}
		s.errorAt(s.tokPos(m), "remove "+name+": the directive places the symbol in its section",
			"declaration already carries %s", name)
	}
	if h.typedef {
		s.errorAt(s.tokPos(start), "annotate an object or function, not a type", "typedef declares a type, not an object")
		return
	}
	if h.name < 0 {
		s.errorAt(s.tokPos(start),
			"initsec reads plain C declarations; a macro that expands to a definition (DEFINE_MUTEX(x), ...) cannot be annotated",
			"cannot tell which name this declaration declares")
		return
	}
	decl := Decl{
		Name:   s.tokText(h.name),
		Static: h.static,
		Const:  h.isConst,
		Array:  h.suffix == '[',
		Text:   s.joinText(head),
		Pos:    s.tokPos(start),
	}
	at := s.tokPos(h.name)
	switch {
	case term == "{" && h.suffix == '(':
		decl.Kind = DeclFunc
	case term == "{":
		s.errorAt(at, "a body can only follow a function declarator", "cannot parse the declaration of %s", decl.Name)
		return
	case h.suffix == '(':
		s.errorAt(at, "put the directive above the function's definition, the one with the body",
			"%s is declared here, not defined", decl.Name)
		return
	case h.extern && term == ";":
		decl.Kind = DeclExtern
	default:
		decl.Kind = DeclObject
	}
	s.checkFit(d, dp, decl, at)
	if len(s.errs) == nerr {
		s.anns = append(s.anns, Annotation{Directive: d, Decl: decl})
	}
}

// checkFit reports a kind or option that does not fit the declaration.
func (s *cscanner) checkFit(d Directive, dp dirPos, decl Decl, at Pos) {
	k, name := d.Kind, decl.Name
	if dp.opt[optC].Line != 0 {
		s.errorAt(dp.opt[optC], "remove c=: the C name is the declared name", "c= applies to Go declarations only")
	}
	if decl.Kind == DeclFunc {
		if !k.IsFunction() {
			s.errorAt(at, "use "+funcKindFor(k)+" for a function", "%s is a function, but %s annotates objects", name, k)
		}
		if d.Blob != "" {
			s.errorAt(dp.opt[optBlob], "remove blob=: it gives the contents of an extern object",
				"blob= on a function definition")
		}
		return
	}
	if k.IsFunction() {
		s.errorAt(at, "use "+dataKindFor(k)+" for an object", "%s is an object, but %s annotates function definitions", name, k)
		return
	}
	switch {
	case k.NeedsConst() && !decl.Const:
		alt := "initdata"
		if k == KindRefConst {
			alt = "refdata"
		}
		s.errorAt(at, "make "+name+" itself const (a pointer array needs \"* const\"), or use "+alt,
			"%s needs a const object, but %s is not const", k, name)
	case !k.NeedsConst() && decl.Const:
		hint := "use initconst"
		switch k {
		case KindRefData:
			hint = "use refconst"
		case KindExitData:
			hint = "there is no exit-time read-only section: drop const, or use initconst if only init code reads " + name
		}
		s.errorAt(at, hint, "%s places %s in a writable section, but %s is const", k, name, name)
	}
	if decl.Kind == DeclExtern {
		if d.Blob == "" {
			s.errorAt(at, "add blob=PATH to embed a file as its definition, or annotate the definition where "+name+" is defined",
				"%s is an extern declaration without blob=", name)
		} else if k != KindInitConst && k != KindInitData {
			s.errorAt(dp.opt[optBlob], "use blob= with initconst or initdata", "blob= on kind %s", k)
		}
	} else if d.Blob != "" {
		s.errorAt(dp.opt[optBlob], "declare the symbol extern, e.g. \"extern const u8 "+name+"[];\": the blob is its definition",
			"blob= needs an extern declaration")
	}
}

func funcKindFor(k Kind) string {
	switch k {
	case KindExitData:
		return "exit"
	case KindRefData, KindRefConst:
		return "ref"
	}
	return "init"
}

func dataKindFor(k Kind) string {
	switch k {
	case KindExit:
		return "exitdata"
	case KindRef:
		return "refdata or refconst"
	}
	return "initdata (initconst for const data)"
}

// splices matches backslash-newlines left inside a token (a long string).
var splices = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\\[ \t\r]*\n`) })

// joinText renders head tokens with single spaces where the source had white
// space or comments between them.
func (s *cscanner) joinText(head []int) string {
	var b strings.Builder
	for i, k := range head {
		t := s.toks[k]
		if i > 0 && t.off > s.toks[head[i-1]].end {
			b.WriteByte(' ')
		}
		text := s.text(t)
		if strings.Contains(text, "\n") {
			text = splices().ReplaceAllString(text, "")
		}
		b.WriteString(text)
	}
	return b.String()
}
