package convert

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/internal/srctree"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// report renders a conversion's output, changes and skips as one golden file.
func report(f *File) []byte {
	var b bytes.Buffer
	b.Write(f.New)
	b.WriteString("---- changes\n")
	for _, c := range f.Changes {
		fmt.Fprintf(&b, "%s: %s %s -> %s %v\n", c.Pos, c.Macro, c.Symbol, c.Directive, c.Removed)
	}
	b.WriteString("---- left as they are\n")
	for _, s := range f.Skips {
		fmt.Fprintln(&b, s)
	}
	return b.Bytes()
}

// TestGolden converts testdata/golden/*.c and the vendored kernel samples
// and compares with *.golden byte for byte (run with -update to rewrite).
// Every output must scan with annotate, and converting it again must
// change nothing.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.c")
	samples, _ := filepath.Glob("testdata/kernel/*/*.c")
	for _, p := range append(files, samples...) {
		t.Run(p, func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			f := ConvertFile(filepath.Base(p), src)
			got := report(f)
			golden := strings.TrimSuffix(p, ".c") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -update):\n%s", golden, got)
			}
			if _, err := annotate.ScanC(p, f.New); err != nil {
				t.Errorf("output does not scan: %v", err)
			}
			again := ConvertFile(filepath.Base(p), f.New)
			if !bytes.Equal(again.New, f.New) || len(again.Changes) > 0 {
				t.Errorf("second conversion changed the file:\n%s", again.New)
			}
		})
	}
}

func TestCRLF(t *testing.T) {
	src, _ := os.ReadFile("testdata/golden/crlf.c")
	f := ConvertFile("crlf.c", src)
	if len(f.Changes) != 1 {
		t.Fatalf("changes = %v, skips = %v", f.Changes, f.Skips)
	}
	if n := bytes.Count(f.New, []byte("\n")); n != bytes.Count(f.New, []byte("\r\n")) {
		t.Errorf("a bare LF in a CRLF file:\n%q", f.New)
	}
	if !bytes.Contains(f.New, []byte("//go:init-section init initcall=device\r\nstatic int crlf_init(void)\r\n")) {
		t.Errorf("directive not written with CRLF:\n%q", f.New)
	}
}

// TestSkips checks that each case convert cannot handle is listed where
// it is, and left in the source.
func TestSkips(t *testing.T) {
	src, _ := os.ReadFile("testdata/golden/skips.c")
	f := ConvertFile("skips.c", src)
	want := []struct {
		line int
		what string
		why  string
	}{
		{5, "__init", "preprocessor line"},
		{6, "__init", "prototype"},
		{7, "__initconst", "needs a const object"},
		{8, "__init", "parentheses"},
		{9, "__init", "several"},
		{9, "__exit", "several"},
		{11, "__init", "#if"},
		{14, "__exit_p", "no directive form"},
		{15, "__ref", "reason="},
		{22, "module_init(helper)", "shares its line"},
		{23, "module_exit(plain_exit)", "not an __init/__exit function"},
		{24, "late_initcall_sync(helper)", "no level"},
	}
	for _, w := range want {
		found := false
		for _, s := range f.Skips {
			if s.Pos.Line == w.line && s.What == w.what && strings.Contains(s.Why, w.why) {
				found = true
			}
		}
		if !found {
			t.Errorf("no skip %d %s (%s); got:\n%v", w.line, w.what, w.why, f.Skips)
		}
	}
	if len(f.Changes) != 1 || f.Changes[0].Symbol != "helper" {
		t.Errorf("changes = %+v, want helper only", f.Changes)
	}
	for _, keep := range []string{"#define MY_INIT __init", "static int __init helper(void);", "__exit_p(plain_exit)", "module_init(helper); /* registered here */"} {
		if !bytes.Contains(f.New, []byte(keep)) {
			t.Errorf("%q was changed", keep)
		}
	}
}

// TestWriteAllOrNothing makes the second file's write fail and checks that
// no file changed.
func TestWriteAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.c", "b.c"} {
		src := "static int __init " + strings.TrimSuffix(name, ".c") + "_init(void) { return 0; }\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Dir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changed()) != 2 {
		t.Fatalf("changed %d files, want 2", len(res.Changed()))
	}
	srctree.TestHookWriteTemp = func(p string) error {
		if filepath.Base(p) == "b.c" {
			return errors.New("disk full")
		}
		return nil
	}
	defer func() { srctree.TestHookWriteTemp = nil }()
	if err := res.Write(); err == nil {
		t.Fatal("Write succeeded")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("temporary files left: %v", ents)
	}
	for _, f := range res.Files {
		got, _ := os.ReadFile(filepath.Join(dir, f.Path))
		if !bytes.Equal(got, f.Old) {
			t.Errorf("%s changed:\n%s", f.Path, got)
		}
	}
	srctree.TestHookWriteTemp = nil
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	again, _ := Dir(dir)
	if len(again.Changed()) != 0 {
		t.Errorf("converting twice changed %v", again.Changed())
	}
}
