package modfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ulikunitz/xz"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// cLoaded reports whether both C decoders are loaded in this process.
func cLoaded() bool {
	l := clibs()
	return l.xz != nil && l.zstd != nil
}

// setGo makes the package decode with the Go decoders, as GoDecodersEnv=1
// does, until restore is called.
func setGo() (restore func()) {
	clibs()
	saved := loaded
	loaded = loadLibs(true)
	return func() { loaded = saved }
}

// useGo is setGo until the test ends.
func useGo(t testing.TB) { t.Cleanup(setGo()) }

// needC skips (fails with CI=true) where the C decoders are not loaded.
func needC(t testing.TB) {
	if !cLoaded() {
		testenv.SkipOrFail(t, "C decoders not loaded (apt-get install -y liblzma5 libzstd1): %s", Decoders())
	}
}

// bothPaths runs f with the C decoders, then with the Go decoders.
func bothPaths(t *testing.T, f func(t *testing.T)) {
	t.Run("C", func(t *testing.T) {
		needC(t)
		f(t)
	})
	t.Run("Go", func(t *testing.T) {
		useGo(t)
		f(t)
	})
}

// TestDecoders: where liblzma and libzstd are installed, they are what
// Decoders names.
func TestDecoders(t *testing.T) {
	needC(t)
	d := Decoders()
	if !strings.HasPrefix(d, "xz: liblzma 5.") || !strings.Contains(d, "(liblzma.so.5); zstd: libzstd 1.") ||
		!strings.HasSuffix(d, "(libzstd.so.1); gzip: Go (compress/gzip)") {
		t.Errorf("Decoders() = %q", d)
	}
}

