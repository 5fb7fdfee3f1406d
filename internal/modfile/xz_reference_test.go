package modfile

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ulikunitz/xz"
)

// TestXZMatchesReference decodes every installed .ko.xz
// (/lib/modules/*/kernel) both with the Reader (github.com/therootcompany/xz,
// buffers and decoder reused from one module to the next) and with
// github.com/ulikunitz/xz, which modfile used before: the bytes must be the
// same. Every tenth module, all of them with INITSEC_ALL_MODULES=1 (minutes
// of CPU); skipped with -short and where no such tree is installed.
func TestXZMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: decodes every installed module twice")
	}
	trees, _ := filepath.Glob("/lib/modules/*/kernel")
	var files []string
	for _, tree := range trees {
		fs, _ := Expand([]string{tree})
		for i, f := range fs {
			if byName(f) == XZ && (i%10 == 0 || os.Getenv("INITSEC_ALL_MODULES") == "1") {
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		t.Skip("no .ko.xz installed")
	}
	var r Reader
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := fh.Stat()
		got, err := r.decompress(XZ, fh, fi.Size(), f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fh.Seek(0, io.SeekStart); err != nil {
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
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes decoded, ulikunitz/xz decodes %d bytes, or other bytes", f, len(got), len(want))
		}
		r.Release()
	}
	t.Logf("%d modules", len(files))
}
