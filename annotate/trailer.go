package annotate

import (
	"strings"

	"github.com/initsec/initsec/internal/clex"
)

// HasTrailer reports whether the last line of C source src that is neither
// blank nor only comments is
//
//	#include "header"
//
// (white space allowed after '#' and around "include"; comments on the line
// are ignored). lastLine is the line after the last non-blank line of src,
// where gen tells the user to add the include when ok is false.
func HasTrailer(src []byte, header string) (ok bool, lastLine int) {
	lx := lexC(src)
	lastLine = 1
	for i := len(src) - 1; i >= 0; i-- {
		if !clex.IsSpace(src[i]) && src[i] != '\n' {
			line, _ := lx.pos(i)
			lastLine = line + 1
			break
		}
	}
	for k := len(lx.toks) - 1; k >= 0; k-- {
		t := lx.toks[k]
		switch t.kind {
		case tLineComment, tBlockComment:
			continue
		case tPP:
			return includes(lx, t, header), lastLine
		}
		return false, lastLine
	}
	return false, lastLine
}

// includes reports whether preprocessor line t is #include "header".
func includes(lx *lexer, t token, header string) bool {
	text := strings.TrimSpace(stripComments(lx.src[t.off:t.end]))
	rest, ok := strings.CutPrefix(text, "#")
	if !ok {
		return false
	}
	rest, ok = strings.CutPrefix(strings.TrimLeft(rest, " \t"), "include")
	return ok && strings.TrimSpace(rest) == `"`+header+`"`
}

// stripComments returns a preprocessor line with splices removed and each
// comment replaced by a space; literals are kept as they are.
func stripComments(src []byte) string {
	var b strings.Builder
	for i := 0; i < len(src); {
		switch {
		case clex.Splice(src, i) > 0:
			i += clex.Splice(src, i)
		case src[i] == '"' || src[i] == '\'':
			end := clex.QuotedEnd(src, i)
			b.Write(src[i:end])
			i = end
		case hasAt(src, i, "/*"):
			if end := strings.Index(string(src[i+2:]), "*/"); end >= 0 {
				i += end + 4
			} else {
				i = len(src)
			}
			b.WriteByte(' ')
		case hasAt(src, i, "//"):
			i = len(src)
		case clex.IsSpace(src[i]) || src[i] == '\n':
			b.WriteByte(' ')
			i++
		default:
			b.WriteByte(src[i])
			i++
		}
	}
	return b.String()
}
