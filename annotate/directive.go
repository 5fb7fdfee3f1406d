package annotate

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
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
	return ok && (rest == "" || isSpace(rest[0]))
}

// trimNewline removes one trailing "\n" or "\r\n" and reports whether the
// rest is a single line.
func trimNewline(line string) (string, bool) {
	if strings.HasSuffix(line, "\n") {
		line = strings.TrimSuffix(line[:len(line)-1], "\r")
	}
	return line, !strings.Contains(line, "\n")
}

// isSpace is C's white space within a line (the newline is handled apart).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
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

func parseDirective(text string, pos Pos) (Directive, dirPos, *Error) {
	var dp dirPos
	d := Directive{Pos: pos}
	at := func(off int) Pos { return Pos{File: pos.File, Line: pos.Line, Col: pos.Col + off} }
	fail := func(off int, hint, format string, args ...any) (Directive, dirPos, *Error) {
		return Directive{}, dirPos{}, &Error{Pos: at(off), Msg: fmt.Sprintf(format, args...), Hint: hint}
	}

	text, _ = trimNewline(text)
	text = strings.TrimRight(text, "\r")
	if !IsDirective(text) {
		return fail(0, "a directive starts with exactly "+directivePrefix+" followed by white space",
			"not a %s directive", directivePrefix)
	}

	i := len(directivePrefix)
	for {
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		if i == len(text) {
			break
		}
		start := i
		for i < len(text) && !isSpace(text[i]) && text[i] != '=' {
			i++
		}
		name := text[start:i]
		hasValue := i < len(text) && text[i] == '='

		if d.Kind == KindInvalid {
			// The first field is the kind.
			if hasValue && ParseKind(name) != KindInvalid {
				return fail(start, "write the kind alone, then options: "+directivePrefix+" init initcall=device",
					"kind %s takes no value", name)
			}
			if hasValue || optIndex(name) >= 0 {
				return fail(start, "the kind comes first, e.g. "+directivePrefix+" init initcall=device",
					"missing kind before option %s", name)
			}
			k := ParseKind(name)
			if k == KindInvalid {
				return fail(start, suggest(name, KindNames(), "valid kinds: "+strings.Join(KindNames(), ", ")), "unknown kind %q", name)
			}
			d.Kind = k
			dp.kind = at(start)
			continue
		}

		o := optIndex(name)
		if o < 0 {
			return fail(start, suggest(name, optNames[:], "options: "+optionList), "unknown option %q", name)
		}
		if dp.opt[o].Line != 0 {
			return fail(start, fmt.Sprintf("%s is already given at column %d", name, dp.opt[o].Col),
				"duplicate option %s", name)
		}
		dp.opt[o] = at(start)

		// The value: bare up to white space, or a Go-quoted string.
		var value string
		valOff := i + 1
		quoted := false
		if hasValue {
			i++
			if i < len(text) && (text[i] == '"' || text[i] == '`') {
				q, err := strconv.QuotedPrefix(text[i:])
				if err != nil {
					return fail(i, "write a Go-quoted string: \"...\" with Go escapes, closed on the same line",
						"malformed quoted string")
				}
				value, _ = strconv.Unquote(q) // QuotedPrefix accepted it
				i += len(q)
				quoted = true
				if i < len(text) && !isSpace(text[i]) {
					return fail(i, "separate options with white space", "unexpected text after quoted string")
				}
			} else {
				for i < len(text) && !isSpace(text[i]) {
					i++
				}
				value = text[valOff:i]
			}
		}

		if o == optEntry {
			if hasValue {
				return fail(start, "write entry alone: it takes no value", "option entry takes no value")
			}
			if d.Kind != KindExit {
				return fail(start, "entry registers an exit function with module_exit; use it with exit",
					"entry on kind %s", d.Kind)
			}
			d.Entry = true
			continue
		}
		if !hasValue || value == "" && (!quoted || o != optReason) {
			return fail(start, valueHint(o), "option %s needs a value", name)
		}
		switch o {
		case optInitcall:
			if d.Kind != KindInit {
				return fail(start, "initcall= registers an init function; use it with init",
					"initcall= on kind %s", d.Kind)
			}
			if !slices.Contains(InitcallLevels, value) {
				return fail(valOff, levelHint(value), "unknown initcall level %q", value)
			}
			d.Initcall = value
		case optBlob:
			if msg, hint := checkBlobPath(value); msg != "" {
				return fail(valOff, hint, "%s", msg)
			}
			d.Blob = value
		case optReason:
			if !d.Kind.IsRef() {
				return fail(start, "reason= documents a .ref.* annotation; use it with ref, refdata or refconst",
					"reason= on kind %s", d.Kind)
			}
			if !quoted {
				return fail(valOff, `write reason="why the reference is safe"`, "reason must be a Go-quoted string")
			}
			if strings.TrimSpace(value) == "" {
				return fail(valOff, "say why the reference from resident code to init code is safe", "empty reason")
			}
			if hasControl(value) {
				return fail(valOff, "keep the reason on one line, without control characters",
					"reason contains a control character")
			}
			d.Reason = value
		case optC:
			if !isCIdent(value) {
				return fail(valOff, "c= takes a C identifier: letters, digits and _, not starting with a digit",
					"invalid C name %q", value)
			}
			d.CName = value
		}
	}

	if d.Kind == KindInvalid {
		return fail(len(text), "valid kinds: "+strings.Join(KindNames(), ", "), "missing kind")
	}
	if d.Kind.IsRef() && d.Reason == "" {
		return fail(dp.kind.Col-pos.Col, `add reason="..." saying why the reference from resident code to init code is safe`,
			"kind %s needs reason=", d.Kind)
	}
	return d, dp, nil
}

func optIndex(name string) int {
	for i, n := range optNames {
		if n == name {
			return i
		}
	}
	return -1
}

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
