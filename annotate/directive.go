package annotate

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/initsec/initsec/internal/clex"
)

const directivePrefix = "//go:init-section"

// IsDirective reports whether line is a //go:init-section directive: it
// starts with exactly "//go:init-section" (no leading white space; callers
// strip the indentation), followed by white space or the end of the line. A
// single trailing newline ("\n" or "\r\n") is allowed; any other newline is
// not, as in go/build/constraint.IsGoBuild.
func IsDirective(line string) bool {
	line, ok := trimNewline(line)
	if !ok {
		return false
	}
	rest, ok := strings.CutPrefix(line, directivePrefix)
	return ok && (rest == "" || clex.IsSpace(rest[0]))
}

// trimNewline removes one trailing "\n" or "\r\n" and reports whether the
// rest is a single line.
func trimNewline(line string) (string, bool) {
	if strings.HasSuffix(line, "\n") {
		line = strings.TrimSuffix(line[:len(line)-1], "\r")
	}
	return line, !strings.Contains(line, "\n")
}

// Option indices for dirPos.opt.
const (
	optInitcall = iota
	optEntry
	optBlob
	optReason
	optC
	numOpts
)

var optNames = [numOpts]string{"initcall", "entry", "blob", "reason", "c"}

// optionList is the hint text for an unknown option.
const optionList = `initcall=LEVEL, entry, blob=PATH, reason="...", c=NAME`

// dirPos records where each part of a directive is, so that errors found
// later (against the declaration) can point at the option at fault. It is
// kept out of Directive so that Directive stays a plain comparable value.
type dirPos struct {
	kind Pos
	opt  [numOpts]Pos // zero Line when the option is absent
}

// ParseDirective parses one directive comment. text starts with
// "//go:init-section" and holds one line (a trailing newline is allowed);
// pos is the position of its "//", and errors carry columns relative to it.
// The returned error is an *Error pointing at the offending token.
//
// ParseDirective checks the directive on its own: the options against the
// kind, reason= on ref kinds. Whether the kind fits the declaration under it
// is checked by the scanners.
func ParseDirective(text string, pos Pos) (Directive, error) {
	d, _, err := parseDirective(text, pos)
	if err != nil {
		return Directive{}, err
	}
	return d, nil
}

// parseDirective is ParseDirective, also returning where each part of the
// directive is.
func parseDirective(text string, pos Pos) (Directive, dirPos, *Error) {
	text, _ = trimNewline(text)
	p := &dirParser{text: strings.TrimRight(text, "\r"), pos: pos, d: Directive{Pos: pos}}
	if err := p.directive(); err != nil {
		return Directive{}, dirPos{}, err
	}
	return p.d, p.dp, nil
}

// A dirParser reads one directive line,
//
//	directive = "//go:init-section" kind { option }
//	option    = NAME [ "=" value ]
//	value     = BARE | QUOTED
//
// with one method per piece of the grammar, each saying where in the line it
// expects to start and where it leaves off. The first error ends the parse:
// every method returns it as an *Error at the offending token. The line
// needs no size limit of its own: it comes from a file of at most
// MaxFileSize bytes, and each option may appear once.
type dirParser struct {
	text string // the line, without its line end
	pos  Pos    // position of text[0]
	i    int    // next read offset in text

	// The field last read: its NAME (by next) and its value (by value).
	name     string
	start    int  // offset of name
	hasValue bool // "=" follows name
	val      string
	valOff   int // offset of val: just after the "="
	quoted   bool

	d  Directive
	dp dirPos
}

// directive reads the whole line.
// On entry, nothing has been read.
// On exit, the line has been read to its end and p.d and p.dp are complete.
func (p *dirParser) directive() *Error {
	if !IsDirective(p.text) {
		return p.errorf(0, "a directive starts with exactly "+directivePrefix+" followed by white space",
			"not a %s directive", directivePrefix)
	}
	p.i = len(directivePrefix)
	if err := p.kind(); err != nil {
		return err
	}
	for p.next() {
		if err := p.option(); err != nil {
			return err
		}
	}
	if p.d.Kind.IsRef() && p.d.Reason == "" {
		return p.errorf(p.dp.kind.Col-p.pos.Col, `add reason="..." saying why the reference from resident code to init code is safe`,
			"kind %s needs reason=", p.d.Kind)
	}
	return nil
}

// next reads the NAME of the next field: the bytes up to white space, "="
// or the end of the line.
// On entry, p.i is at white space or at the end of the line.
// On exit, next reports false if the line has ended; otherwise p.name,
// p.start and p.hasValue describe the field, and p.i is just after the
// NAME: at the "=" when p.hasValue, else at white space or the end.
func (p *dirParser) next() bool {
	for p.i < len(p.text) && clex.IsSpace(p.text[p.i]) {
		p.i++
	}
	if p.i == len(p.text) {
		return false
	}
	p.start = p.i
	for p.i < len(p.text) && !clex.IsSpace(p.text[p.i]) && p.text[p.i] != '=' {
		p.i++
	}
	p.name = p.text[p.start:p.i]
	p.hasValue = p.i < len(p.text) && p.text[p.i] == '='
	return true
}

