package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// TestFastPathsAgree: on every module of the installed 6.1 tree, suggest
// and report print, byte for byte, the JSON they print when every object
// is opened and analysed in full (no sectionrt.Screen view, no seed
// screen, no Screen.Memory), and exit with the same status.
func TestFastPathsAgree(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no Debian 6.1 kernel with modules and headers installed")
	}
	tree := filepath.Join(rel.Tree, "kernel")
	if testing.Short() {
		tree = filepath.Join(tree, "drivers", "net")
	}
	for _, cmd := range []string{"suggest", "report"} {
		var out [2]bytes.Buffer
		var code [2]int
		for i, fast := range []bool{true, false} {
			fastPaths = fast
			var stderr bytes.Buffer
			code[i] = run(&out[i], &stderr, []string{cmd, "-format", "json", tree})
			fastPaths = true
			if stderr.Len() > 0 {
				t.Errorf("%s (fast paths %v): stderr: %s", cmd, fast, stderr.Bytes())
			}
		}
		if code[0] != code[1] || !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
			t.Errorf("%s %s: with fast paths exit %d and %d bytes of JSON, without exit %d and %d bytes, or different bytes", cmd, tree, code[0], out[0].Len(), code[1], out[1].Len())
		}
		if out[0].Len() < 1000 {
			t.Errorf("%s %s: %d bytes of JSON: too little to compare", cmd, tree, out[0].Len())
		}
		t.Logf("%s %s: exit %d, %d bytes of JSON alike", cmd, tree, code[0], out[0].Len())
	}
}
