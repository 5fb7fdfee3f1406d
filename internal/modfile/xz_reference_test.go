package modfile

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// installed returns every tenth installed module file (all of them with
// INITSEC_ALL_MODULES=1) of the trees matching pattern for which keep is
// true.
func installed(pattern string, keep func(string) bool) []string {
	trees, _ := filepath.Glob(pattern)
	var files []string
	for _, tree := range trees {
		fs, _ := Expand([]string{tree})
		n := 0
		for _, f := range fs {
			if keep(f) {
				if n%10 == 0 || os.Getenv("INITSEC_ALL_MODULES") == "1" {
					files = append(files, f)
				}
				n++
			}
		}
	}
	return files
}

// decodeBoth decodes the module file f with a Reader using the C
// decoders (rc) and one using the Go decoders (rg): each keeps its
// buffers and decoders from one module to the next, as verify's workers
// do.
func decodeBoth(t *testing.T, rc, rg *Reader, c Compression, f string) (cOut, goOut []byte) {
	t.Helper()
	dec := func(r *Reader) []byte {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		fi, _ := fh.Stat()
		b, err := r.decompress(c, fh, fi.Size(), f)
		if err != nil {
			t.Fatalf("%s (%s): %v", f, Decoders(), err)
		}
		b = bytes.Clone(b)
		r.Release()
		return b
	}
	cOut = dec(rc)
	restore := setGo()
	goOut = dec(rg)
	restore()
	return cOut, goOut
}

// TestXZMatchesReference decodes every tenth installed .ko.xz
// (/lib/modules/*/kernel, and the amd64 kernels the boot tests unpacked
// into os.UserCacheDir()/initsec/kernels; every one with
// INITSEC_ALL_MODULES=1, minutes of CPU) with liblzma and with github.com/therootcompany/xz through
// Readers, and with github.com/ulikunitz/xz, which modfile used before:
// the bytes must be the same. Skipped with -short and where no such tree
// is installed.
func TestXZMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: decodes installed modules three times")
	}
	needC(t)
	isXZ := func(f string) bool { return byName(f) == XZ }
	files := installed("/lib/modules/*/kernel", isXZ)
	if cache, err := os.UserCacheDir(); err == nil { // the boot tests' kernels: 7.x's are in xz blocks
		trees, _ := filepath.Glob(filepath.Join(cache, "initsec/kernels/*_amd64/lib/modules/*/kernel"))
		for _, tree := range trees {
			if _, err := os.Stat(filepath.Join("/lib/modules", filepath.Base(filepath.Dir(tree)))); err != nil { // not installed too
				files = append(files, installed(tree, isXZ)...)
			}
		}
	}
	if len(files) == 0 {
		t.Skip("no .ko.xz installed")
	}
	var rc, rg Reader
	for _, f := range files {
		got, gotGo := decodeBoth(t, &rc, &rg, XZ, f)
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := xz.NewReader(fh)
		if err != nil {
			t.Fatal(err)
		}
		want, err := io.ReadAll(zr)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) || !bytes.Equal(gotGo, want) {
			t.Errorf("%s: liblzma decodes %d bytes, therootcompany/xz %d, ulikunitz/xz %d, or other bytes", f, len(got), len(gotGo), len(want))
		}
	}
	t.Logf("%d modules", len(files))
}

// TestZstdMatchesOriginal decodes .ko.zst files with libzstd and with
// github.com/klauspost/compress/zstd: both must give the .ko they were
// made of. The files: the bench's recompressed 6.1 tree
// (os.UserCacheDir()/initsec/bench/zst, made with zstd -19) where it is,
// else installed .ko compressed here with the zstd command; every tenth
// (all with INITSEC_ALL_MODULES=1).
func TestZstdMatchesOriginal(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: decodes installed modules twice")
	}
	needC(t)
	type pair struct{ zst, ko string }
	var pairs []pair
	cache, _ := os.UserCacheDir()
	for _, f := range installed(filepath.Join(cache, "initsec/bench/zst/*/kernel"), func(f string) bool { return byName(f) == Zstd }) {
		// The bench mirrors /lib/modules/RELEASE into zst/RELEASE/kernel
		// (magefiles: compressedTrees).
		rel := strings.SplitN(strings.TrimPrefix(f, filepath.Join(cache, "initsec/bench/zst")+"/"), "/", 3)
		if len(rel) < 3 {
			t.Fatalf("%s: not under the bench's zst/RELEASE/kernel", f)
		}
		pairs = append(pairs, pair{f, filepath.Join("/lib/modules", rel[0], strings.TrimSuffix(rel[2], ".zst"))})
	}
	if len(pairs) == 0 {
		zstd, err := exec.LookPath("zstd")
		if err != nil {
			testenv.SkipOrFail(t, "no bench .ko.zst tree and no zstd command (apt-get install -y zstd)")
		}
		dir := t.TempDir()
		kos := installed("/lib/modules/*/kernel", func(f string) bool { return strings.HasSuffix(f, ".ko") })
		for i, ko := range kos {
			if i%5 != 0 && os.Getenv("INITSEC_ALL_MODULES") != "1" {
				continue
			}
			z := filepath.Join(dir, filepath.Base(ko)+".zst")
			if out, err := exec.Command(zstd, "-q", "-f", ko, "-o", z).CombinedOutput(); err != nil {
				t.Fatalf("zstd %s: %v\n%s", ko, err, out)
			}
			pairs = append(pairs, pair{z, ko})
		}
	}
	if len(pairs) == 0 {
		t.Skip("no .ko installed to compress")
	}
	var rc, rg Reader
	for _, p := range pairs {
		want, err := os.ReadFile(p.ko)
		if err != nil {
			t.Fatal(err)
		}
		got, gotGo := decodeBoth(t, &rc, &rg, Zstd, p.zst)
		if !bytes.Equal(got, want) || !bytes.Equal(gotGo, want) {
			t.Errorf("%s: libzstd decodes %d bytes, klauspost/compress %d, %s has %d, or other bytes", p.zst, len(got), len(gotGo), p.ko, len(want))
		}
	}
	t.Logf("%d modules", len(pairs))
}
