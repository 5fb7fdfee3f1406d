package annotate

import (
	"errors"
	"strings"
	"testing"
)

var isDirectiveTests = []struct {
	in   string
	want bool
}{
	{"//go:init-section", true},
	{"//go:init-section init", true},
	{"//go:init-section\tinit", true},
	{"//go:init-section init\n", true},
	{"//go:init-section init\r\n", true},
	{"//go:init-section \r\n", true},
	{"//go:init-sectioninit", false},
	{"//go:init-sections init", false},
	{"//go:init-section:init", false},
	{"// go:init-section init", false},
	{" //go:init-section init", false}, // callers strip indentation
	{"//go:init-section init\nstatic int x;", false},
	{"/*go:init-section init*/", false},
	{"//go:init", false},
	{"", false},
}

func TestIsDirective(t *testing.T) {
	for _, le := range lineEndings {
		for _, tt := range isDirectiveTests {
			in := strings.ReplaceAll(tt.in, "\n", le.nl)
			if got := IsDirective(in); got != tt.want {
				t.Errorf("IsDirective(%q) = %v, want %v", in, got, tt.want)
			}
		}
	}
}

// lineEnds are what may follow a directive's text when it is taken from a
// file: nothing, LF or CRLF. Results and columns must not change.
var lineEnds = []string{"", "\n", "\r\n"}

var parseDirectiveTests = []struct {
	in   string
	want Directive // Pos is filled in by the test
}{
	{"//go:init-section init", Directive{Kind: KindInit}},
	{"//go:init-section init initcall=device", Directive{Kind: KindInit, Initcall: "device"}},
	{"//go:init-section   init   initcall=late  ", Directive{Kind: KindInit, Initcall: "late"}},
	{"//go:init-section\tinit\tinitcall=early", Directive{Kind: KindInit, Initcall: "early"}},
	{"//go:init-section init initcall=rootfs\r", Directive{Kind: KindInit, Initcall: "rootfs"}},
	{"//go:init-section exit entry\n", Directive{Kind: KindExit, Entry: true}},
	{"//go:init-section exit", Directive{Kind: KindExit}},
	{"//go:init-section initdata", Directive{Kind: KindInitData}},
	{"//go:init-section exitdata", Directive{Kind: KindExitData}},
	{"//go:init-section initconst blob=firmware/table.bin", Directive{Kind: KindInitConst, Blob: "firmware/table.bin"}},
	{`//go:init-section initconst blob="dir with space/t.bin"`, Directive{Kind: KindInitConst, Blob: "dir with space/t.bin"}},
	{"//go:init-section initconst blob=`raw/t.bin`", Directive{Kind: KindInitConst, Blob: "raw/t.bin"}},
	{`//go:init-section ref reason="called only from init, see foo()"`, Directive{Kind: KindRef, Reason: "called only from init, see foo()"}},
	{`//go:init-section refdata reason="a \"quoted\" word" `, Directive{Kind: KindRefData, Reason: `a "quoted" word`}},
	{"//go:init-section refconst reason=`raw \\ text`", Directive{Kind: KindRefConst, Reason: `raw \ text`}},
	{"//go:init-section initdata c=my_table", Directive{Kind: KindInitData, CName: "my_table"}},
	{"//go:init-section init initcall=subsys", Directive{Kind: KindInit, Initcall: "subsys"}},
}

func TestParseDirective(t *testing.T) {
	pos := Pos{File: "f.c", Line: 3, Col: 5}
	for _, end := range lineEnds {
		for _, tt := range parseDirectiveTests {
			testParseDirective(t, strings.TrimSuffix(tt.in, "\n")+end, pos, tt.want)
		}
	}
}

func testParseDirective(t *testing.T, in string, pos Pos, want Directive) {
	t.Helper()
	got, err := ParseDirective(in, pos)
	if err != nil {
		t.Errorf("ParseDirective(%q): %v", in, err)
		return
	}
	want.Pos = pos
	if got != want {
		t.Errorf("ParseDirective(%q) = %+v, want %+v", in, got, want)
	}
}

