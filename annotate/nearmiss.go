package annotate

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/initsec/initsec/internal/clex"
)

// Near-misses: comments meant as a directive that are not one, so that the
// symbol under them would silently stay where it is. Both scanners report
// them as errors whose hint spells the directive out.
//
// A comment is a near-miss when its text (after the comment opener and, in
// a block comment, the " * " that starts each line) reads
//
//	[white space] go [white space] : [white space] NAME REST
//
// where NAME is "init-section" in any case, with "-", "_", one blank or
// nothing between the words and an optional trailing "s"
// (go/build/constraint's IsPlusBuild is the model: recognise the line by
// its shape, then judge it). Two shapes are taken as attempts whatever
// follows:
//
//   - a line comment opened by exactly "//" with no white space in
//     "go:NAME": "//go:init_section init", "//go:initsection init",
//     "//go:init-sections init", "//GO:init-section init",
//     "//go:init-sectioninit";
//
// every other one, only when REST reads as a directive (a kind, then known
// options), so that prose that merely names the directive is left alone:
//
//   - a line comment with white space or more slashes before "go":
//     "// go:init-section init", "/// go:init-section init",
//     "//go: init-section init";
//   - a line of a block comment, with or without "//" before "go":
//     "/* go:init-section init */", "/*go:init-section init*/",
//     " * go:init-section init", " * //go:init-section init".
//
// A line comment that only contains the name elsewhere ("// see the
// go:init-section directive") and text after a file:line prefix, as in the
// comments gen writes ("/* hello.c:17: //go:init-section init */"), are not
// near-misses.
var nearMissRx = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^([ \t]*)go([ \t]*):([ \t]*)(init([-_ \t]?)sections?)(.*)$`)
})

// A nearMiss is one near-miss in a comment.
type nearMiss struct {
	off   int    // byte offset in the comment of the text to point at
	block bool   // found in a block comment
	fixed string // the directive as it must be written
}

// message and hint return the error for a near-miss whose line (first line
// of a line comment) is text.
func (nm nearMiss) message(text string) (msg, hint string) {
	if nm.block {
		return "directive in a block comment",
			"a directive is a // line comment on its own line, directly above the declaration; write exactly: " + nm.fixed
	}
	return fmt.Sprintf("malformed directive %q", text), "write exactly: " + nm.fixed
}

// findNearMisses returns the near-misses in one comment: text is the whole
// comment as it is in the source, "//..." or "/*...*/" (CRs included). A
// line comment has at most one, on its first line. An unterminated block
// comment has none: that it hides the rest of the file is the error.
func findNearMisses(text string) []nearMiss {
	if rest, ok := strings.CutPrefix(text, "//"); ok {
		first, _, _ := strings.Cut(text, "\n")
		first = strings.TrimRight(first, "\r")
		if IsDirective(first) {
			return nil
		}
		rest = first[2:]
		strict := !strings.HasPrefix(rest, "/")
		if fixed, ok := nearMissText(strings.TrimLeft(rest, "/"), strict); ok {
			return []nearMiss{{off: 0, fixed: fixed}}
		}
		return nil
	}
	if len(text) < len("/**/") || !strings.HasPrefix(text, "/*") || !strings.HasSuffix(text, "*/") {
		return nil
	}
	body := text[2 : len(text)-2]
	var out []nearMiss
	off := 2 // of the current line in text
	for line := range strings.SplitSeq(body, "\n") {
		// Skip the decoration: white space, then the '*'s of " * " or "/**".
		i := 0
		for i < len(line) && clex.IsSpace(line[i]) {
			i++
		}
		for i < len(line) && line[i] == '*' {
			i++
		}
		for i < len(line) && clex.IsSpace(line[i]) {
			i++
		}
		content := strings.TrimRight(line[i:], " \t\r*")
		if fixed, ok := nearMissText(strings.TrimPrefix(content, "//"), false); ok {
			out = append(out, nearMiss{off: off + i, block: true, fixed: fixed})
		}
		off += len(line) + 1
	}
	return out
}

// nearMissText reports whether text, a comment line without its opener, is
// a near-miss, and returns the directive as it should be written. strict
// is true for a line comment opened by exactly "//".
func nearMissText(text string, strict bool) (fixed string, ok bool) {
	m := nearMissRx().FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	rest := strings.TrimLeft(strings.TrimSpace(m[6]), ":=")
	fixed = directivePrefix + " " + rest
	if strict && m[1] == "" && m[2] == "" && m[3] == "" && strings.TrimSpace(m[5]) == m[5] {
		if rest == "" {
			fixed = directivePrefix + " KIND"
		}
		return fixed, true
	}
	return fixed, readsAsDirective(fixed)
}

// readsAsDirective reports whether line, which starts with directivePrefix,
// has a kind and then only known options (their values are not checked).
func readsAsDirective(line string) bool {
	p := &dirParser{text: line, i: len(directivePrefix)}
	if p.kind() != nil {
		return false
	}
	for p.next() {
		if optIndex(p.name) < 0 {
			return false
		}
		if p.value() != nil {
			return true // an option with a malformed value is still an option
		}
	}
	return true
}
