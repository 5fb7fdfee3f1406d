package sectionrt

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixtureSource is compiled by gcc 12 -O2 into (measured):
//
//	fx_table    .init.rodata  48 bytes      fx_wrong  .rodata
//	fx_count    .init.data    (fx_count.0, bump's static, in .bss)
//	fx_scale.constprop.0  .init.text        fx_plain.constprop.0  .text
//	fx_split    .init.text.split            fx_helper inlined away
//	fx_init     .init.text = init_module    fx_exit   .exit.text = cleanup_module
const fixtureSource = `
#define __sect(s) __attribute__((section(s)))
#define __init __sect(".init.text") __attribute__((cold))
#define __exit __sect(".exit.text") __attribute__((cold))
extern void ext(int);
extern void ext_ptr(const void *);

static const int fx_table[12] __sect(".init.rodata") = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static const int fx_wrong[4] = { 4, 3, 2, 1 };
static int fx_count __sect(".init.data") = 3;

static __attribute__((noinline)) __sect(".init.text") int fx_scale(int x, int k) { ext(k); return x * k + (x >> k); }
static __attribute__((noinline)) int fx_plain(int x, int k) { ext(k); return x * k + (x >> k); }
static int fx_helper(int x) { return x * 2; }

__sect(".init.text.split") int fx_split(int a) { return fx_scale(a, 3) + fx_plain(a, 5); }

static __init int fx_init(void)
{
	ext_ptr(fx_table);
	ext_ptr(fx_wrong);
	ext_ptr(&fx_count);
	return fx_scale(fx_count, 3) + fx_plain(1, 5) + fx_helper(fx_count);
}

static __exit void fx_exit(void) { ext(0); }

int init_module(void) __attribute__((alias("fx_init")));
void cleanup_module(void) __attribute__((alias("fx_exit")));

int bump(void) { static int fx_count; return ++fx_count; }
`

func fixture(t *testing.T) *Object {
	t.Helper()
	return mustOpen(t, compileC(t, "fixture.c", fixtureSource))
}

func exp(sym, kind, section string, line int) Expectation {
	return Expectation{Symbol: sym, Kind: kind, Section: section, File: "fixture.c", Line: line, Col: 1}
}

func TestPlacementClean(t *testing.T) {
	o := fixture(t)
	m := Manifest{Module: "fixture", Entries: []Expectation{
		{Symbol: "fx_table", Kind: "initconst", Section: ".init.rodata", Size: 48, File: "fixture.c", Line: 7, Col: 1},
		{Symbol: "fx_count", Kind: "initdata", Section: ".init.data", Size: 4, File: "fixture.c", Line: 9, Col: 1},
		exp("fx_scale", "init", ".init.text", 11), // only its clone exists
		exp("fx_split", "init", ".init.text", 15), // in .init.text.split
		{Symbol: "fx_init", Kind: "init", Section: ".init.text", Role: "module_init", File: "fixture.c", Line: 17, Col: 1},
		{Symbol: "fx_exit", Kind: "exit", Section: ".exit.text", Role: "module_exit", File: "fixture.c", Line: 25, Col: 1},
	}}
	if fs := CheckPlacement(o, m); len(fs) != 0 {
		t.Errorf("findings for a correct manifest:\n%s", join(fs))
	}
	fs, err := CheckFile(o.Name(), m)
	if err != nil || len(fs) != 0 {
		t.Errorf("CheckFile = %v, %v", fs, err)
	}
}

