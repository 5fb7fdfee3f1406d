package annotate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// summary renders an annotation on one line for table comparisons:
// "DIRLINE:COL DIRECTIVE -> DECLLINE:COL KIND NAME FLAGS: TEXT".
func summary(a Annotation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:%d %s", a.Pos.Line, a.Pos.Col, a.Kind)
	if a.Initcall != "" {
		fmt.Fprintf(&b, " initcall=%s", a.Initcall)
	}
	if a.Entry {
		b.WriteString(" entry")
	}
	if a.Blob != "" {
		fmt.Fprintf(&b, " blob=%s", a.Blob)
	}
	if a.Reason != "" {
		fmt.Fprintf(&b, " reason=%q", a.Reason)
	}
	kind := map[DeclKind]string{DeclFunc: "func", DeclObject: "object", DeclExtern: "extern"}[a.Decl.Kind]
	fmt.Fprintf(&b, " -> %d:%d %s %s", a.Decl.Pos.Line, a.Decl.Pos.Col, kind, a.Decl.Name)
	if a.Decl.Static {
		b.WriteString(" static")
	}
	if a.Decl.Const {
		b.WriteString(" const")
	}
	if a.Decl.Array {
		b.WriteString(" array")
	}
	fmt.Fprintf(&b, ": %s", a.Decl.Text)
	return b.String()
}

// lineEndings runs each table case with LF and with CRLF line ends:
// positions must not change.
var lineEndings = []struct{ name, nl string }{{"LF", "\n"}, {"CRLF", "\r\n"}}

