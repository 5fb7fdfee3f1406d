package sectionrt

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
)

// memoryAgrees requires that when Screen.Memory measures data, NewObject
// accepts it and PredictMemory gives the same Memory, with and without
// CONFIG_MODULE_UNLOAD. It reports whether the object was measured.
func memoryAgrees(t *testing.T, s *Screen, data []byte, what string) bool {
	t.Helper()
	measured := false
	for _, unload := range []bool{true, false} {
		m, ok := s.Memory(bytes.NewReader(data), int64(len(data)), unload)
		if !ok {
			continue
		}
		measured = true
		o, err := NewObject(bytes.NewReader(data), "x.ko")
		if err != nil {
			t.Fatalf("%s: measured, but NewObject: %v", what, err)
		}
		if want := PredictMemory(o, unload); m != want {
			t.Fatalf("%s (unload %v): Screen.Memory\n%+v\nPredictMemory\n%+v", what, unload, m, want)
		}
	}
	return measured
}

// TestScreenMemoryAgrees: on real modules and thousands of corrupted
// copies, whatever Screen.Memory measures is what PredictMemory predicts
// from an opened Object, and a copy Open refuses is never measured.
func TestScreenMemoryAgrees(t *testing.T) {
	bases := [][]byte{smallObject(t)}
	if rel, ok := kernels.FindRelease("6.1."); ok {
		for _, m := range []string{"fs/ext4/ext4.ko", "drivers/net/dummy.ko", "fs/fat/vfat.ko"} {
			if b, err := os.ReadFile(filepath.Join(rel.Tree, "kernel", m)); err == nil {
				bases = append(bases, b)
			}
		}
	} else {
		testenv.SkipOrFail(t, "no installed 6.1 kernel with modules and headers")
	}
	iters := 2000
	if testing.Short() {
		iters = 300
	}
	var s Screen
	rng := rand.New(rand.NewPCG(17, 3))
	for bi, base := range bases {
		if !memoryAgrees(t, &s, base, "base") {
			t.Fatalf("base object %d not measured", bi)
		}
		measured := 0
		n := iters
		if len(base) > 1<<20 {
			n = iters / 10
		}
		for range n {
			if memoryAgrees(t, &s, mutate(rng, base), "mutant") {
				measured++
			}
		}
		t.Logf("base %d (%d bytes): %d of %d mutants measured", bi, len(base), measured, n)
	}
}

// TestScreenMemoryInstalled: Screen.Memory measures every module of the
// installed 6.1 tree, and each as PredictMemory does.
func TestScreenMemoryInstalled(t *testing.T) {
	rel, ok := kernels.FindRelease("6.1.")
	if !ok {
		testenv.SkipOrFail(t, "no installed 6.1 kernel with modules and headers")
	}
	var s Screen
	n, measured := 0, 0
	err := filepath.WalkDir(filepath.Join(rel.Tree, "kernel"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".ko") || (testing.Short() && n >= 400) {
			return err
		}
		n++
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if memoryAgrees(t, &s, data, p) {
			measured++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if measured != n {
		t.Errorf("Screen.Memory measured %d of %d modules; want all", measured, n)
	}
}