// kind reads the kind, which is the first field and takes no value.
// On entry, p.i is just after the prefix: at white space or the end.
// On exit, p.d.Kind and p.dp.kind are set and p.i is just after the kind.
func (p *dirParser) kind() *Error {
	if !p.next() {
		return p.errorf(len(p.text), "valid kinds: "+strings.Join(KindNames(), ", "), "missing kind")
	}
	k := ParseKind(p.name)
	switch {
	case p.hasValue && k != KindInvalid:
		return p.errorf(p.start, "write the kind alone, then options: "+directivePrefix+" init initcall=device",
			"kind %s takes no value", p.name)
	case p.hasValue || optIndex(p.name) >= 0:
		return p.errorf(p.start, "the kind comes first, e.g. "+directivePrefix+" init initcall=device",
			"missing kind before option %s", p.name)
	case k == KindInvalid:
		return p.errorf(p.start, suggest(p.name, KindNames(), "valid kinds: "+strings.Join(KindNames(), ", ")),
			"unknown kind %q", p.name)
	}
	p.d.Kind = k
	p.dp.kind = p.at(p.start)
	return nil
}

// option reads one option after the kind and checks it.
// On entry, next has read the option's NAME.
// On exit, p.i is just after the option's value (or NAME, when it has
// none): at white space or the end of the line.
func (p *dirParser) option() *Error {
	o := optIndex(p.name)
	if o < 0 {
		return p.errorf(p.start, suggest(p.name, optNames[:], "options: "+optionList), "unknown option %q", p.name)
	}
	if prev := p.dp.opt[o]; prev.Line != 0 {
		return p.errorf(p.start, fmt.Sprintf("%s is already given at column %d", p.name, prev.Col),
			"duplicate option %s", p.name)
	}
	p.dp.opt[o] = p.at(p.start)
	if err := p.value(); err != nil {
		return err
	}
	if o == optEntry {
		return p.entry()
	}
	// reason="" has a value; reason finds it empty.
	if !p.hasValue || p.val == "" && (!p.quoted || o != optReason) {
		return p.errorf(p.start, valueHint(o), "option %s needs a value", p.name)
	}
	switch o {
	case optInitcall:
		return p.initcall()
	case optBlob:
		return p.blob()
	case optReason:
		return p.reason()
	case optC:
		return p.cname()
	}
	return nil
}

// value reads an option's value: bare up to white space, or a Go-quoted
// string ("..." or `...`) followed by white space or the end.
// On entry, p.i is just after the option's NAME: at the "=" when p.hasValue.
// On exit, p.val (unquoted; "" without "="), p.valOff and p.quoted are set,
// and p.i is at white space or the end of the line.
func (p *dirParser) value() *Error {
	p.val, p.valOff, p.quoted = "", p.i+1, false
	if !p.hasValue {
		return nil
	}
	p.i++
	if p.i < len(p.text) && (p.text[p.i] == '"' || p.text[p.i] == '`') {
		q, err := strconv.QuotedPrefix(p.text[p.i:])
		if err != nil {
			return p.errorf(p.i, "write a Go-quoted string: \"...\" with Go escapes, closed on the same line",
				"malformed quoted string")
		}
		p.val, _ = strconv.Unquote(q) // QuotedPrefix accepted it
		p.quoted = true
		p.i += len(q)
		if p.i < len(p.text) && !clex.IsSpace(p.text[p.i]) {
			return p.errorf(p.i, "separate options with white space", "unexpected text after quoted string")
		}
		return nil
	}
	for p.i < len(p.text) && !clex.IsSpace(p.text[p.i]) {
		p.i++
	}
	p.val = p.text[p.valOff:p.i]
	return nil
}

// The checks below, one per option, read no input. On entry, value has
// read the option; p.i is unchanged on exit. Each records the option in p.d
// or returns an error at its NAME or at its value.

// entry checks entry: no value, on kind exit only.
func (p *dirParser) entry() *Error {
	if p.hasValue {
		return p.errorf(p.start, "write entry alone: it takes no value", "option entry takes no value")
	}
	if p.d.Kind != KindExit {
		return p.errorf(p.start, "entry registers an exit function with module_exit; use it with exit",
			"entry on kind %s", p.d.Kind)
	}
	p.d.Entry = true
	return nil
}

