package annotate

import (
	"sort"

	"github.com/initsec/initsec/internal/clex"
)

// The C lexer. It knows just enough of C's translation phases 1–3 to find
// directives and declaration boundaries: comments, string and character
// literals (so that a "{", ";" or "//go:init-section" inside them counts for
// nothing), preprocessor lines as single tokens (so that braces in macros do
// not count), backslash-newline splices, and LF or CRLF line ends. It never
// fails: an unterminated literal ends at the end of its line, as gcc
// recovers; only an unterminated block comment is reported, because it hides
// the rest of the file.

type tokKind uint8

const (
	tIdent tokKind = iota + 1
	tNumber
	tString
	tChar
	tPunct
	tLineComment
	tBlockComment
	tPP // a whole preprocessor line, continuations included
)

type token struct {
	kind      tokKind
	off, end  int // byte offsets in src
	line, col int // of off
	endLine   int // line of the token's last byte
}

type lexer struct {
	src        []byte
	lineStarts []int // offset of the first byte of each line
	toks       []token
	unclosed   []int // offsets of block comments that never end
}

func lexC(src []byte) *lexer {
	lx := &lexer{src: src, lineStarts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			lx.lineStarts = append(lx.lineStarts, i+1)
		}
	}
	lx.run()
	return lx
}

// pos returns the 1-based line and byte column of offset off.
func (lx *lexer) pos(off int) (line, col int) {
	i := sort.Search(len(lx.lineStarts), func(i int) bool { return lx.lineStarts[i] > off }) - 1
	return i + 1, off - lx.lineStarts[i] + 1
}

func (lx *lexer) text(t token) string { return string(lx.src[t.off:t.end]) }

func (lx *lexer) emit(kind tokKind, off, end int) {
	line, col := lx.pos(off)
	endLine := line
	if end > off {
		endLine, _ = lx.pos(end - 1)
	}
	lx.toks = append(lx.toks, token{kind: kind, off: off, end: end, line: line, col: col, endLine: endLine})
}

var punct3 = []string{"<<=", ">>=", "..."}
var punct2 = []string{"==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
	"->", "++", "--", "&&", "||", "<<", ">>", "##"}

func (lx *lexer) run() {
	src := lx.src
	n := len(src)
	atLineStart := true // only white space and comments so far on this line
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '\n':
			atLineStart = true
			i++
		case clex.IsSpace(c):
			i++
		case clex.Splice(src, i) > 0:
			i += clex.Splice(src, i)
		case c == '/' && i+1 < n && src[i+1] == '/':
			end := clex.LineCommentEnd(src, i)
			lx.emit(tLineComment, i, end)
			i = end
		case c == '/' && i+1 < n && src[i+1] == '*':
			end := lx.blockCommentEnd(i)
			lx.emit(tBlockComment, i, end)
			i = end
		case c == '#' && atLineStart:
			end := lx.ppEnd(i)
			lx.emit(tPP, i, end)
			i = end
			atLineStart = false
		case c == '"' || c == '\'':
			end := clex.QuotedEnd(src, i)
			kind := tString
			if c == '\'' {
				kind = tChar
			}
			lx.emit(kind, i, end)
			i = end
			atLineStart = false
		case clex.IsIdentStart(c):
			j := i + 1
			for j < n && clex.IsIdentChar(src[j]) {
				j++
			}
			lx.emit(tIdent, i, j)
			i = j
			atLineStart = false
		case isDigit(c) || c == '.' && i+1 < n && isDigit(src[i+1]):
			// A preprocessing number: digits, letters, '.', and signs after e/p.
			j := i + 1
			for j < n {
				d := src[j]
				if clex.IsIdentChar(d) || d == '.' {
					j++
				} else if (d == '+' || d == '-') && (src[j-1]|0x20 == 'e' || src[j-1]|0x20 == 'p') {
					j++
				} else {
					break
				}
			}
			lx.emit(tNumber, i, j)
			i = j
			atLineStart = false
		default:
			l := 1
			for _, p := range punct3 {
				if hasAt(src, i, p) {
					l = 3
				}
			}
			if l == 1 {
				for _, p := range punct2 {
					if hasAt(src, i, p) {
						l = 2
					}
				}
			}
			lx.emit(tPunct, i, i+l)
			i += l
			atLineStart = false
		}
	}
}

func hasAt(src []byte, i int, s string) bool {
	return len(src)-i >= len(s) && string(src[i:i+len(s)]) == s
}

// trimCR drops the '\r' of a CRLF from the end of a token ending at end.
func trimCR(src []byte, start, end int) int {
	if end > start && src[end-1] == '\r' {
		return end - 1
	}
	return end
}

func (lx *lexer) blockCommentEnd(i int) int {
	src := lx.src
	for j := i + 2; j+1 < len(src); j++ {
		if src[j] == '*' && src[j+1] == '/' {
			return j + 2
		}
	}
	lx.unclosed = append(lx.unclosed, i)
	return len(src)
}

// ppEnd returns the end of the preprocessor line starting at i: the newline
// not preceded by a backslash. Literals and block comments inside it are
// skipped (a block comment may run over several lines and the directive goes
// on after it); a line comment ends it and is lexed as a token of its own.
func (lx *lexer) ppEnd(i int) int {
	src := lx.src
	j := i + 1
	for j < len(src) {
		c := src[j]
		switch {
		case clex.Splice(src, j) > 0:
			j += clex.Splice(src, j)
		case c == '\n':
			return trimCR(src, i, j)
		case c == '"' || c == '\'':
			j = clex.QuotedEnd(src, j)
		case c == '/' && j+1 < len(src) && src[j+1] == '/':
			for j > i && clex.IsSpace(src[j-1]) {
				j--
			}
			return j
		case c == '/' && j+1 < len(src) && src[j+1] == '*':
			j = lx.blockCommentEnd(j)
		default:
			j++
		}
	}
	return trimCR(src, i, len(src))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
