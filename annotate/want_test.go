package annotate

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the .golden files of testdata/errors")

// An expectation is an error a fixture says it must produce: a want comment,
// as in x/tools' analysistest, on the offending line,
//
//	static int x; // want "x is an object"
//
// or, where a comment cannot share the line (a directive is a line comment
// to its end), on a line of its own above it, with the offset of the line it
// means:
//
//	// want +1 `unknown kind "bogus"`
//	//go:init-section bogus
//
// A want may list several Go-quoted regexps, one per error on that line.
type expectation struct {
	line int
	rx   *regexp.Regexp
	met  bool
}

// wantComment finds a want comment: its offset ("+N", "-N" or "") and its
// quoted regexps.
var wantComment = regexp.MustCompile(`(?://|/\*)\s*want(?:\s+([+-]\d+))?\s+(.*)$`)

// expectations reads the want comments of src.
func expectations(t *testing.T, name string, src []byte) []*expectation {
	t.Helper()
	var exps []*expectation
	for i, line := range strings.Split(string(src), "\n") {
		m := wantComment.FindStringSubmatch(strings.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		at := i + 1
		if m[1] != "" {
			off, _ := strconv.Atoi(m[1]) // the pattern allows digits only
			at += off
		}
		rest := strings.TrimSuffix(strings.TrimSpace(m[2]), "*/")
		for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				t.Fatalf("%s:%d: malformed want comment %q", name, i+1, m[0])
			}
			rest = rest[len(q):]
			s, _ := strconv.Unquote(q)
			rx, err := regexp.Compile(s)
			if err != nil {
				t.Fatalf("%s:%d: want %s: %v", name, i+1, q, err)
			}
			exps = append(exps, &expectation{line: at, rx: rx})
		}
	}
	return exps
}

// checkWants reports every error in errs that no want comment of src
// expects on its line, and every want that no error met. Each want meets
// one error, whose message its regexp matches.
func checkWants(t *testing.T, name string, src []byte, errs ErrorList) {
	t.Helper()
	exps := expectations(t, name, src)
	for _, e := range errs {
		if e.Pos.File != name {
			t.Errorf("error in file %q, want %q: %v", e.Pos.File, name, e)
		}
		found := false
		for _, x := range exps {
			if !x.met && x.line == e.Pos.Line && x.rx.MatchString(e.Msg) {
				x.met, found = true, true
				break
			}
		}
		if !found {
			t.Errorf("unexpected error: %v", e)
		}
	}
	for _, x := range exps {
		if !x.met {
			t.Errorf("%s:%d: no error matched %#q", name, x.line, x.rx)
		}
	}
}

// checkGolden compares got with the file golden, or writes it with -update.
// The golden files pin what want comments leave open: columns and hints.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal([]byte(got), want) {
		t.Errorf("errors differ from %s:\n got:\n%s\nwant:\n%s", golden, got, want)
	}
}