var scanTests = []struct {
	name string
	src  string
	want []string
}{
	{"function", `
//go:init-section init initcall=device
static int hello_init(void)
{
	return 0;
}
`, []string{"2:1 init initcall=device -> 3:1 func hello_init static: static int hello_init(void)"}},

	{"exit entry, non-static, brace on same line", `
//go:init-section exit entry
void hello_exit(void) {
}
`, []string{"2:1 exit entry -> 3:1 func hello_exit: void hello_exit(void)"}},

	{"attributes before the name", `
//go:init-section init
static __maybe_unused __printf(1, 2) void logf(const char *fmt, ...)
{
}
`, []string{"2:1 init -> 3:1 func logf static: static __maybe_unused __printf(1, 2) void logf(const char *fmt, ...)"}},

	{"__attribute__ and a multi-line declarator", `
//go:init-section init
__attribute__((cold)) static int
multi(int a,
      int b)
{
	return a + b;
}
`, []string{"2:1 init -> 3:1 func multi static: __attribute__((cold)) static int multi(int a, int b)"}},

	{"pointer return", `
//go:init-section init
static char *name_of(int i) { return 0; }
`, []string{"2:1 init -> 3:1 func name_of static: static char *name_of(int i)"}},

	{"function returning a function pointer", `
//go:init-section init
static int (*get(void))(int)
{
	return 0;
}
`, []string{"2:1 init -> 3:1 func get static: static int (*get(void))(int)"}},

	{"function pointer parameter, unknown macros, comment before the body", `
//go:init-section init
static MY_ATTR(x) int reg(int (*cb)(void *), void *arg) /* why */
{
	return cb(arg);
}
`, []string{"2:1 init -> 3:1 func reg static: static MY_ATTR(x) int reg(int (*cb)(void *), void *arg)"}},

	{"reserved-looking function name", `
//go:init-section init
static int __hello_setup(void) { return 0; }
`, []string{"2:1 init -> 3:1 func __hello_setup static: static int __hello_setup(void)"}},

	{"ref function", `
//go:init-section ref reason="only called before init memory is freed"
static noinline int probe_once(void) { return 0; }
`, []string{`2:1 ref reason="only called before init memory is freed" -> 3:1 func probe_once static: static noinline int probe_once(void)`}},

	{"scalar object", `
//go:init-section initdata
static int hello_count = ARRAY_SIZE(hello_greetings);
`, []string{"2:1 initdata -> 3:1 object hello_count static: static int hello_count"}},

	{"const array of structs over many lines", `
//go:init-section initconst
static const struct pci_device_id hello_ids[] = {
	{ PCI_DEVICE(0x1234, 0x5678), .driver_data = 1 },
	{ .vendor = 1, .device = 2 },
	{ }
};
`, []string{"2:1 initconst -> 3:1 object hello_ids static const array: static const struct pci_device_id hello_ids[]"}},

	{"array of pointers to const is not const", `
//go:init-section initdata
static const char *names[] = { "a", "b" };
`, []string{"2:1 initdata -> 3:1 object names static array: static const char *names[]"}},

	{"const array of const pointers", `
//go:init-section initconst
static const char * const names[] = { "a", "b" };
`, []string{"2:1 initconst -> 3:1 object names static const array: static const char * const names[]"}},

	{"aligned buffer", `
//go:init-section initdata
static u8 buf[16] __aligned(8) = { 0 };
`, []string{"2:1 initdata -> 3:1 object buf static array: static u8 buf[16] __aligned(8)"}},

	{"attributes after the name", `
//go:init-section initdata
static int x __maybe_unused = 1;
`, []string{"2:1 initdata -> 3:1 object x static: static int x __maybe_unused"}},

	{"reserved-looking object names", `
//go:init-section initdata
static int __count;
//go:init-section initdata
static u8 __buf[4];
//go:init-section initdata
static __le32 __raw;
`, []string{
		"2:1 initdata -> 3:1 object __count static: static int __count",
		"4:1 initdata -> 5:1 object __buf static array: static u8 __buf[4]",
		"6:1 initdata -> 7:1 object __raw static: static __le32 __raw",
	}},

	{"object without initialiser, pointers, typeof, enum", `
//go:init-section initdata
int exported_table[4];
//go:init-section exitdata
static struct foo *cur;
//go:init-section initdata
static typeof(int) tv;
//go:init-section initdata
static enum mode m = MODE_A;
//go:init-section initdata
static unsigned long long big;
`, []string{
		"2:1 initdata -> 3:1 object exported_table array: int exported_table[4]",
		"4:1 exitdata -> 5:1 object cur static: static struct foo *cur",
		"6:1 initdata -> 7:1 object tv static: static typeof(int) tv",
		"8:1 initdata -> 9:1 object m static: static enum mode m",
		"10:1 initdata -> 11:1 object big static: static unsigned long long big",
	}},

	{"function pointer objects", `
//go:init-section initconst
static int (* const op)(int) = do_op;
//go:init-section initdata
static const int (*fp)(int);
//go:init-section initdata
static void (*handlers[4])(void);
//go:init-section initdata
static char (*rowp)[8];
`, []string{
		"2:1 initconst -> 3:1 object op static const: static int (* const op)(int)",
		"4:1 initdata -> 5:1 object fp static: static const int (*fp)(int)",
		"6:1 initdata -> 7:1 object handlers static array: static void (*handlers[4])(void)",
		"8:1 initdata -> 9:1 object rowp static: static char (*rowp)[8]",
	}},

	{"const pointer object and const scalar", `
//go:init-section initconst
static char *const banner = "hi";
//go:init-section refconst reason="read by the probe path"
static int const limit = 3;
`, []string{
		"2:1 initconst -> 3:1 object banner static const: static char *const banner",
		`4:1 refconst reason="read by the probe path" -> 5:1 object limit static const: static int const limit`,
	}},

	{"extern with blob", `
//go:init-section initconst blob=firmware/table.bin
extern const u8 hello_table[];
`, []string{"2:1 initconst blob=firmware/table.bin -> 3:1 extern hello_table const array: extern const u8 hello_table[]"}},

	{"comments between directive and declaration", `
//go:init-section init
/* a block comment */
// a line comment
/*
 * a long one
 */
static int commented(void) { return 0; }
`, []string{"2:1 init -> 8:1 func commented static: static int commented(void)"}},

	{"block comment before the declaration on its line", `
//go:init-section initdata
/* c */ static int after_comment;
`, []string{"2:1 initdata -> 3:9 object after_comment static: static int after_comment"}},

	{"comments inside the head are dropped", `
//go:init-section init
static /* why */ int
	commented(void) // trailing
{
}
`, []string{"2:1 init -> 3:1 func commented static: static int commented(void)"}},

	{"indented directive", "\n\t//go:init-section initdata\n\tstatic int indented;\n",
		[]string{"2:2 initdata -> 3:2 object indented static: static int indented"}},

	{"braces, semicolons and directives inside literals and comments", `
//go:init-section init
static int tricky(void)
{
	const char *s = "}{;//go:init-section exit";
	char c = '}';
	char q = '\'';
	char d = '"';
	/* } //go:init-section exit */
	// }
	return s[0] + c + q + d;
}
//go:init-section initdata
static int after_tricky;
`, []string{
		"2:1 init -> 3:1 func tricky static: static int tricky(void)",
		"13:1 initdata -> 14:1 object after_tricky static: static int after_tricky",
	}},

	// A directive in a block comment is an error: testdata/errors/nearmiss.c.
	{"directive text in a string is not a directive", `
static const char doc[] = "\
//go:init-section init\n";
static char q = '"';
//go:init-section initdata
static int real;
`, []string{"5:1 initdata -> 6:1 object real static: static int real"}},

	{"line comment continued by a backslash swallows the next line", `
// a comment that goes on \
//go:init-section init
static int not_annotated(void) { return 0; }
`, nil},

	{"preprocessor lines with braces and continuations", `
#define OPEN {
#define GREETING "hi \
there }"
#define BODY(x) do { \
	x; \
} while (0)
//go:init-section init
static int after_pp(void)
{
	return 0;
}
`, []string{"8:1 init -> 9:1 func after_pp static: static int after_pp(void)"}},

	{"#if 0 is a preprocessor line like any other", `
#if 0
//go:init-section init
static int disabled(void) { return 0; }
#endif
`, []string{"3:1 init -> 4:1 func disabled static: static int disabled(void)"}},

	{"#ifdef inside an initialiser", `
//go:init-section initconst
static const struct pci_device_id ids[] = {
#ifdef CONFIG_FOO
	{ PCI_DEVICE(1, 2) },
#endif
	{ }
};
`, []string{"2:1 initconst -> 3:1 object ids static const array: static const struct pci_device_id ids[]"}},

	{"unannotated code with nested braces around", `
struct hello_greeting {
	const char *lang;
	const char *text;
};
static int helper(int x) { if (x) { return 1; } return 0; }
//go:init-section exit entry
static void bye(void) { }
MODULE_LICENSE("GPL");
`, []string{"7:1 exit entry -> 8:1 func bye static: static void bye(void)"}},

	{"header: static inline", `
#ifndef HELLO_H
#define HELLO_H
//go:init-section init
static inline int hello_setup(void) { return 0; }
#endif
`, []string{"4:1 init -> 5:1 func hello_setup static: static inline int hello_setup(void)"}},

	{"#ifdef branches that each open a brace", `
#ifdef CONFIG_X
static int pick(int a)
{
#else
static int pick(void)
{
#endif
	return 0;
}
//go:init-section init
static int branches(int a)
{
#ifdef CONFIG_Y
	if (a) {
#else
	if (!a) {
#endif
		a++;
	}
	return a;
}
//go:init-section initdata
static int after_branches;
`, []string{
		"11:1 init -> 12:1 func branches static: static int branches(int a)",
		"23:1 initdata -> 24:1 object after_branches static: static int after_branches",
	}},

	{"extern \"C\" in a header shared with C++", `
#ifdef __cplusplus
extern "C" {
#endif
//go:init-section initconst blob=t.bin
extern const unsigned char t_bin[];
#ifdef __cplusplus
}
#endif
`, []string{"5:1 initconst blob=t.bin -> 6:1 extern t_bin const array: extern const unsigned char t_bin[]"}},

	{"no directives", "int main(void) { return 0; }\n", nil},
	{"empty file", "", nil},
	{"no final newline", "//go:init-section initdata\nstatic int x;", []string{"1:1 initdata -> 2:1 object x static: static int x"}},
}

