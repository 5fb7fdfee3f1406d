package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewExitCodes pins the exit status of `initsec new`: 0 on success, 2
// on a bad name, directory or module path, with nothing left behind.
func TestNewExitCodes(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full")
	os.MkdirAll(full, 0o755)
	os.WriteFile(filepath.Join(full, "keep"), nil, 0o644)
	cases := []struct {
		args []string
		want int
		out  string
	}{
		{[]string{"new", "-h"}, exitOK, "Usage: initsec new"},
		{[]string{"new"}, exitError, "missing NAME"},
		{[]string{"new", "-dir", filepath.Join(dir, "x"), "1abc"}, exitError, "not a C identifier"},
		{[]string{"new", "-dir", filepath.Join(dir, "x"), "a-b"}, exitError, "not a C identifier"},
		{[]string{"new", "-dir", filepath.Join(dir, "x"), strings.Repeat("a", 60)}, exitError, "at most 55"},
		{[]string{"new", "-dir", filepath.Join(dir, "x"), ""}, exitError, "empty"},
		{[]string{"new", "-dir", filepath.Join(dir, "x"), "int"}, exitError, "C keyword"},
		{[]string{"new", "-dir", full, "drv"}, exitError, "not empty"},
		{[]string{"new", "-dir", filepath.Join(dir, "x"), "-module-path", "bad path", "drv"}, exitError, "invalid module path"},
		{[]string{"new", "-dir", filepath.Join(dir, "x"), "-nope", "drv"}, exitError, "flag provided but not defined"},
		{[]string{"new", "-dir", filepath.Join(dir, "ok"), "-initsec-version", "v0.1.0", "drv"}, exitOK, "create: "},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		got := run(&stdout, &stderr, tc.args)
		if got != tc.want {
			t.Errorf("initsec %q: exit %d, want %d\nstderr: %s", tc.args, got, tc.want, stderr.String())
		}
		if !strings.Contains(stderr.String()+stdout.String(), tc.out) {
			t.Errorf("initsec %q: output lacks %q:\n%s%s", tc.args, tc.out, stdout.String(), stderr.String())
		}
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "full ok" {
		t.Errorf("left in %s: %v", dir, names)
	}
}
