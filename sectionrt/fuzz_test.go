package sectionrt

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// FuzzNewObject: any input gives an error naming the file (and no object),
// or an object on which every accessor and the placement check run; never
// a panic. Seeded with a small gcc-built module-like object (hello.ko, at
// 100 KiB, makes the fuzzer's minimisation of new inputs crawl) and the
// regression inputs under testdata/fuzz.
func FuzzNewObject(f *testing.F) {
	if _, err := exec.LookPath("gcc"); err == nil || testenv.CI() {
		f.Add(smallObject(f))
	}
	f.Add([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := NewObject(bytes.NewReader(data), "fuzz.o")
		if err != nil {
			if o != nil {
				t.Fatalf("both an object and an error: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.o: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if o == nil {
			t.Fatal("neither an object nor an error")
		}
		secs := o.Sections()
		for _, s := range o.Symbols() {
			if s.Defined() && (s.SectionIndex >= len(secs) || secs[s.SectionIndex].Name != s.Section) {
				t.Fatalf("symbol %+v: section out of range or misnamed", s)
			}
		}
		exercise(o)
	})
}