var parseDirectiveErrorTests = []struct {
	in   string
	col  int // with the directive at column 1
	msg  string
	hint string // substring
}{
	{"// go:init-section init", 1, "not a //go:init-section directive", "exactly //go:init-section"},
	{"//go:init-section", 18, "missing kind", "valid kinds: init, exit, initdata"},
	{"//go:init-section   ", 21, "missing kind", "valid kinds:"},
	{"//go:init-section initt", 19, `unknown kind "initt"`, "did you mean init?"},
	{"//go:init-section __initconst", 19, `unknown kind "__initconst"`, "did you mean initconst?"},
	{"//go:init-section Exit", 19, `unknown kind "Exit"`, "did you mean exit?"},
	{"//go:init-section bogus", 19, `unknown kind "bogus"`, "valid kinds: init, exit, initdata, initconst, exitdata, ref, refdata, refconst"},
	{"//go:init-section initcall=device", 19, "missing kind before option initcall", "the kind comes first"},
	{"//go:init-section entry", 19, "missing kind before option entry", "the kind comes first"},
	{"//go:init-section init=device", 19, "kind init takes no value", "write the kind alone"},
	{"//go:init-section init foo", 24, `unknown option "foo"`, `options: initcall=LEVEL, entry, blob=PATH, reason="...", c=NAME`},
	{"//go:init-section init initcal=device", 24, `unknown option "initcal"`, "did you mean initcall?"},
	{"//go:init-section init initcall=device initcall=late", 40, "duplicate option initcall", "is already given at column"},
	{"//go:init-section exit entry entry", 30, "duplicate option entry", "is already given at column"},
	{"//go:init-section init initcall", 24, "option initcall needs a value", "levels: early, pure"},
	{"//go:init-section init initcall=", 24, "option initcall needs a value", "levels:"},
	{"//go:init-section exit entry=1", 24, "option entry takes no value", "write entry alone"},
	{"//go:init-section init initcall=devices", 33, `unknown initcall level "devices"`, "did you mean device?"},
	{"//go:init-section init initcall=device_initcall", 33, `unknown initcall level "device_initcall"`, "did you mean device?"},
	{"//go:init-section init initcall=module", 33, `unknown initcall level "module"`, "module_init is device_initcall"},
	{"//go:init-section init initcall=nonsense", 33, `unknown initcall level "nonsense"`, "levels: early, pure, core, postcore, arch, subsys, fs, rootfs, device, late"},
	{"//go:init-section exit initcall=late", 24, "initcall= on kind exit", "use it with init"},
	{"//go:init-section init entry", 24, "entry on kind init", "use it with exit"},
	{"//go:init-section ref", 19, "kind ref needs reason=", `add reason="..."`},
	{"//go:init-section refdata blob=x.bin", 19, "kind refdata needs reason=", `add reason=`},
	{`//go:init-section initdata reason="x"`, 28, "reason= on kind initdata", "ref, refdata or refconst"},
	{`//go:init-section ref reason="unterminated`, 30, "malformed quoted string", "Go-quoted string"},
	{`//go:init-section ref reason="bad \q escape"`, 30, "malformed quoted string", "Go-quoted string"},
	{`//go:init-section ref reason=bare`, 30, "reason must be a Go-quoted string", `reason="why`},
	{`//go:init-section ref reason=`, 23, "option reason needs a value", `reason="why`},
	{`//go:init-section ref reason="a"b`, 33, "unexpected text after quoted string", "white space"},
	{`//go:init-section ref reason=""`, 30, "empty reason", "say why"},
	{`//go:init-section ref reason="a\nb"`, 30, "reason contains a control character", "one line"},
	{"//go:init-section initconst blob=", 29, "option blob needs a value", "blob=PATH"},
	{`//go:init-section initconst blob=""`, 29, "option blob needs a value", "blob=PATH"},
	{"//go:init-section initconst blob=/etc/passwd", 34, "blob= path is absolute", "relative to the module directory"},
	{"//go:init-section initconst blob=../x.bin", 34, "blob= path leaves the module directory", "inside the module"},
	{"//go:init-section initconst blob=a/../../x.bin", 34, "blob= path leaves the module directory", "inside the module"},
	{`//go:init-section initconst blob="a\"b"`, 34, "blob= path contains a quote, backslash or control character", ".incbin"},
	{"//go:init-section initdata c=1abc", 30, `invalid C name "1abc"`, "C identifier"},
}

