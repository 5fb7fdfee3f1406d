package annotate

import (
	"strings"

	"github.com/initsec/initsec/internal/clex"
)

// condDepth keeps a bracket depth sensible across #if/#else branches that
// each open a brace, as in
//
//	#ifdef CONFIG_X
//	static int f(int a) {
//	#else
//	static int f(void) {
//	#endif
//
// Every branch starts from the depth at #if, and after #endif the depth is
// the one the first branch reached (the way ctags copes). Without this, one
// such pair would put every later directive "inside a block".
type condDepth struct {
	stack []condFrame
}

type condFrame struct {
	start  int  // depth at #if
	first  int  // depth at the end of the first branch
	inElse bool // past the first branch
}

// pp updates depth for the preprocessor line text.
func (c *condDepth) pp(text string, depth int) int {
	switch ppName(text) {
	case "if", "ifdef", "ifndef":
		c.stack = append(c.stack, condFrame{start: depth})
	case "elif", "else", "elifdef", "elifndef":
		if len(c.stack) == 0 {
			return depth
		}
		f := &c.stack[len(c.stack)-1]
		if !f.inElse {
			f.first, f.inElse = depth, true
		}
		return f.start
	case "endif":
		if len(c.stack) == 0 {
			return depth
		}
		f := c.stack[len(c.stack)-1]
		c.stack = c.stack[:len(c.stack)-1]
		if f.inElse {
			return f.first
		}
	}
	return depth
}

// ppName returns the directive name of a preprocessor line: "if", "endif", ...
func ppName(text string) string {
	text = stripComments([]byte(text))
	text = strings.TrimLeft(strings.TrimPrefix(strings.TrimLeft(text, " \t"), "#"), " \t")
	i := 0
	for i < len(text) && clex.IsIdentChar(text[i]) {
		i++
	}
	return text[:i]
}
