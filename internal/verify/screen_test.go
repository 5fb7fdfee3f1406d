package verify

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/findings"
	"github.com/initsec/initsec/internal/modfile"
)

// TestScreenedMatchesFull: with the screen, Files gives exactly the
// results of the full check alone (same findings, same errors, same rule
// sets, in order) on real modules of both installed kernels (the 6.12
// ones decompressed, so that they are screened too) and on corrupted
// copies of them, most of which end in an error or a finding; each also
// as .ko.zst, screened once decoded.
func TestScreenedMatchesFull(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 8))
	var files []string
	zenc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, src := range installedModules(t, 12) {
		data, err := modfile.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for k := range 6 {
			d := data
			if k > 0 {
				d = corrupt(rng, data)
			}
			p := filepath.Join(dir, fmt.Sprintf("%02d-%d-%s", i, k, filepath.Base(modfile.Trim(src))+".ko"))
			if err := os.WriteFile(p, d, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p)
			// The same bytes as .ko.zst: screened once decoded
			// (modfile.Reader.OpenScreened).
			if err := os.WriteFile(p+".zst", zenc.EncodeAll(d, nil), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, p+".zst")
		}
	}
	screened := Files(files, Options{Jobs: 2})
	screening = false
	defer func() { screening = true }()
	full := Files(files, Options{Jobs: 2})
	errs, fs := 0, 0
	for i := range files {
		if a, b := describe(screened[i]), describe(full[i]); a != b {
			t.Errorf("%s:\nscreened: %s\nfull:     %s", files[i], a, b)
		}
		if full[i].Err != nil {
			errs++
		}
		fs += len(full[i].Findings)
	}
	t.Logf("%d objects: %d errors, %d findings", len(files), errs, fs)
	if errs == 0 {
		t.Error("no corrupted object gave an error: the comparison covers only clean ones")
	}
}

// describe is a Result as text: findings and errors compared by value.
func describe(r findings.Result) string {
	return fmt.Sprintf("%s rules=%q err=%v findings=%+v", r.Object, r.Rules, r.Err, r.Findings)
}

// corrupt returns a copy of data with a few bytes changed in the section
// headers and the tables at the end of the file, where the checks look.
func corrupt(rng *rand.Rand, data []byte) []byte {
	d := bytes.Clone(data)
	for range 1 + rng.IntN(3) {
		p := len(d)/2 + rng.IntN(len(d)/2)
		switch rng.IntN(3) {
		case 0:
			d[p] ^= 1 << rng.IntN(8)
		case 1:
			d[p] = byte(rng.Uint32())
		default:
			for j := p; j < min(p+8, len(d)); j++ {
				d[j] = 0xff
			}
		}
	}
	return d
}

// TestScreenedMatchesFullTrees: on every module of the installed 6.1 tree
// (.ko) and 6.12 tree (.ko.xz), every tenth under -short, Files with the
// screen gives each object the result of the full check alone (findings,
// error, rule set), and verify -format json the same bytes. Both trees
// are clean, so their JSON is the object count alone: the comparison
// object by object is what holds each rule set and error to the full
// check's (TestScreenedMatchesFull does it on corrupted copies, which
// have findings and errors).
func TestScreenedMatchesFullTrees(t *testing.T) {
	for _, prefix := range []string{"6.1.", "6.12."} {
		rel, ok := kernels.FindRelease(prefix)
		if !ok {
			testenv.SkipOrFail(t, "no Linux %s* modules with headers installed", prefix)
		}
		files, errs := modfile.Expand([]string{filepath.Join(rel.Tree, "kernel")})
		if len(errs) > 0 || len(files) < 1000 {
			t.Fatalf("%s: %d modules, %v", rel.Tree, len(files), errs)
		}
		if testing.Short() {
			var some []string
			for i := 0; i < len(files); i += 10 {
				some = append(some, files[i])
			}
			files = some
		}
		screened := Files(files, Options{Jobs: 2})
		screening = false
		full := Files(files, Options{Jobs: 2})
		screening = true
		for i := range files {
			if a, b := describe(screened[i]), describe(full[i]); a != b {
				t.Errorf("%s:\nscreened: %s\nfull:     %s", files[i], a, b)
			}
		}
		var a, b bytes.Buffer
		if err := findings.JSON(&a, screened); err != nil {
			t.Fatal(err)
		}
		if err := findings.JSON(&b, full); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: JSON differs:\nscreened: %.500s\nfull:     %.500s", rel.Tree, a.Bytes(), b.Bytes())
		}
		t.Logf("%s: %d modules, the same %d bytes of JSON", rel.Tree, len(files), a.Len())
	}
}
