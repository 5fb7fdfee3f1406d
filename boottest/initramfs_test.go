package boottest

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cavaliergopher/cpio"
)

func TestInitramfsRoundTrip(t *testing.T) {
	files := []initramfsFile{
		{name: "/init", mode: 0o755, data: []byte("#!init")},
		{name: "/modules/00-hello.ko", mode: 0o644, data: []byte("odd-sized")},
		{name: "/boottest.json", mode: 0o644, data: []byte(`{}`)},
	}
	var buf bytes.Buffer
	if err := writeInitramfs(&buf, files); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	if !bytes.HasPrefix(raw, []byte("070701")) {
		t.Fatalf("not newc: %q", raw[:6])
	}
	got := map[string]string{}
	modes := map[string]cpio.FileMode{}
	r := cpio.NewReader(bytes.NewReader(raw))
	for {
		h, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		got[h.Name], modes[h.Name] = string(b), h.Mode
	}
	for _, d := range []string{"dev", "proc", "sys", "modules"} {
		if !modes[d].IsDir() {
			t.Errorf("%s: mode %o, want a directory", d, modes[d])
		}
	}
	for _, f := range files {
		n := f.name[1:]
		if got[n] != string(f.data) || modes[n].Perm() != f.mode {
			t.Errorf("%s: %q mode %o, want %q mode %o", n, got[n], modes[n].Perm(), f.data, f.mode)
		}
	}
}

func TestBzPayloadMalformed(t *testing.T) {
	// image is a setup header for protocol proto, one setup sector, and a
	// payload at 0x10 after it (0x410) of n bytes, in size bytes.
	image := func(size int, proto byte, n byte) []byte {
		d := make([]byte, size)
		copy(d[0x202:], "HdrS")
		d[0x206], d[0x207] = proto, 0x02
		d[0x1f1] = 1
		d[0x248], d[0x24c] = 0x10, n
		return d
	}
	for name, tc := range map[string]struct {
		d    []byte
		want string
	}{
		"short":    {[]byte("HdrS"), "no HdrS"},
		"nohdrs":   {make([]byte, 0x400), "no HdrS"},
		"protocol": {image(0x500, 0x07, 0x20), "before 2.08"},
		"outside":  {image(0x400, 0x0f, 0xff), "outside the image"},
		"tooshort": {image(0x500, 0x0f, 3), "outside the image"},
	} {
		if p, err := bzPayload(tc.d); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: payload %d bytes, %v; want an error saying %q", name, len(p), err, tc.want)
		}
	}
	// In bounds: the payload without its trailing 4-byte size.
	good := image(0x500, 0x0f, 0x20)
	copy(good[0x410:], "\xfd7zXZ\x00")
	if p, err := bzPayload(good); err != nil || len(p) != 0x1c || !bytes.HasPrefix(p, []byte("\xfd7zXZ\x00")) {
		t.Errorf("valid header: payload % x, %v; want 0x1c bytes from 0x410", p, err)
	}
	p := filepath.Join(t.TempDir(), "x")
	os.WriteFile(p, []byte("\x7fELF garbage"), 0o644)
	if err := checkPVH(p); err == nil {
		t.Error("checkPVH accepted garbage")
	}
	self, _ := os.Executable()
	if err := checkPVH(self); err == nil {
		t.Error("checkPVH accepted a Go binary")
	}
}
