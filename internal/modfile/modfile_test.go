package modfile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// moduleSource is a tiny module-like translation unit with a vermagic.
const moduleSource = `
static int x_init(void) __attribute__((section(".init.text"), used));
static int x_init(void) { return 0; }
static const char __modinfo[] __attribute__((used, section(".modinfo"), aligned(1))) = "license=GPL\0vermagic=6.12.117+deb12-amd64 SMP preempt mod_unload modversions ";
`

// elfObject compiles moduleSource with gcc; without gcc the test skips,
// and fails under CI=true.
func elfObject(t testing.TB) []byte {
	t.Helper()
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		testenv.SkipOrFail(t, "gcc is not installed: %v", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.c"), []byte(moduleSource), 0o644)
	cmd := exec.Command(gcc, "-c", "-O2", "-o", "x.o", "x.c")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "x.o"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func compress(t testing.TB, c Compression, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch c {
	case None:
		return b
	case XZ:
		w, err := xz.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	case Zstd:
		w, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	case Gzip:
		w := gzip.NewWriter(&buf)
		w.Write(b)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

var formats = []struct {
	c    Compression
	name string
}{
	{None, "x.ko"},
	{None, "x.o"},
	{XZ, "x.ko.xz"},
	{Zstd, "x.ko.zst"},
	{Gzip, "x.ko.gz"},
}

func TestOpen(t *testing.T) { bothPaths(t, testOpen) }

func testOpen(t *testing.T) {
	obj := elfObject(t)
	dir := t.TempDir()
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			p := filepath.Join(dir, f.name)
			os.WriteFile(p, compress(t, f.c, obj), 0o644)
			o, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer o.Close()
			if got, want := o.KernelRelease(), "6.12.117+deb12-amd64"; got != want {
				t.Errorf("KernelRelease = %q, want %q", got, want)
			}
			if o.Name() != p {
				t.Errorf("Name = %q, want %q", o.Name(), p)
			}
		})
	}
	// Compressed content under a plain name is still decompressed.
	p := filepath.Join(dir, "plain-name.ko")
	os.WriteFile(p, compress(t, XZ, obj), 0o644)
	if _, err := Open(p); err != nil {
		t.Errorf("xz data named .ko: %v", err)
	}
}

// TestMalformed: zero-length, truncated and bit-flipped files give an
// error that names the file, never a panic, with the C decoders and with
// the Go ones.
func TestMalformed(t *testing.T) { bothPaths(t, testMalformed) }

func testMalformed(t *testing.T) {
	obj := elfObject(t)
	dir := t.TempDir()
	for _, f := range formats {
		good := compress(t, f.c, obj)
		cases := map[string][]byte{
			"empty":     nil,
			"truncated": good[:len(good)/2],
			"header":    good[:min(len(good), 5)],
		}
		if f.c != None { // a flipped bit in a plain ELF may well be harmless
			for _, at := range []int{len(good) / 3, len(good) / 2, len(good) - 5} {
				b := bytes.Clone(good)
				b[at] ^= 0x10
				cases["flip"+string(rune('a'+at%26))] = b
			}
		}
		for what, b := range cases {
			name := what + "-" + f.name
			p := filepath.Join(dir, name)
			os.WriteFile(p, b, 0o644)
			o, err := Open(p)
			if err == nil {
				o.Close()
				t.Errorf("%s: no error", name)
				continue
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error does not name the file: %v", name, err)
			}
		}
	}
	if _, err := Open(filepath.Join(dir, "missing.ko.xz")); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.ko.xz") {
		t.Errorf("missing file: %v", err)
	}
}

// TestLimit: output past the limit is an error, for each format and both
// decoders (a decompression bomb is cut off at the limit, not read to its
// end).
func TestLimit(t *testing.T) { bothPaths(t, testLimit) }

func testLimit(t *testing.T) {
	defer func(l int64) { limit = l }(limit)
	big := make([]byte, 1<<20)
	copy(big, "\x7fELF")
	limit = 64 << 10
	for _, f := range formats {
		b := compress(t, f.c, big)
		_, err := Read(bytes.NewReader(b), int64(len(b)), f.name)
		if err == nil || !strings.Contains(err.Error(), "limit of 65536 bytes") || !strings.HasPrefix(err.Error(), f.name+": ") {
			t.Errorf("%s: err = %v, want the limit named", f.name, err)
		}
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{
		"a/b/e1000e.ko.xz": "a/b/e1000e", "x.ko.zst": "x", "x.ko.gz": "x", "x.ko": "x", "x.o": "x", "x.c": "x.c",
	} {
		if got := Trim(in); got != want {
			t.Errorf("Trim(%q) = %q, want %q", in, got, want)
		}
	}
	if IsModuleFile("x.mod") || IsModuleFile("x.ko.bz2") || !IsModuleFile("x.ko.zst") {
		t.Error("IsModuleFile")
	}
}

// FuzzRead: Read never panics, and returns data exactly when it returns no
// error.
func FuzzRead(f *testing.F) {
	f.Add([]byte{}, "x.ko.xz")
	f.Add([]byte{0xfd, '7', 'z', 'X', 'Z', 0, 0, 4}, "x.ko")
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0}, "x.ko.zst")
	f.Add([]byte{0x1f, 0x8b, 8, 0}, "x.ko.gz")
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		out, err := Read(bytes.NewReader(b), int64(len(b)), name)
		if (err == nil) == (out == nil) && len(b) > 0 {
			t.Fatalf("err = %v, out = %d bytes", err, len(out))
		}
	})
}
