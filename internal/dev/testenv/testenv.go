// Package testenv holds what initsec's tests share about their environment.
//
// The rule it enforces: a test that needs a tool or package that is
// missing skips with the reason on a developer's machine, and fails under
// CI=true, where the test command (go run mage.go test) installs
// everything first.
package testenv

import (
	"os"
	"testing"
)

// CI reports whether the tests run under CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// SkipOrFail skips the test with the reason, or fails it under CI=true.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if CI() {
		t.Fatalf("CI=true: "+format, args...)
	}
	t.Skipf(format, args...)
}