func join(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func TestPlacementFindings(t *testing.T) {
	o := fixture(t)
	// Entries out of order: findings come sorted by position.
	m := Manifest{Module: "fixture", Entries: []Expectation{
		{Symbol: "bump", Kind: "init", Section: ".init.text", Role: "module_init", File: "fixture.c", Line: 29, Col: 1},
		exp("fx_helper", "init", ".init.text", 13),
		exp("fx_plain", "init", ".init.text", 12),
		exp("fx_wrong", "initconst", ".init.rodata", 8),
		{Symbol: "fx_table", Kind: "initconst", Section: ".init.rodata", Size: 40, File: "fixture.c", Line: 7, Col: 1},
		exp("ext", "init", ".init.text", 4),
		exp("fx_scale", "exit", ".exit.text", 11),
		{Symbol: "fx_gone", Kind: "exit", Section: ".exit.text", Role: "module_exit", File: "fixture.c", Line: 30, Col: 1},
	}}
	got := CheckPlacement(o, m)
	want := []Finding{
		{Rule: RuleAbsent, Severity: Note, Symbol: "ext", Expected: ".init.text", Actual: "undefined", Annotation: "fixture.c:4:1",
			Message: "ext is referenced but not defined in the object (defined in another object?)"},
		{Rule: RuleSize, Severity: Error, Symbol: "fx_table", Expected: "40", Actual: "48", Annotation: "fixture.c:7:1",
			Message: "fx_table is 48 bytes, expected 40"},
		{Rule: RuleWrongSection, Severity: Error, Symbol: "fx_wrong", Expected: ".init.rodata", Actual: ".rodata", Annotation: "fixture.c:8:1",
			Message: "fx_wrong is in .rodata, expected .init.rodata (initconst)"},
		{Rule: RuleWrongSection, Severity: Error, Symbol: "fx_scale.constprop.0", Expected: ".exit.text", Actual: ".init.text", Annotation: "fixture.c:11:1",
			Message: "fx_scale.constprop.0 (a compiler clone of fx_scale) is in .init.text, expected .exit.text (exit)"},
		{Rule: RuleWrongSection, Severity: Error, Symbol: "fx_plain.constprop.0", Expected: ".init.text", Actual: ".text", Annotation: "fixture.c:12:1",
			Message: "fx_plain.constprop.0 (a compiler clone of fx_plain) is in .text, expected .init.text (init)"},
		{Rule: RuleAbsent, Severity: Note, Symbol: "fx_helper", Expected: ".init.text", Actual: "absent", Annotation: "fixture.c:13:1",
			Message: "fx_helper is not in the object (inlined or removed by the compiler)"},
		{Rule: RuleEntryAlias, Severity: Error, Symbol: "bump", Expected: ".text+0x20", Actual: ".init.text+0x17", Annotation: "fixture.c:29:1",
			Message: "init_module is at .init.text+0x17, expected the address of bump (.text+0x20): module_init registers another function"},
		{Rule: RuleWrongSection, Severity: Error, Symbol: "bump", Expected: ".init.text", Actual: ".text", Annotation: "fixture.c:29:1",
			Message: "bump is in .text, expected .init.text (init)"},
		{Rule: RuleAbsent, Severity: Note, Symbol: "fx_gone", Expected: ".exit.text", Actual: "absent", Annotation: "fixture.c:30:1",
			Message: "fx_gone is not in the object (inlined or removed by the compiler)"},
		{Rule: RuleEntryAlias, Severity: Error, Symbol: "fx_gone", Expected: "cleanup_module = fx_gone", Actual: ".exit.text+0x0", Annotation: "fixture.c:30:1",
			Message: "cleanup_module (at .exit.text+0x0) does not alias fx_gone, which is not in the object"},
	}
	for i := range want {
		want[i].Object = o.Name()
	}
	if !slices.Equal(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", join(got), join(want))
		for i := range max(len(got), len(want)) {
			if i < len(got) && i < len(want) && got[i] != want[i] {
				t.Errorf("first difference at %d:\n got %#v\nwant %#v", i, got[i], want[i])
				break
			}
		}
	}
	// Deterministic: the same again, and independent of entry order.
	slices.Reverse(m.Entries)
	if again := CheckPlacement(o, m); !slices.Equal(again, got) {
		t.Errorf("findings depend on manifest order:\n%s", join(again))
	}
}

func TestPlacementMissingAlias(t *testing.T) {
	o := mustOpen(t, compileC(t, "noalias.c", `
extern void ext(int);
static __attribute__((section(".init.text"), cold)) int na_init(void) { ext(1); return 0; }
int (*keep)(void) = na_init;
`))
	fs := CheckPlacement(o, Manifest{Entries: []Expectation{{Symbol: "na_init", Section: ".init.text", Role: "module_init", File: "noalias.c", Line: 3, Col: 1}}})
	if len(fs) != 1 || fs[0].Rule != RuleEntryAlias || fs[0].Actual != "no init_module" ||
		fs[0].Message != "init_module is not defined: module_init(na_init) is missing or the object was not built as a module" {
		t.Errorf("findings:\n%s", join(fs))
	}
}

// TestPlacementFileAttribution links two translation units with a static of
// the same name (as a multi-file module is linked with ld -r): each
// annotation is matched with the static of its own file.
func TestPlacementFileAttribution(t *testing.T) {
	a := compileC(t, "a.c", `static __attribute__((section(".init.text"))) int dup(int x) { return x + 1; }
int (*pa)(int) = dup;`)
	b := compileC(t, "b.c", `static int dup(int x) { return x + 2; }
int (*pb)(int) = dup;`)
	dir := t.TempDir()
	out := filepath.Join(dir, "ab.o")
	run(t, dir, "ld", "-r", "-o", out, a, b)
	o := mustOpen(t, out)
	if got := len(o.Lookup("dup")); got != 2 {
		t.Fatalf("Lookup(dup) has %d symbols, want 2", got)
	}
	m := Manifest{Entries: []Expectation{{Symbol: "dup", Section: ".init.text", File: "sub/a.c", Line: 1, Col: 1}}}
	if fs := CheckPlacement(o, m); len(fs) != 0 {
		t.Errorf("a.c's dup: %s", join(fs))
	}
	m.Entries[0].File = "b.c"
	fs := CheckPlacement(o, m)
	if len(fs) != 1 || fs[0].Rule != RuleWrongSection || fs[0].Actual != ".text" {
		t.Errorf("b.c's dup: %s", join(fs))
	}
}

func TestFindingString(t *testing.T) {
	f := Finding{Rule: RuleWrongSection, Severity: Error, Object: "hello.ko", Symbol: "hello_greetings",
		Expected: ".init.rodata", Actual: ".rodata", Annotation: "hello.c:17:1",
		Message: "hello_greetings is in .rodata, expected .init.rodata (initconst)"}
	if got, want := f.String(), "hello.c:17:1: error: hello_greetings is in .rodata, expected .init.rodata (initconst) [hello.ko]"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	f.Annotation = ""
	if got, want := f.String(), "hello.ko: error: hello_greetings is in .rodata, expected .init.rodata (initconst)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	f.Annotation = "hello.c:17:1"
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"rule":"placement/wrong-section","severity":"error","object":"hello.ko","symbol":"hello_greetings","expected":".init.rodata","actual":".rodata","annotation":"hello.c:17:1","message":"hello_greetings is in .rodata, expected .init.rodata (initconst)"}`
	if string(b) != want {
		t.Errorf("JSON:\n%s\nwant\n%s", b, want)
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

func TestSeverity(t *testing.T) {
	for s, want := range map[Severity]string{Error: "error", Warning: "warning", Note: "note"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q", s, s.String())
		}
		b, err := s.MarshalText()
		if err != nil || string(b) != want {
			t.Errorf("%d.MarshalText() = %q, %v", s, b, err)
		}
		var back Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	if _, err := Severity(0).MarshalText(); err == nil {
		t.Error("MarshalText of the zero Severity succeeded")
	}
	if Severity(0).String() != "Severity(0)" {
		t.Errorf("Severity(0).String() = %q", Severity(0).String())
	}
	var s Severity
	if err := s.UnmarshalText([]byte("fatal")); err == nil {
		t.Error("UnmarshalText(fatal) succeeded")
	}
}

func TestCheckFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := CheckFile(filepath.Join(dir, "missing.ko"), Manifest{}); err == nil || !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
	junk := filepath.Join(dir, "junk.ko")
	if err := os.WriteFile(junk, []byte("not elf at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckFile(junk, Manifest{}); err == nil || !strings.HasPrefix(err.Error(), junk+": not an ELF object") {
		t.Errorf("junk file: %v", err)
	}
}
