package annotate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goSummary renders a GoVar on one line for table comparisons:
// "DIRLINE:COL KIND -> NAMELINE:COL Name=cname TYPE SHAPE LEN: values".
func goSummary(v GoVar) string {
	shape := map[GoShape]string{GoScalar: "scalar", GoArray: "array", GoString: "string"}[v.Shape]
	s := fmt.Sprintf("%d:%d %s -> %d:%d %s=%s %s %s %d size %d", v.Directive.Pos.Line, v.Directive.Pos.Col, v.Kind,
		v.Pos.Line, v.Pos.Col, v.Name, v.CName, v.Type.C(), shape, v.Len(), v.Size())
	if v.Shape == GoString {
		return s + fmt.Sprintf(": %q", v.Str)
	}
	vals := v.Values
	if len(vals) > 6 {
		vals = vals[:6]
	}
	return s + fmt.Sprintf(": %#x", vals)
}

var goScanTests = []struct {
	name string
	src  string
	want []string
}{
	{"array of uint32", `package t

//go:init-section initconst
var CRC32Table = [4]uint32{0, 0x77073096, 0xee0e612c, 0x990951ba}
`, []string{"3:1 initconst -> 4:5 CRC32Table=crc32_table u32 array 4 size 16: [0x0 0x77073096 0xee0e612c 0x990951ba]"}},

	{"constant expressions, named type, keyed elements, slice", `package t

import "math"

type reg uint16

const base = 0x100

// Registers poked once at init.
//go:init-section initdata c=init_regs
var regs = []reg{base + 1, 5: base << 2, math.MaxUint16}
`, []string{"10:1 initdata -> 11:5 regs=init_regs u16 array 7 size 14: [0x101 0x0 0x0 0x0 0x0 0x400]"}},

	{"scalars, string, bool, signed, zero value, var group", `package t

var (
	//go:init-section initconst
	Banner = "hello, " + "world"

	//go:init-section initconst
	Magic uint64 = 1<<64 - 1

	//go:init-section initdata
	Debug = true
)

//go:init-section initconst
var Deltas = [...]int8{-1, 2, -128}

//go:init-section initdata
var Scratch [3]int64
`, []string{
		"4:2 initconst -> 5:2 Banner=banner char string 12 size 13: \"hello, world\"",
		"7:2 initconst -> 8:2 Magic=magic u64 scalar 1 size 8: [0xffffffffffffffff]",
		"10:2 initdata -> 11:2 Debug=debug bool scalar 1 size 1: [0x1]",
		"14:1 initconst -> 15:5 Deltas=deltas s8 array 3 size 3: [0xffffffffffffffff 0x2 0xffffffffffffff80]",
		"17:1 initdata -> 18:5 Scratch=scratch s64 array 3 size 24: [0x0 0x0 0x0]",
	}},

	{"no directives", "package t\n\nvar x = 1\n", nil},
}

func TestScanGo(t *testing.T) {
	for _, tc := range goScanTests {
		for _, le := range lineEndings {
			t.Run(tc.name+"/"+le.name, func(t *testing.T) {
				src := strings.ReplaceAll(tc.src, "\n", le.nl)
				vars, err := ScanGo([]GoFile{{Name: "tables/t.go", Src: []byte(src)}})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, v := range vars {
					got = append(got, goSummary(v))
					if v.Directive.Pos.File != "tables/t.go" || v.Pos.File != "tables/t.go" {
						t.Errorf("position file = %q, %q", v.Directive.Pos.File, v.Pos.File)
					}
				}
				if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
					t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				}
			})
		}
	}
}

