package annotate

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func ann(file string, line int, kind Kind, name string, static bool, opts ...string) Annotation {
	a := Annotation{
		Directive: Directive{Kind: kind, Pos: Pos{File: file, Line: line, Col: 1}},
		Decl:      Decl{Name: name, Static: static, Pos: Pos{File: file, Line: line + 1, Col: 1}},
	}
	for _, o := range opts {
		switch {
		case o == "entry":
			a.Entry = true
		case strings.HasPrefix(o, "initcall="):
			a.Initcall = strings.TrimPrefix(o, "initcall=")
		}
	}
	return a
}

type wantErr struct {
	line, col int
	msg       string
	hint      string // substring
}

var checkModuleTests = []struct {
	name string
	anns []Annotation
	want []wantErr // file is taken from the message position
	file []string
}{
	{"one of each", []Annotation{
		ann("a.c", 1, KindInit, "a_init", true, "initcall=device"),
		ann("a.c", 9, KindExit, "a_exit", true, "entry"),
		ann("b.c", 1, KindInit, "b_setup", false),
	}, nil, nil},
	{"two initcalls", []Annotation{
		ann("a.c", 1, KindInit, "a_init", true, "initcall=device"),
		ann("b.c", 5, KindInit, "b_init", true, "initcall=late"),
	}, []wantErr{{5, 1, "second initcall= in the module, on b_init", "a_init at a.c:1:1 already has initcall="}}, []string{"b.c"}},
	{"two entries", []Annotation{
		ann("a.c", 20, KindExit, "a_exit", true, "entry"),
		ann("a.c", 3, KindExit, "b_exit", true, "entry"),
	}, []wantErr{{20, 1, "second entry in the module, on a_exit", "b_exit at a.c:3:1 is already the entry"}}, []string{"a.c"}},
	{"global annotated twice", []Annotation{
		ann("a.c", 1, KindInitData, "table", false),
		ann("b.c", 1, KindInitData, "table", false),
	}, []wantErr{{1, 1, "table is annotated twice", "first annotation at a.c:1:1"}}, []string{"b.c"}},
	{"static annotated twice in one file", []Annotation{
		ann("a.c", 1, KindInitData, "count", true),
		ann("a.c", 4, KindInitData, "count", true),
	}, []wantErr{{4, 1, "count is annotated twice", "first annotation at a.c:1:1"}}, []string{"a.c"}},
	{"static and global of one name in one file", []Annotation{
		ann("a.c", 1, KindInitData, "count", false),
		ann("a.c", 4, KindInitData, "count", true),
	}, []wantErr{{4, 1, "count is annotated twice", "a.c:1:1"}}, []string{"a.c"}},
	{"statics of one name in two files", []Annotation{
		ann("a.c", 1, KindInitData, "count", true),
		ann("b.c", 1, KindInitData, "count", true),
	}, nil, nil},
}

func TestCheckModule(t *testing.T) {
	for _, tt := range checkModuleTests {
		// The result must not depend on the order of the annotations.
		for _, reversed := range []bool{false, true} {
			anns := slices.Clone(tt.anns)
			if reversed {
				slices.Reverse(anns)
			}
			err := CheckModule(anns)
			if tt.want == nil {
				if err != nil {
					t.Errorf("%s: CheckModule = %v, want nil", tt.name, err)
				}
				continue
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) != len(tt.want) {
				t.Errorf("%s: CheckModule = %v, want %d errors", tt.name, err, len(tt.want))
				continue
			}
			for i, w := range tt.want {
				e := list[i]
				if e.Pos != (Pos{File: tt.file[i], Line: w.line, Col: w.col}) || e.Msg != w.msg || !strings.Contains(e.Hint, w.hint) {
					t.Errorf("%s: got %v\nwant %s:%d:%d: %s (hint containing %q)", tt.name, e, tt.file[i], w.line, w.col, w.msg, w.hint)
				}
			}
		}
	}
}
