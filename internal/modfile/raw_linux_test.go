package modfile

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenRaw: OpenRaw opens a regular file with its size and reads what
// the file holds at any offset, short at the end with io.EOF; it refuses
// a directory, a FIFO and a missing path. Each case runs with the reads
// and opens outside the scheduler (the page cache and dentry cache
// serve them here) and with those refused, as on a kernel without
// RWF_NOWAIT or RESOLVE_CACHED: the answers are the same.
func TestOpenRaw(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 3*4096+123)
	for i := range data {
		data[i] = byte(i*7 + i>>8)
	}
	file := filepath.Join(dir, "m.ko")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// A path of more than 512 bytes: nested directories, under PATH_MAX.
	long := dir
	for range 6 {
		long = filepath.Join(long, strings.Repeat("d", 100))
	}
	if err := os.MkdirAll(long, 0o755); err != nil {
		t.Fatal(err)
	}
	long = filepath.Join(long, "m.ko")
	// A path of 511 bytes, the longest that fits.
	fit := dir
	for 511-len(fit)-1 > 200 {
		fit = filepath.Join(fit, strings.Repeat("e", 150))
	}
	if err := os.MkdirAll(fit, 0o755); err != nil {
		t.Fatal(err)
	}
	fit = filepath.Join(fit, strings.Repeat("f", 511-len(fit)-1))
	for _, p := range []string{long, fit} {
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, refused := range []bool{false, true} {
		nowait, cached := nowaitRefused.Load(), cachedRefused.Load()
		nowaitRefused.Store(refused)
		cachedRefused.Store(refused)
		f, size, ok := OpenRaw(file)
		if !ok || size != int64(len(data)) {
			t.Fatalf("refused %v: OpenRaw(m.ko) = size %d, ok %v; want %d, true", refused, size, ok, len(data))
		}
		for _, r := range []struct{ off, n int }{{0, 64}, {4000, 200}, {0, len(data)}, {len(data) - 10, 10}} {
			b := make([]byte, r.n)
			if n, err := f.ReadAt(b, int64(r.off)); n != r.n || err != nil || !bytes.Equal(b, data[r.off:r.off+r.n]) {
				t.Errorf("refused %v: ReadAt(%d bytes at %d) = %d, %v, same bytes %v; want %d, nil, true", refused, r.n, r.off, n, err, bytes.Equal(b, data[r.off:r.off+r.n]), r.n)
			}
		}
		b := make([]byte, 20)
		if n, err := f.ReadAt(b, int64(len(data)-5)); n != 5 || err != io.EOF || !bytes.Equal(b[:5], data[len(data)-5:]) {
			t.Errorf("refused %v: ReadAt past the end = %d, %v; want 5, io.EOF", refused, n, err)
		}
		if n, err := f.ReadAt(b, int64(len(data)+100)); n != 0 || err != io.EOF {
			t.Errorf("refused %v: ReadAt beyond the end = %d, %v; want 0, io.EOF", refused, n, err)
		}
		if err := f.Close(); err != nil {
			t.Errorf("refused %v: Close: %v", refused, err)
		}
		if err := f.Close(); err != syscall.EBADF {
			t.Errorf("refused %v: second Close = %v, want EBADF", refused, err)
		}
		// A path too long for open's buffer on the stack, one that just
		// fits, and one with a NUL in it.
		for _, p := range []string{long, fit} {
			f, size, ok := OpenRaw(p)
			if !ok || size != int64(len(data)) {
				t.Errorf("refused %v: OpenRaw of a %d-byte path = size %d, ok %v; want %d, true", refused, len(p), size, ok, len(data))
				continue
			}
			f.Close()
		}
		for _, p := range []string{dir, fifo, filepath.Join(dir, "missing.ko"), file + "\x00x"} {
			if _, _, ok := OpenRaw(p); ok {
				t.Errorf("refused %v: OpenRaw(%s) opened; want refused", refused, filepath.Base(p))
			}
		}
		nowaitRefused.Store(nowait)
		cachedRefused.Store(cached)
	}
}

// TestCachedCallsTaken: on this kernel (Linux 5.12 or later: openat2's
// RESOLVE_CACHED; preadv2's RWF_NOWAIT is older), opening and reading a
// file just written takes the calls outside the scheduler: neither is
// refused and so left for good.
func TestCachedCallsTaken(t *testing.T) {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		t.Fatal(err)
	}
	var major, minor int
	for i, c := range u.Release {
		if c == '.' {
			for _, d := range u.Release[i+1:] {
				if d < '0' || d > '9' {
					break
				}
				minor = minor*10 + int(d-'0')
			}
			break
		}
		major = major*10 + int(c-'0')
	}
	if major < 5 || major == 5 && minor < 12 {
		t.Skipf("Linux %d.%d has no openat2 RESOLVE_CACHED", major, minor)
	}
	p := filepath.Join(t.TempDir(), "m.ko")
	if err := os.WriteFile(p, []byte("module"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !nowaitRefused.Load() && !cachedRefused.Load() {
		f, _, ok := OpenRaw(p)
		if !ok {
			t.Fatal("OpenRaw: not opened")
		}
		defer f.Close()
		if _, err := f.ReadAt(make([]byte, 6), 0); err != nil {
			t.Fatal(err)
		}
	}
	if nowaitRefused.Load() || cachedRefused.Load() {
		t.Errorf("refused: RWF_NOWAIT %v, RESOLVE_CACHED %v; want both taken on Linux %d.%d", nowaitRefused.Load(), cachedRefused.Load(), major, minor)
	}
}
