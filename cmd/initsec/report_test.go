package main

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/testenv"
)

// TestReport checks `initsec report` on the built examples against the
// section sizes debug/elf reads from the same files.
func TestReport(t *testing.T) {
	kos, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", "*.ko"))
	if len(kos) == 0 {
		testenv.SkipOrFail(t, "examples not built: go run mage.go build")
	}
	var stdout, stderr bytes.Buffer
	if code := run(&stdout, &stderr, append([]string{"report", "-format", "json"}, kos...)); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var reps []memoryReport
	if err := json.Unmarshal(stdout.Bytes(), &reps); err != nil {
		t.Fatal(err)
	}
	if len(reps) != len(kos) {
		t.Fatalf("%d reports for %d objects", len(reps), len(kos))
	}
	for _, r := range reps {
		f, err := elf.Open(r.Object)
		if err != nil {
			t.Fatal(err)
		}
		var init, exit uint64
		for _, s := range f.Sections {
			if s.Flags&elf.SHF_ALLOC == 0 {
				continue
			}
			switch {
			case strings.HasPrefix(s.Name, ".init"):
				init += s.Size
			case strings.HasPrefix(s.Name, ".exit"):
				exit += s.Size
			}
		}
		f.Close()
		// Alignment padding may only add to the section sum.
		if r.Memory.Init < init || r.Exit != exit || init == 0 || exit == 0 {
			t.Errorf("%s: init %d (sections %d), exit %d (sections %d)", r.Object, r.Memory.Init, init, r.Exit, exit)
		}
		if r.Memory.CorePages == 0 || r.Memory.CorePages*4096 < r.Memory.Core {
			t.Errorf("%s: %d core bytes in %d pages", r.Object, r.Memory.Core, r.Memory.CorePages)
		}
	}
	// Without MODULE_UNLOAD the exit sections join the init region.
	stdout.Reset()
	if code := run(&stdout, &stderr, []string{"report", "-format", "json", "-no-module-unload", kos[0]}); code != exitOK {
		t.Fatalf("-no-module-unload: exit %d: %s", code, stderr.String())
	}
	var noUnload []memoryReport
	if err := json.Unmarshal(stdout.Bytes(), &noUnload); err != nil || len(noUnload) != 1 {
		t.Fatalf("%v %s", err, stdout.String())
	}
	if noUnload[0].Memory.Init < reps[0].Memory.Init+reps[0].Exit {
		t.Errorf("-no-module-unload: init %d, want >= %d + %d", noUnload[0].Memory.Init, reps[0].Memory.Init, reps[0].Exit)
	}
	// Text output: one line per object and a total; a missing object is
	// an error naming it, exit 2.
	stdout.Reset()
	stderr.Reset()
	code := run(&stdout, &stderr, append([]string{"report", "nope.ko"}, kos...))
	if code != exitError || !strings.Contains(stderr.String(), "nope.ko") {
		t.Errorf("missing object: exit %d, stderr %q", code, stderr.String())
	}
	if lines := strings.Count(stdout.String(), ".ko "); lines != len(kos) {
		t.Errorf("text output has %d object lines, want %d:\n%s", lines, len(kos), stdout.String())
	}
}
