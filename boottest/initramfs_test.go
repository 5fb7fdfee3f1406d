package boottest

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
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
	hdr := make([]byte, 0x400)
	copy(hdr[0x202:], "HdrS")
	hdr[0x206], hdr[0x207] = 0x0f, 0x02 // protocol 2.15
	hdr[0x1f1] = 1
	hdr[0x248], hdr[0x24c] = 0x10, 0xff // payload beyond the end
	for name, d := range map[string][]byte{"short": []byte("HdrS"), "nohdrs": make([]byte, 0x400), "outside": hdr} {
		if p, err := bzPayload(d); err == nil {
			t.Errorf("%s: payload %d bytes, want an error", name, len(p))
		}
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
