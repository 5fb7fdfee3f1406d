package modfile

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"

	"github.com/initsec/initsec/sectionrt"
)

// TestSparseMatchesWhole compresses objects with xz and opens them with a
// Sparse Reader that reads every module in part (sparseMin 0): the
// sections, symbols, release and findings of every rule set must be those
// of the whole object. The objects: the mismatch corpus where
// sectionrt's TestMismatchCorpus has built it, and up to 200 installed
// .ko (all with INITSEC_ALL_MODULES=1).
func TestSparseMatchesWhole(t *testing.T) {
	defer func(n int64) { sparseMin = n }(sparseMin)
	sparseMin = 0
	var files []string
	if cache, err := os.UserCacheDir(); err == nil {
		m, _ := filepath.Glob(filepath.Join(cache, "initsec-corpus", "*", "*.ko"))
		files = append(files, m...)
	}
	if !testing.Short() {
		trees, _ := filepath.Glob("/lib/modules/*/kernel")
		for _, tree := range trees {
			fs, _ := Expand([]string{tree})
			for i, f := range fs {
				if strings.HasSuffix(f, ".ko") && (i%20 == 0 || os.Getenv("INITSEC_ALL_MODULES") == "1") {
					files = append(files, f)
				}
			}
		}
	}
	if len(files) == 0 {
		t.Skip("no objects: no corpus build and no installed tree")
	}
	dir := t.TempDir()
	r := Reader{Sparse: true}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		w, err := xz.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), ".ko")+".ko.xz")
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		whole, err := sectionrt.NewObjectBytes(data, p)
		if err != nil {
			continue // not an object this test is about
		}
		part, err := r.Open(p)
		if err != nil {
			t.Errorf("%s: sparse: %v", f, err)
			continue
		}
		if a, b := checkDigest(t, whole), checkDigest(t, part); a != b {
			t.Errorf("%s: sparse differs:\nwhole:  %.1500s\nsparse: %.1500s", f, a, b)
		}
		r.Release()
		os.Remove(p)
		_ = i
	}
	t.Logf("%d objects", len(files))
}

// checkDigest is what verify reads from o, as JSON.
func checkDigest(t *testing.T, o *sectionrt.Object) string {
	var d struct {
		Sections []sectionrt.Section
		Symbols  []sectionrt.Symbol
		Release  string
		Checks   [][]sectionrt.Finding
		Errs     []string
	}
	d.Sections, d.Symbols, d.Release = o.Sections(), o.Symbols(), o.KernelRelease()
	for _, v := range sectionrt.RuleVersions {
		rs, err := sectionrt.Rules(v)
		if err != nil {
			t.Fatal(err)
		}
		fs, err := sectionrt.CheckMismatch(o, rs)
		d.Checks = append(d.Checks, fs)
		if err != nil {
			d.Errs = append(d.Errs, err.Error())
		}
	}
	b, _ := json.Marshal(d)
	return string(b)
}
