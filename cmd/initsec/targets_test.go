package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The targets verb's contract where no archive is needed: help, usage
// errors, no targets file, a malformed one.
func TestTargetsUsage(t *testing.T) {
	none := t.TempDir()
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "initsec.targets"), []byte("debian-12/6.1/amd64\ndebian-12/6.1/i386\n"), 0o644)
	for _, c := range []struct {
		args   []string
		want   int
		stdout string
		stderr string
	}{
		{[]string{"targets", "-h"}, exitOK, "", "Usage: initsec targets"},
		{[]string{"targets", "-update", "-check", none}, exitError, "", "-update and -check exclude each other"},
		{[]string{"targets", none, none}, exitError, "", "at most one directory"},
		{[]string{"targets", "-check", none}, exitOK, "no initsec.targets: builds use the host's kernel or $KDIR", ""},
		{[]string{"targets", "-check", bad}, exitError, "", `initsec.targets:2:15: target "debian-12/6.1/i386": unknown architecture "i386"`},
	} {
		var stdout, stderr bytes.Buffer
		got := run(&stdout, &stderr, c.args)
		if got != c.want || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d, %q, %q", c.args, got, stdout.String(), stderr.String(), c.want, c.stdout, c.stderr)
		}
	}
}
