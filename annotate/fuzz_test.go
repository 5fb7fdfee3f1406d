package annotate

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzScanC checks that ScanC returns an error or a result, never both and
// never a panic; that results carry a name, text and valid positions; and
// that errors are positioned. HasTrailer runs on the same input.
func FuzzScanC(f *testing.F) {
	for _, tt := range scanTests {
		f.Add([]byte(tt.src))
	}
	errorFiles, _ := filepath.Glob("testdata/errors/*.c")
	for _, name := range errorFiles {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(src)
		}
	}
	if src, err := os.ReadFile("../examples/hello/hello.c"); err == nil {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := bytes.Count(src, []byte("\n")) + 1
		valid := func(p Pos) bool { return p.File == "f.c" && p.Line >= 1 && p.Line <= lines && p.Col >= 1 }
		anns, err := ScanC("f.c", src)
		if err != nil {
			if anns != nil {
				t.Fatalf("ScanC returned %d annotations and an error", len(anns))
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("ScanC error %v is not a non-empty ErrorList", err)
			}
			for _, e := range list {
				if !valid(e.Pos) || e.Msg == "" {
					t.Fatalf("bad error %v", e)
				}
			}
		}
		for _, a := range anns {
			if a.Decl.Name == "" || a.Decl.Text == "" || !a.Kind.valid() || a.Decl.Kind < DeclFunc || a.Decl.Kind > DeclExtern {
				t.Fatalf("bad annotation %+v", a)
			}
			if !valid(a.Pos) || !valid(a.Decl.Pos) || a.Decl.Pos.Line <= a.Pos.Line {
				t.Fatalf("bad positions in %+v", a)
			}
		}
		if ok, line := HasTrailer(src, "f.initsec.h"); line < 1 || line > lines+1 || ok && len(src) == 0 {
			t.Fatalf("HasTrailer = %v, %d for %d lines", ok, line, lines)
		}
	})
}

// FuzzParseDirective checks that any line gives a directive or an *Error
// positioned on that line, never a panic.
func FuzzParseDirective(f *testing.F) {
	for _, tt := range parseDirectiveTests {
		f.Add(tt.in)
	}
	for _, tt := range parseDirectiveErrorTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, text string) {
		pos := Pos{File: "f.c", Line: 3, Col: 2}
		d, err := ParseDirective(text, pos)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Pos.Line != 3 || e.Pos.Col < 2 || e.Pos.Col > 2+len(text) {
				t.Fatalf("ParseDirective(%q) error %v", text, err)
			}
			return
		}
		if !d.Kind.valid() || d.Pos != pos {
			t.Fatalf("ParseDirective(%q) = %+v", text, d)
		}
	})
}
