package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/initsec/initsec/internal/hugeheap"
)

// TestPrimeHeap checks when suggest and report mark their heap for huge
// pages: for a directory, or files of 4 MiB or more (Reserve, turned off
// here so that its answer shows it was asked), not for fewer bytes.
func TestPrimeHeap(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.ko")
	if err := os.WriteFile(small, make([]byte, 1024), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.ko")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, primeMinBytes-1024); err != nil {
		t.Fatal(err)
	}
	t.Setenv(hugeheap.EnvVar, "0")
	for _, c := range []struct {
		args []string
		why  string
	}{
		{[]string{small}, "1024 bytes of objects named, less than 4194304"},
		{[]string{filepath.Join(dir, "missing.ko"), small}, "1024 bytes of objects named, less than 4194304"},
		{[]string{big}, "4193280 bytes of objects named, less than 4194304"},
		{[]string{big, small}, hugeheap.EnvVar + "=0"},
		{[]string{small, dir}, hugeheap.EnvVar + "=0"},
	} {
		if r := primeHeap(c.args, 16<<20); r.Marked != 0 || r.Why != c.why {
			t.Errorf("primeHeap(%q) = %+v, want nothing marked: %q", c.args, r, c.why)
		}
	}
}