func TestParseDirectiveErrors(t *testing.T) {
	// Each case runs with the directive at column 1 and indented to column
	// 9: error columns follow the directive's position.
	for _, shift := range []int{0, 8} {
		pos := Pos{File: "f.c", Line: 7, Col: 1 + shift}
		for _, tt := range parseDirectiveErrorTests {
			for _, end := range lineEnds {
				testParseDirectiveError(t, tt.in+end, pos, tt.col+shift, tt.msg, tt.hint)
			}
		}
	}
}

func testParseDirectiveError(t *testing.T, in string, pos Pos, col int, msg, hint string) {
	t.Helper()
	_, err := ParseDirective(in, pos)
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("ParseDirective(%q) = %v, want *Error", in, err)
		return
	}
	want := Pos{File: "f.c", Line: 7, Col: col}
	if e.Pos != want || e.Msg != msg || !strings.Contains(e.Hint, hint) {
		t.Errorf("ParseDirective(%q) at col %d:\n got %v: %s (hint: %s)\nwant %v: %s (hint containing %q)",
			in, pos.Col, e.Pos, e.Msg, e.Hint, want, msg, hint)
	}
}

// TestParseDirectiveHintsExact pins whole hints where a list of valid words
// is built, so that no list is printed twice.
func TestParseDirectiveHintsExact(t *testing.T) {
	for _, tt := range []struct{ in, hint string }{
		{"//go:init-section init initcall=nonsense", "levels: early, pure, core, postcore, arch, subsys, fs, rootfs, device, late"},
		{"//go:init-section init initcall=devices", "did you mean device? levels: early, pure, core, postcore, arch, subsys, fs, rootfs, device, late"},
		{"//go:init-section bogus", "valid kinds: init, exit, initdata, initconst, exitdata, ref, refdata, refconst"},
		{"//go:init-section init foo", `options: initcall=LEVEL, entry, blob=PATH, reason="...", c=NAME`},
		{"//go:init-section init initcal=x", `did you mean initcall? options: initcall=LEVEL, entry, blob=PATH, reason="...", c=NAME`},
	} {
		_, err := ParseDirective(tt.in, Pos{File: "f.c", Line: 1, Col: 1})
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("ParseDirective(%q) = %v, want *Error", tt.in, err)
			continue
		}
		if e.Hint != tt.hint {
			t.Errorf("ParseDirective(%q) hint:\n got %q\nwant %q", tt.in, e.Hint, tt.hint)
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Pos: Pos{File: "a.c", Line: 2, Col: 3}, Msg: "bad", Hint: "fix it"}
	if got, want := e.Error(), "a.c:2:3: bad (hint: fix it)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	l := ErrorList{e, {Pos: Pos{Line: 4, Col: 1}, Msg: "worse"}}
	if got, want := l.Error(), "a.c:2:3: bad (hint: fix it)\n4:1: worse"; got != want {
		t.Errorf("ErrorList.Error() = %q, want %q", got, want)
	}
}

func TestPosCompare(t *testing.T) {
	ordered := []Pos{{"", 9, 9}, {"a.c", 1, 1}, {"a.c", 1, 2}, {"a.c", 2, 1}, {"a.c", 10, 1}, {"b.c", 1, 1}}
	for i, p := range ordered {
		for j, q := range ordered {
			if got, want := p.Compare(q), min(max(i-j, -1), 1); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", p, q, got, want)
			}
		}
	}
}

func TestErrorListSortIsStable(t *testing.T) {
	l := ErrorList{
		{Pos: Pos{"b.c", 1, 1}, Msg: "b"},
		{Pos: Pos{"a.c", 2, 5}, Msg: "found first"},
		{Pos: Pos{"a.c", 2, 1}, Msg: "a"},
		{Pos: Pos{"a.c", 2, 5}, Msg: "found later"},
	}
	l.Sort()
	want := "a.c:2:1: a\na.c:2:5: found first\na.c:2:5: found later\nb.c:1:1: b"
	if got := l.Error(); got != want {
		t.Errorf("sorted:\n%s\nwant:\n%s", got, want)
	}
}
