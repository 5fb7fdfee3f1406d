package kbuild

import (
	"reflect"
	"strings"
	"testing"
)

// TestMakeArgs: the argv is Build's, for paths that need not exist here.
func TestMakeArgs(t *testing.T) {
	got, err := MakeArgs("/usr/src/linux-headers-X", "/build/hello", Options{
		KDIR: "/ignored", W: "1", Jobs: 2, Vars: []string{"KCFLAGS=-g"},
	})
	want := []string{"-C", "/usr/src/linux-headers-X", "M=/build/hello", "W=1", "-j2",
		"CONFIG_SECTION_MISMATCH_WARN_ONLY=", "KCFLAGS=-g", "modules"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("MakeArgs = %q, %v\nwant %q", got, err, want)
	}
	got, _ = MakeArgs("K", "D", Options{Arch: "arm64", CrossCompile: "aarch64-linux-gnu-", MismatchWarnOnly: true})
	want = []string{"-C", "K", "M=D", "ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-", "CONFIG_SECTION_MISMATCH_WARN_ONLY=y", "modules"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MakeArgs = %q\nwant %q", got, want)
	}
	if _, err := MakeArgs("K", "D", Options{Vars: []string{"NOEQUALS"}}); err == nil || !strings.Contains(err.Error(), "NAME=VALUE") {
		t.Errorf("MakeArgs with a bad variable: err = %v", err)
	}
}
