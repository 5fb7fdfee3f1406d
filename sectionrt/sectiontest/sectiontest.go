// Package sectiontest checks a built kernel module from a Go test. It is
// what the generated initsec/initsec_gen_test.go of a module calls, so that
// a fix to the check ships with the library instead of needing every
// repository to regenerate.
//
// Check runs the whole check `initsec verify` runs on one object:
//
//   - placement: every entry of the manifest in its expected section
//     (sectionrt.CheckPlacement);
//   - section mismatches: modpost's rules for the kernel release the object
//     was built for, read from its vermagic (sectionrt.RulesForRelease,
//     sectionrt.CheckMismatch).
//
// Its contract with the test:
//
//   - the object does not exist (not built yet): the test is skipped, with
//     a message saying how to build it — unless the environment has
//     INITSEC_REQUIRE_BUILT=1 (a CI step that runs after the build sets
//     it), where a missing object fails the test instead;
//   - the object cannot be read or checked (malformed, not relocatable, no
//     symbol table, no vermagic to choose the rules by): the test fails and
//     stops (Fatalf);
//   - a finding that is not a note (placement errors, section-mismatch
//     warnings): the test fails (Errorf), one call per finding, in
//     sectionrt.Finding's gcc-style format;
//   - a note (an annotated symbol the compiler inlined or removed): logged
//     (Logf), the test passes.
//
// Findings are the ones `initsec verify` reports for the object with the
// same manifest, except that annotation positions stay as the manifest
// has them (relative to the module directory).
package sectiontest

import (
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/initsec/initsec/sectionrt"
)

// RequireBuiltEnv names the environment variable that, set to 1, makes a
// missing object a failure rather than a skip: for a CI step that runs the
// tests after the build, where a missing .ko means the build did not make
// it.
const RequireBuiltEnv = "INITSEC_REQUIRE_BUILT"

// Check checks the kernel module at ko against manifest and against the
// section-mismatch rules of the kernel it was built for, reporting to t as
// the package documentation says. It returns after any Skipf or Fatalf, so
// a testing.TB whose Skipf or Fatalf returns is safe to pass.
func Check(t testing.TB, ko string, manifest sectionrt.Manifest) {
	t.Helper()
	if _, err := os.Stat(ko); errors.Is(err, fs.ErrNotExist) {
		if os.Getenv(RequireBuiltEnv) == "1" {
			t.Fatalf("%s is not built, and %s=1 says it must be: %v", ko, RequireBuiltEnv, err)
			return
		}
		t.Skipf("%s is not built (run `mage initsec:build` or `initsec build`): %v", ko, err)
		return
	}
	o, err := sectionrt.Open(ko)
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	defer o.Close()

	placement := sectionrt.CheckPlacement(o, manifest)
	if len(placement) == 1 && placement[0].Rule == sectionrt.RuleObject {
		// Not relocatable or no symbol table: nothing else can be said.
		t.Fatalf("%v", placement[0])
		return
	}
	release := o.KernelRelease()
	if release == "" {
		t.Fatalf("%s: no vermagic in .modinfo: cannot choose the section-mismatch rules (is it a kernel module built by kbuild?)", ko)
		return
	}
	rules, err := sectionrt.RulesForRelease(release)
	if err != nil {
		t.Fatalf("%s: %v", ko, err)
		return
	}
	mismatches, err := sectionrt.CheckMismatch(o, rules)
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	for _, f := range append(placement, mismatches...) {
		if f.Severity == sectionrt.Note {
			t.Logf("%v", f)
		} else {
			t.Errorf("%v", f)
		}
	}
}
