package sectionrt

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// FuzzCheckMismatch: on any object that opens, relocation decoding and
// CheckMismatch under every rule set either return findings or an error
// naming the file ("error ⇔ no result"); never a panic. Seeded with a
// gcc-built object holding mismatches.
func FuzzCheckMismatch(f *testing.F) {
	if _, err := exec.LookPath("gcc"); err == nil || testenv.CI() {
		f.Add(readFile(f, compileC(f, "mm.c", mismatchSource, "-fno-pie")))
		f.Add(smallObject(f))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := NewObject(bytes.NewReader(data), "fuzz.o")
		if err != nil {
			return
		}
		defer o.Close()
		if rss, err := o.RelocSections(); err == nil {
			for _, rs := range rss {
				rels, err := o.Relocations(rs)
				if err != nil && (rels != nil || !strings.HasPrefix(err.Error(), "fuzz.o: ")) {
					t.Fatalf("Relocations: %d relocations with error %v", len(rels), err)
				}
			}
		}
		for _, v := range RuleVersions {
			rs, _ := Rules(v)
			fs, err := CheckMismatch(o, rs)
			if err != nil {
				if fs != nil {
					t.Fatalf("findings and an error: %v", err)
				}
				if !strings.HasPrefix(err.Error(), "fuzz.o: ") {
					t.Fatalf("error does not name the file: %v", err)
				}
				continue
			}
			for _, f := range fs {
				if f.Ref == nil || f.Message == "" {
					t.Fatalf("incomplete finding %+v", f)
				}
				if _, err := f.FormatModpost(v); err != nil {
					t.Fatalf("FormatModpost(%s): %v", v, err)
				}
				_ = f.String()
			}
		}
	})
}
