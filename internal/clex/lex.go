// Package clex is a small C lexer with byte offsets, enough to find
// file-scope declarations and edit them in place without preprocessing:
// comments, string and character literals and preprocessor lines (with
// continuations) are single tokens, so that a "__init", "{" or ";" inside
// them counts for nothing. convert uses it to rewrite init macros, and
// suggest/apply to insert init macros and directives, at exact offsets;
// annotate.ScanC remains the judge of the declarations found.
package clex

import "sort"

// Kind is what a token is.

type Kind uint8

const (
	Ident  Kind = iota + 1
	Other       // numbers and punctuation
	String      // string or character literal
	Comment
	PP // a whole preprocessor line
)

// Token is one token: its kind and its bytes, Src[Off:End].
type Token struct {
	Kind     Kind
	Off, End int
}

// Lexer holds a source and its tokens (white space and newlines are not
// tokens).
type Lexer struct {
	Src        []byte
	lineStarts []int
	Toks       []Token
}

// Lex tokenizes src.
func Lex(src []byte) *Lexer {
	lx := &Lexer{Src: src, lineStarts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			lx.lineStarts = append(lx.lineStarts, i+1)
		}
	}
	lx.run()
	return lx
}

// Pos returns the 1-based line and byte column of offset off.
func (lx *Lexer) Pos(off int) (line, col int) {
	i := sort.Search(len(lx.lineStarts), func(i int) bool { return lx.lineStarts[i] > off }) - 1
	return i + 1, off - lx.lineStarts[i] + 1
}

// Text is the bytes of t.
func (lx *Lexer) Text(t Token) string { return string(lx.Src[t.Off:t.End]) }

// IsSpace reports blanks other than newline.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }

// IsIdentStart reports whether c may start an identifier ('$' and any
// byte of a UTF-8 sequence included, as gcc accepts).
func IsIdentStart(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// IsIdentChar reports whether c may go on an identifier.
func IsIdentChar(c byte) bool { return IsIdentStart(c) || '0' <= c && c <= '9' }

// Splice returns the length of a backslash-newline at i (gcc also accepts
// white space between the two, with a warning), or 0.
func Splice(src []byte, i int) int {
	if i >= len(src) || src[i] != '\\' {
		return 0
	}
	j := i + 1
	for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
		j++
	}
	if j < len(src) && src[j] == '\n' {
		return j + 1 - i
	}
	return 0
}

func (lx *Lexer) run() {
	src := lx.Src
	atLineStart := true
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			atLineStart = true
			i++
		case IsSpace(c):
			i++
		case Splice(src, i) > 0:
			i += Splice(src, i)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			end := LineCommentEnd(src, i)
			lx.Toks = append(lx.Toks, Token{Comment, i, end})
			i = end
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := blockEnd(src, i)
			lx.Toks = append(lx.Toks, Token{Comment, i, end})
			i = end
		case c == '#' && atLineStart:
			end := ppEnd(src, i)
			lx.Toks = append(lx.Toks, Token{PP, i, end})
			i = end
		case c == '"' || c == '\'':
			end := QuotedEnd(src, i)
			lx.Toks = append(lx.Toks, Token{String, i, end})
			i = end
			atLineStart = false
		case IsIdentStart(c):
			j := i + 1
			for j < len(src) && IsIdentChar(src[j]) {
				j++
			}
			lx.Toks = append(lx.Toks, Token{Ident, i, j})
			i = j
			atLineStart = false
		default:
			lx.Toks = append(lx.Toks, Token{Other, i, i + 1})
			i++
			atLineStart = false
		}
	}
}

// LineCommentEnd returns the end of the line comment at i (before its
// newline or CR); a backslash-newline continues it, as in C.
func LineCommentEnd(src []byte, i int) int {
	j := i
	for j < len(src) {
		if s := Splice(src, j); s > 0 {
			j += s
			continue
		}
		if src[j] == '\n' {
			break
		}
		j++
	}
	if j > i && src[j-1] == '\r' {
		j--
	}
	return j
}

func blockEnd(src []byte, i int) int {
	for j := i + 2; j+1 < len(src); j++ {
		if src[j] == '*' && src[j+1] == '/' {
			return j + 2
		}
	}
	return len(src)
}

// ppEnd returns the end of the preprocessor line at i, continuations and
// block comments included.
func ppEnd(src []byte, i int) int {
	j := i + 1
	for j < len(src) {
		c := src[j]
		switch {
		case Splice(src, j) > 0:
			j += Splice(src, j)
		case c == '\n':
			if src[j-1] == '\r' {
				return j - 1
			}
			return j
		case c == '"' || c == '\'':
			j = QuotedEnd(src, j)
		case c == '/' && j+1 < len(src) && src[j+1] == '*':
			j = blockEnd(src, j)
		default:
			j++
		}
	}
	return len(src)
}

// QuotedEnd returns the end of the string or character literal at i. An
// unterminated literal ends before the newline (and the '\r' of a CRLF).
func QuotedEnd(src []byte, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); {
		switch c := src[j]; {
		case Splice(src, j) > 0:
			j += Splice(src, j)
		case c == '\\':
			// An escape; a backslash before a newline is a splice, handled above.
			j = min(j+2, len(src))
		case c == '\n':
			if j-1 > i && src[j-1] == '\r' {
				return j - 1
			}
			return j
		case c == q:
			return j + 1
		default:
			j++
		}
	}
	return len(src)
}