// initcall checks initcall=LEVEL: on kind init only, a level from
// InitcallLevels.
func (p *dirParser) initcall() *Error {
	if p.d.Kind != KindInit {
		return p.errorf(p.start, "initcall= registers an init function; use it with init",
			"initcall= on kind %s", p.d.Kind)
	}
	if !slices.Contains(InitcallLevels, p.val) {
		return p.errorf(p.valOff, levelHint(p.val), "unknown initcall level %q", p.val)
	}
	p.d.Initcall = p.val
	return nil
}

// blob checks blob=PATH: a path gen can embed (checkBlobPath). Whether the
// kind and declaration fit is the scanners' check.
func (p *dirParser) blob() *Error {
	if msg, hint := checkBlobPath(p.val); msg != "" {
		return p.errorf(p.valOff, hint, "%s", msg)
	}
	p.d.Blob = p.val
	return nil
}

// reason checks reason="...": on ref kinds only, quoted, not blank, one
// line without control characters.
func (p *dirParser) reason() *Error {
	if !p.d.Kind.IsRef() {
		return p.errorf(p.start, "reason= documents a .ref.* annotation; use it with ref, refdata or refconst",
			"reason= on kind %s", p.d.Kind)
	}
	if !p.quoted {
		return p.errorf(p.valOff, `write reason="why the reference is safe"`, "reason must be a Go-quoted string")
	}
	if strings.TrimSpace(p.val) == "" {
		return p.errorf(p.valOff, "say why the reference from resident code to init code is safe", "empty reason")
	}
	if hasControl(p.val) {
		return p.errorf(p.valOff, "keep the reason on one line, without control characters",
			"reason contains a control character")
	}
	p.d.Reason = p.val
	return nil
}

// cname checks c=NAME: a C identifier. That c= applies to Go files only is
// the C scanner's check.
func (p *dirParser) cname() *Error {
	if !isCIdent(p.val) {
		return p.errorf(p.valOff, "c= takes a C identifier: letters, digits and _, not starting with a digit",
			"invalid C name %q", p.val)
	}
	p.d.CName = p.val
	return nil
}

// at returns the position of offset off in the line.
func (p *dirParser) at(off int) Pos {
	return Pos{File: p.pos.File, Line: p.pos.Line, Col: p.pos.Col + off}
}

// errorf returns an *Error at offset off in the line.
func (p *dirParser) errorf(off int, hint, format string, args ...any) *Error {
	return &Error{Pos: p.at(off), Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// optIndex returns the index of the option named name, or -1.
func optIndex(name string) int { return slices.Index(optNames[:], name) }

func valueHint(o int) string {
	switch o {
	case optInitcall:
		return "write initcall=LEVEL; levels: " + strings.Join(InitcallLevels, ", ")
	case optBlob:
		return `write blob=PATH or blob="PATH", relative to the module directory`
	case optReason:
		return `write reason="why the reference is safe"`
	case optC:
		return "write c=NAME with a C identifier"
	}
	return ""
}

func levelHint(level string) string {
	list := "levels: " + strings.Join(InitcallLevels, ", ")
	if level == "module" {
		// module_init() is device_initcall() when built in.
		return "did you mean device? module_init is device_initcall when built in; " + list
	}
	return suggest(level, InitcallLevels, list)
}

// checkBlobPath returns an error message and hint for a blob= path that gen
// cannot embed: it must stay inside the module directory and be writable in
// an assembler .incbin "..." string.
func checkBlobPath(p string) (msg, hint string) {
	switch {
	case strings.HasPrefix(p, "/"):
		return "blob= path is absolute", "give the path relative to the module directory"
	case path.Clean(p) == ".." || strings.HasPrefix(path.Clean(p), "../"):
		return "blob= path leaves the module directory", "keep the file inside the module directory"
	case strings.ContainsAny(p, "\"\\") || hasControl(p):
		return "blob= path contains a quote, backslash or control character",
			"rename the file: the path is written into an assembler .incbin string"
	}
	return "", ""
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func isCIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// suggest builds a hint: "did you mean X? " when a word in valid is close to
// got, then list (the valid words as the user should read them).
func suggest(got string, valid []string, list string) string {
	hint := list
	if best := closest(got, valid); best != "" {
		hint = "did you mean " + best + "? " + hint
	}
	return hint
}

// closest returns the word in valid nearest to got, or "" when none is near.
// Spellings taken from the kernel (__initconst, device_initcall) are reduced
// to the directive's words first.
func closest(got string, valid []string) string {
	g := strings.ToLower(got)
	g = strings.TrimLeft(g, "_")
	g = strings.TrimSuffix(g, "_initcall_sync")
	g = strings.TrimSuffix(g, "_initcall")
	g = strings.TrimPrefix(g, "-")
	best, bestDist := "", 3 // at most two edits away
	for _, v := range valid {
		if d := editDistance(g, v); d < bestDist && d < len(v) {
			best, bestDist = v, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