func TestScanC(t *testing.T) {
	for _, le := range lineEndings {
		for _, tt := range scanTests {
			t.Run(le.name+"/"+tt.name, func(t *testing.T) {
				src := strings.ReplaceAll(tt.src, "\n", le.nl)
				anns, err := ScanC("t.c", []byte(src))
				if err != nil {
					t.Fatalf("ScanC: %v", err)
				}
				var got []string
				for _, a := range anns {
					got = append(got, summary(a))
					if a.Pos.File != "t.c" || a.Decl.Pos.File != "t.c" {
						t.Errorf("positions %v, %v: want file t.c", a.Pos, a.Decl.Pos)
					}
				}
				if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
					t.Errorf("got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
				}
			})
		}
	}
}

func TestScanHelloExample(t *testing.T) {
	const path = "../examples/hello/hello.c"
	anns, err := ScanFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"17:1 initconst -> 18:1 object hello_greetings static const array: static const struct hello_greeting hello_greetings[]",
		"24:1 initdata -> 25:1 object hello_count static: static int hello_count",
		"27:1 init initcall=device -> 28:1 func hello_init static: static int hello_init(void)",
		"38:1 exit entry -> 39:1 func hello_exit static: static void hello_exit(void)",
	}
	var got []string
	for _, a := range anns {
		got = append(got, summary(a))
		if a.Pos.File != path {
			t.Errorf("Pos.File = %q, want %q", a.Pos.File, path)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	if err := CheckModule(anns); err != nil {
		t.Errorf("CheckModule: %v", err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := HasTrailer(src, "hello.initsec.h"); !ok {
		t.Errorf("HasTrailer(hello.c) = false, want true")
	}
}

func TestScanFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ScanFile(dir + "/missing.c"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ScanFile(missing) = %v, want ErrNotExist", err)
	}
	if _, err := ScanFile(dir + "/x.S"); err == nil || !strings.Contains(err.Error(), "unsupported file type") {
		t.Errorf("ScanFile(x.S) = %v, want unsupported file type", err)
	}
	big := dir + "/big.c"
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ScanFile(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ScanFile(big) = %v, want ErrTooLarge", err)
	}
	if _, err := ScanC("big.c", make([]byte, MaxFileSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ScanC(big) = %v, want ErrTooLarge", err)
	}
}

// TestScanCErrorFiles scans each testdata/errors/*.c, with LF and with CRLF
// line ends: the errors must be the ones its want comments expect (see
// checkWants), and print as in its .golden file, whatever the line ends.
func TestScanCErrorFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.c")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, le := range lineEndings {
			t.Run(le.name+"/"+filepath.Base(name), func(t *testing.T) {
				src := bytes.ReplaceAll(src, []byte("\n"), []byte(le.nl))
				anns, err := ScanC(name, src)
				if anns != nil {
					t.Errorf("ScanC returned annotations with errors: %v", anns)
				}
				var list ErrorList
				if !errors.As(err, &list) {
					t.Fatalf("ScanC error = %v, want ErrorList", err)
				}
				checkWants(t, name, src, list)
				checkGolden(t, name+".golden", list.Error()+"\n")
			})
		}
	}
}