var goScanErrorTests = []struct {
	name, src string
	want      []string // "line:col: substring of message"
}{
	{"not constant", `package t

func f() uint32 { return 1 }

var n uint32 = 3

//go:init-section initconst
var T = [3]uint32{1, f(), n}
`, []string{"8:22: element 1 of T is not a constant", "8:27: element 2 of T is not a constant"}},
	{"scalar not constant", `package t

var n = 3

//go:init-section initconst
var M = int32(n)
`, []string{"6:9: value of M is not a constant"}},
	{"not a composite literal", `package t

var base = [2]uint8{1, 2}

//go:init-section initconst
var T = base
`, []string{"6:9: value of T is not a composite literal"}},
	{"int is refused", `package t

//go:init-section initconst
var T = []int{1, 2}
`, []string{"4:5: unsupported type []int"}},
	{"float is refused", `package t

//go:init-section initconst
var F = 1.5
`, []string{"4:5: unsupported type float64"}},
	{"array of strings refused", `package t

//go:init-section initconst
var S = [2]string{"a", "b"}
`, []string{"4:5: unsupported type [2]string"}},
	{"struct refused", `package t

//go:init-section initconst
var S = struct{ A uint8 }{1}
`, []string{"4:5: unsupported type struct{A uint8}"}},
	{"kind init", `package t

//go:init-section init
var T = [1]uint8{1}
`, []string{"3:19: kind init does not apply to a Go var"}},
	{"blob in Go", `package t

//go:init-section initconst blob=x.bin
var T = [1]uint8{1}
`, []string{"3:29: blob= applies to C extern declarations only"}},
	{"blank line", `package t

//go:init-section initconst

var T = [1]uint8{1}
`, []string{"3:1: directive has no package-level var under it"}},
	{"above a func", `package t

//go:init-section initconst
func f() {}
`, []string{"3:1: directive above a func declaration"}},
	{"above a const", `package t

//go:init-section initconst
const C = 1
`, []string{"3:1: directive above a const declaration"}},
	{"inside a function", `package t

func f() {
	//go:init-section initconst
	var T = [1]uint8{1}
	_ = T
}
`, []string{"4:2: directive has no package-level var under it"}},
	{"above a group", `package t

//go:init-section initconst
var (
	A = "a"
)
`, []string{"3:1: directive above a var group"}},
	{"two names", `package t

//go:init-section initconst
var A, B = "a", "b"
`, []string{"4:8: annotated var declares more than one name"}},
	{"not alone", `package t

var A = "a" //go:init-section initconst
`, []string{"3:13: directive is not alone on its line"}},
	{"malformed", `package t

// go:init-section initconst
var A = "a"
`, []string{"3:1: malformed directive"}},
	{"misspelt", `package t

//go:initsection initconst
var A = "a"
`, []string{"3:1: malformed directive \"//go:initsection initconst\""}},
	{"block comment", `package t

/* go:init-section initconst */
var A = "a"

/*
 * go:init-section initdata c=b_tab
 */
var B = "b"

/*
 * go:init-section vars are tables; this one is not.
 * See the //go:init-section directive.
 */
// go:init-section directives live in doc comments.
var C = "c"
`, []string{"3:4: directive in a block comment", "7:4: directive in a block comment"}},
	{"block comment with CRLF", "package t\r\n\r\n/*\r\n\r\n * go:init-section initconst\r\n */\r\nvar A = \"a\"\r\n",
		[]string{"5:4: directive in a block comment"}},
	{"two directives", `package t

//go:init-section initconst
//go:init-section initdata
var A = "a"
`, []string{"4:1: second directive above A"}},
	{"C name clash", `package t

//go:init-section initconst
var CRCTable = [1]uint8{1}

//go:init-section initconst
var crcTable = [1]uint8{1}
`, []string{"6:1: crcTable and CRCTable (at tables/t.go:3:1) both become C symbol crc_table"}},
	{"C name is a keyword", `package t

//go:init-section initconst
var Int = "x"
`, []string{"3:1: C name int is a C keyword or type"}},
	{"string with NUL", `package t

//go:init-section initconst
var S = "a\x00b"
`, []string{"4:5: string S contains a NUL byte"}},
	{"empty slice", `package t

//go:init-section initconst
var S = []uint8{}
`, []string{"4:5: S is empty"}},
	{"type error", `package t

//go:init-section initconst
var S = [1]uint8{300}
`, []string{"4:18: cannot use 300"}},
	{"syntax error", `package t

//go:init-section initconst
var S = [2]uint8{1 2}
`, []string{"4:20: missing ',' in composite literal"}},
	{"non-std import", `package t

import "example.com/x"

//go:init-section initconst
var S = x.A
`, []string{"3:8: could not import example.com/x"}},
	{"bad c= name", `package t

//go:init-section initconst c=9x
var S = "a"
`, []string{"3:31: invalid C name"}},
}

func TestScanGoErrors(t *testing.T) {
	for _, tc := range goScanErrorTests {
		for _, le := range lineEndings {
			t.Run(tc.name+"/"+le.name, func(t *testing.T) {
				src := strings.ReplaceAll(tc.src, "\n", le.nl)
				vars, err := ScanGo([]GoFile{{Name: "tables/t.go", Src: []byte(src)}})
				if vars != nil {
					t.Errorf("vars = %v, want nil with an error", vars)
				}
				var el ErrorList
				if !errors.As(err, &el) {
					t.Fatalf("err = %v, want ErrorList", err)
				}
				if len(el) != len(tc.want) {
					t.Fatalf("got %d errors, want %d:\n%v", len(el), len(tc.want), err)
				}
				for i, e := range el {
					pos, msg, _ := strings.Cut(tc.want[i], ": ")
					if got := fmt.Sprintf("%d:%d", e.Pos.Line, e.Pos.Col); got != pos || !strings.Contains(e.Msg, msg) {
						t.Errorf("error %d = %v, want %s: %s", i, e, pos, msg)
					}
					if e.Pos.File != "tables/t.go" {
						t.Errorf("error %d file = %q", i, e.Pos.File)
					}
					if e.Hint == "" {
						t.Errorf("error %d has no hint: %v", i, e)
					}
				}
			})
		}
	}
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"CRC32Table": "crc32_table", "CRCTable": "crc_table", "crcTable": "crc_table", "Banner": "banner",
		"HTTPServer": "http_server", "x": "x", "already_snake": "already_snake", "ID": "id", "Table2": "table2",
	} {
		if got := SnakeCase(in); got != want {
			t.Errorf("SnakeCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScanGoDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.go", "package tables\n\n//go:init-section initconst\nvar A = [2]uint8{1, 2}\n")
	// Excluded from the package: a test file and an ignored generator.
	write("a_test.go", "package tables\n\n//go:init-section initconst\nvar B = [2]uint8{1, 2}\n")
	write("gen.go", "//go:build ignore\n\npackage main\n\n//go:init-section initconst\nvar C = 1\n")
	vars, err := ScanGoDir(dir, "tables")
	if err != nil {
		t.Fatal(err)
	}
	if len(vars) != 1 || vars[0].Name != "A" || vars[0].Directive.Pos.String() != "tables/a.go:3:1" {
		t.Errorf("vars = %+v", vars)
	}
	empty := t.TempDir()
	if vars, err := ScanGoDir(empty, "tables"); vars != nil || err != nil {
		t.Errorf("empty dir: %v, %v", vars, err)
	}
}
