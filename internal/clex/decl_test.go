package clex

import (
	"fmt"
	"strings"
	"testing"
)

func TestDecls(t *testing.T) {
	src := `// c
#include <linux/module.h>
static int x __maybe_unused = 3;
static const int tbl[4][2] = { {1, 2}, };
static const char *const names[] = { "a", "b" };
struct foo { int a; };
static struct foo bar;
extern int ext;
static void proto(void);
/* comment */
static int __attribute__((cold)) helper(int a, int (*cb)(void))
{
	int local = 1;
	return a + local;
}
#ifdef CONFIG_X
static char *str(void) { return "{"; }
#endif
typedef int t;
MODULE_LICENSE("GPL");
`
	lx := Lex([]byte(src))
	var got []string
	for _, d := range lx.Decls() {
		got = append(got, fmt.Sprintf("%s func=%v ext=%v td=%v cond=%v decl=%q", d.Name, d.Func, d.Extern, d.Typedef, d.Conditional,
			src[d.Start:d.DeclaratorEnd]))
	}
	want := []string{
		`x func=false ext=false td=false cond=false decl="static int x"`,
		`tbl func=false ext=false td=false cond=false decl="static const int tbl[4][2]"`,
		`names func=false ext=false td=false cond=false decl="static const char *const names[]"`,
		`bar func=false ext=false td=false cond=false decl="static struct foo bar"`,
		`ext func=false ext=true td=false cond=false decl="extern int ext"`,
		"helper func=true ext=false td=false cond=false decl=\"static int __attribute__((cold)) helper\"",
		`str func=true ext=false td=false cond=true decl="static char *str"`,
		`t func=false ext=false td=true cond=false decl="typedef int t"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// An unterminated literal ends before the line's end, CR included, as in
// annotate's lexer; a preprocessor line keeps its trailing comment.
func TestLexLineEnds(t *testing.T) {
	src := "#define A 1 // one\r\nchar c = 'x\r\nint d; // two\r\n\"s\\\r\n t\";\n"
	lx := Lex([]byte(src))
	var got []string
	for _, tk := range lx.Toks {
		got = append(got, fmt.Sprintf("%d:%q", tk.Kind, lx.Text(tk)))
	}
	want := []string{`5:"#define A 1 // one"`, `1:"char"`, `1:"c"`, `2:"="`, `3:"'x"`,
		`1:"int"`, `1:"d"`, `2:";"`, `4:"// two"`, "3:\"\\\"s\\\\\\r\\n t\\\"\"", `2:";"`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, " "), strings.Join(want, " "))
	}
}
