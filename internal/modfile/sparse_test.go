package modfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/sectionrt"
)

// TestSparseMatchesWhole compresses objects with xz and opens them with a
// Sparse Reader that reads every module in part (sparseMin 0), with the C
// decoders and with the Go ones: the sections, symbols, release and
// findings of every rule set must be those of the whole object. Every
// other object is compressed in 16 KiB blocks (read block by block), the
// others in one block (decoded twice). The objects: the mismatch corpus
// where sectionrt's TestMismatchCorpus has built it, and up to 200
// installed .ko (all with INITSEC_ALL_MODULES=1).
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
	blocks := 0
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := sectionrt.NewObjectBytes(data, f)
		if err != nil {
			continue // not an object this test is about
		}
		want := checkDigest(t, whole)
		var z []byte
		if i%2 == 1 {
			z = xzBlocksOf(t, data, 16<<10)
		} else {
			z = compress(t, XZ, data)
		}
		p := filepath.Join(dir, strings.TrimSuffix(filepath.Base(f), ".ko")+".ko.xz")
		if err := os.WriteFile(p, z, 0o644); err != nil {
			t.Fatal(err)
		}
		if fh, err := os.Open(p); err == nil {
			if _, bs := xzBlocks(fh, int64(len(z))); len(bs) > 1 {
				blocks++
			}
			fh.Close()
		}
		if cLoaded() {
			sparseSame(t, f, p, want)
		}
		restore := setGo()
		sparseSame(t, f, p, want)
		restore()
		os.Remove(p)
	}
	needC(t)
	t.Logf("%d objects, %d of them in several blocks", len(files), blocks)
}

// sparseSame checks that the module at p (made of f), read sparse, gives
// the digest want.
func sparseSame(t *testing.T, f, p, want string) {
	t.Helper()
	r := Reader{Sparse: true}
	defer r.Release()
	part, err := r.Open(p)
	if err != nil {
		t.Errorf("%s: sparse (%s): %v", f, Decoders(), err)
		return
	}
	got := checkDigest(t, part)
	// The whole object was opened under f's name, the sparse one under p's.
	got = strings.ReplaceAll(got, p, f)
	if got != want {
		t.Errorf("%s: sparse (%s) differs:\nwhole:  %.1500s\nsparse: %.1500s", f, Decoders(), want, got)
	}
}

// TestSparseRealBlocks reads the largest multi-block .ko.xz found (7.x's
// amdgpu, from the kernel packages the boot tests fetch) sparse, with the
// C decoders and the Go ones, and whole: the checks read the same.
func TestSparseRealBlocks(t *testing.T) {
	var cands []string
	if cache, err := os.UserCacheDir(); err == nil {
		m, _ := filepath.Glob(filepath.Join(cache, "initsec/kernels/*/lib/modules/*/kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko.xz"))
		cands = append(cands, m...)
	}
	m, _ := filepath.Glob("/lib/modules/*/kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.ko.xz")
	cands = append(cands, m...)
	var p string
	for _, c := range cands {
		f, err := os.Open(c)
		if err != nil {
			continue
		}
		fi, _ := f.Stat()
		if _, bs := xzBlocks(f, fi.Size()); len(bs) > 1 && xzSize(f, fi.Size()) > sparseMin {
			p = c
		}
		f.Close()
	}
	if p == "" {
		t.Skip("no amdgpu.ko.xz of several blocks over 16 MiB (a 7.x kernel's modules: go run mage.go bench fetches them)")
	}
	data, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := sectionrt.NewObjectBytes(data, p)
	if err != nil {
		t.Fatal(err)
	}
	want := checkDigest(t, whole)
	if cLoaded() {
		sparseSame(t, p, p, want)
	}
	restore := setGo()
	sparseSame(t, p, p, want)
	restore()
	needC(t)
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

// TestSparseMutations: a Sparse Reader that reads every xz module in part
// (block by block, as the index lists them) never panics on 300 files
// made by changing one to three bytes of a module compressed in blocks,
// and returns an object exactly when it returns no error, with the C
// decoders and with the Go ones. (A fuzz target would do this better,
// but go test -fuzz runs it at a few executions a minute here.)
func TestSparseMutations(t *testing.T) {
	defer func(n int64) { sparseMin = n }(sparseMin)
	sparseMin = 0
	seed := xzBlocksOf(t, elfObject(t), 256)
	dir := t.TempDir()
	bothPaths(t, func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(1, 2))
		failed := 0
		for i := range 300 {
			b := bytes.Clone(seed)
			for range 1 + rnd.IntN(3) {
				b[rnd.IntN(len(b))] = byte(rnd.IntN(256))
			}
			p := filepath.Join(dir, fmt.Sprintf("m%03d.ko.xz", i))
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			r := Reader{Sparse: true}
			o, err := r.Open(p)
			if (err == nil) == (o == nil) {
				t.Errorf("%s: err = %v, object %v", p, err, o)
			}
			if err != nil {
				failed++
			}
			r.Release()
		}
		if failed == 0 {
			t.Error("no mutated file failed to open: the mutations reach nothing")
		}
	})
}