// TestGoDecodersEnv runs this test binary with INITSEC_GO_DECODERS=1: the
// Go decoders are used, and Decoders says why.
func TestGoDecodersEnv(t *testing.T) {
	if os.Getenv("INITSEC_TEST_PRINT_DECODERS") == "1" {
		os.Stdout.WriteString(Decoders() + "\n")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestGoDecodersEnv$")
	cmd.Env = append(os.Environ(), "INITSEC_TEST_PRINT_DECODERS=1", GoDecodersEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "xz: Go (github.com/therootcompany/xz) [INITSEC_GO_DECODERS=1]; zstd: Go (github.com/klauspost/compress/zstd) [INITSEC_GO_DECODERS=1]; gzip: Go (compress/gzip)\n"
	if got, _, _ := strings.Cut(string(out), "PASS"); got != want {
		t.Errorf("with %s=1: %q, want %q", GoDecodersEnv, got, want)
	}
	if l := loadLibs(true); l.xz != nil || l.zstd != nil {
		t.Error("loadLibs(true) loaded a C library")
	}
}

// TestMalformedSameOnBothPaths: a bad xz or zstd file (empty, truncated
// at any of several points, a bit flipped in its header, data or check,
// trailing garbage) fails with the C decoders as with the Go ones, whole
// and with a Sparse Reader (for xz, block by block). The error is the
// same text (or no error on both, for a flipped bit the format leaves
// unused), but where the libraries' own words differ: a zstd frame
// corrupted inside is "zstd: corrupt" with libzstd's reason; and liblzma
// rejects a nonzero first byte of LZMA range-coder data, which
// xz-embedded ignores (the decoded bytes are right).
func TestMalformedSameOnBothPaths(t *testing.T) {
	needC(t)
	defer func(n int64) { sparseMin = n }(sparseMin)
	sparseMin = 0
	obj := elfObject(t)
	dir := t.TempDir()
	goods := map[string][]byte{
		"x.ko.xz":        compress(t, XZ, obj),
		"blocks-x.ko.xz": xzBlocksOf(t, obj, 512),
		"x.ko.zst":       compress(t, Zstd, obj),
	}
	for name, good := range goods {
		cases := map[string][]byte{"empty": nil, "garbage-after": append(bytes.Clone(good), 1, 2, 3, 4)}
		for _, n := range []int{5, 12, 13, 20, len(good) / 3, len(good) / 2, len(good) - 13, len(good) - 12, len(good) - 1} {
			cases[fmt.Sprintf("cut%06d", n)] = good[:n]
		}
		// rcInit is the first range-coder byte of the first block: after
		// the stream header, the block header and the 6-byte header of
		// an LZMA2 chunk that sets properties.
		rcInit := 12 + (int(good[12])+1)*4 + 6
		for _, at := range []int{4, 7, 14, rcInit, len(good) / 3, len(good) / 2, len(good) - 20, len(good) - 9, len(good) - 5} {
			b := bytes.Clone(good)
			b[at] ^= 0x10
			cases[fmt.Sprintf("flip%06d", at)] = b
		}
		for what, b := range cases {
			p := filepath.Join(dir, what+"-"+name)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, sparse := range []bool{false, true} {
				c := openErr(p, sparse)
				restore := setGo()
				g := openErr(p, sparse)
				restore()
				var ok bool
				switch {
				case strings.HasSuffix(name, ".xz") && what == fmt.Sprintf("flip%06d", rcInit):
					ok = c == p+": xz: corrupt: xz: data is corrupt" && g == "<nil>"
				case strings.HasPrefix(what, "flip"):
					// A flipped bit may be one a format leaves unused.
					ok = c == g || strings.HasSuffix(name, ".zst") &&
						strings.HasPrefix(c, p+": zstd: corrupt: libzstd: ") && strings.HasPrefix(g, p+": zstd: ")
				default:
					ok = c == g && c != "<nil>"
				}
				if !ok {
					t.Errorf("%s (sparse %v):\nC:  %s\nGo: %s", p, sparse, c, g)
				}
			}
		}
	}
}

// openErr opens p with a new Reader and returns the error's text.
func openErr(p string, sparse bool) string {
	r := Reader{Sparse: sparse}
	defer r.Release()
	_, err := r.Open(p)
	return errString(err)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	var e *Error
	if errors.As(err, &e) {
		return err.Error()
	}
	return "not a *modfile.Error: " + err.Error()
}

// xzBlocksOf compresses b with xz in blocks of blockSize bytes.
func xzBlocksOf(t testing.TB, b []byte, blockSize int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xz.WriterConfig{BlockSize: blockSize}.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestZstdSizeBound: libzstd decodes a frame into a buffer of the size
// the frame records, allocated first; a frame recording more than 32
// times its own size (plus 1 MiB) goes to the Go decoder, which grows
// its buffer as it decodes, so a small file cannot make a large
// allocation. Both still decode it.
func TestZstdSizeBound(t *testing.T) {
	needC(t)
	z := newCZstd(clibs().zstd)
	defer z.end()
	obj := elfObject(t)
	small := compress(t, Zstd, obj)
	if got := z.size(small); got != int64(len(obj)) {
		t.Errorf("size of a %d-byte object's frame = %d", len(obj), got)
	}
	zeros := compress(t, Zstd, make([]byte, 8<<20))
	if got := z.size(zeros); got != -1 {
		t.Errorf("size of 8 MiB of zeros in %d bytes = %d, want -1 (for the Go decoder)", len(zeros), got)
	}
	out, err := Read(bytes.NewReader(zeros), int64(len(zeros)), "zeros.ko.zst")
	if err != nil || len(out) != 8<<20 {
		t.Errorf("Read: %d bytes, %v", len(out), err)
	}
}

// TestEndStopsCleanup: a C decoder freed at once (end) is never freed
// again by the cleanup that frees it when it is garbage. The decoder is
// unreachable while end's C call runs; unless end stops the cleanup
// first, a collection then queues it, and it frees liblzma's stream
// (libzstd's context) a second time, on another thread, while the first
// free runs: glibc aborts with "free(): invalid pointer" (seen in the
// corpus test, which decompresses thousands of modules one-shot). Here
// the free is wrapped so that the first call collects and waits while
// it holds the decoder's C state, and an overlapping call is counted
// (and skipped, so that a failure is reported, not an abort).
func TestEndStopsCleanup(t *testing.T) {
	needC(t)
	var calls, overlaps atomic.Int32
	slow := func(free func()) {
		defer calls.Add(-1)
		if calls.Add(1) > 1 {
			overlaps.Add(1) // a second free: counted, not done
			return
		}
		for range 3 {
			runtime.GC()
			time.Sleep(20 * time.Millisecond) // for a queued cleanup to run
		}
		free()
	}
	t.Run("dropped", func(t *testing.T) {
		// The control: a decoder dropped without end is freed by its
		// cleanup, so a collection here does free decoders.
		var freed atomic.Bool
		lib := *clibs().xz
		real := lib.end
		lib.end = func(s *lzmaStream) { freed.Store(true); real(s) }
		freshXZ(t, &lib, false)
		for deadline := time.Now().Add(5 * time.Second); !freed.Load() && time.Now().Before(deadline); {
			runtime.GC()
			time.Sleep(time.Millisecond)
		}
		if !freed.Load() {
			t.Error("a dropped decoder's lzma_end did not run in 5 s of collections")
		}
	})
	t.Run("xz", func(t *testing.T) {
		calls.Store(0)
		overlaps.Store(0)
		lib := *clibs().xz
		real := lib.end
		lib.end = func(s *lzmaStream) { slow(func() { real(s) }) }
		freshXZ(t, &lib, true)
		if n := overlaps.Load(); n != 0 {
			t.Errorf("lzma_end ran %d more time(s) while end's ran", n)
		}
	})
	t.Run("zstd", func(t *testing.T) {
		calls.Store(0)
		overlaps.Store(0)
		lib := *clibs().zstd
		real := lib.freeDCtx
		lib.freeDCtx = func(p uintptr) (r uintptr) {
			slow(func() { r = real(p) })
			return r
		}
		z := newCZstd(&lib)
		if z == nil {
			t.Fatal("ZSTD_createDCtx failed")
		}
		z.end()
		if n := overlaps.Load(); n != 0 {
			t.Errorf("ZSTD_freeDCtx ran %d more time(s) while end's ran", n)
		}
	})
}

// freshXZ starts a decoder on a stream, so that liblzma holds memory,
// and ends it (end) or drops it: nothing but end's own frame holds the
// decoder then.
func freshXZ(t *testing.T, lib *lzmaLib, end bool) {
	x := newCXZ(lib)
	if err := x.Reset(bytes.NewReader(compress(t, XZ, elfObject(t)))); err != nil {
		t.Fatal(err)
	}
	if end {
		x.end()
	}
}
