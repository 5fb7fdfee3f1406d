package main

import (
	"bytes"
	"strings"
	"testing"
)

// initsec plan on this repository: examples × the five targets, in every
// form; the emitted commands name the modules relative to the root.
func TestPlanCommand(t *testing.T) {
	for _, emit := range []string{"text", "json", "github", "k8s"} {
		var out, errb bytes.Buffer
		args := []string{"plan", "-emit", emit, "-image", "registry.example/root:{target}", "../../examples"}
		if code := run(&out, &errb, args); code != exitOK {
			t.Fatalf("%s: exit %d: %s", emit, code, errb.String())
		}
		s := out.String()
		for _, want := range map[string][]string{
			"text":   {"40 cell(s), 4 module(s) x 5 target(s)", "examples/hello@debian-sid/amd64:verify"},
			"json":   {`"hash": "sha256:`, `"step": "verify"`},
			"github": {"# file: .github/workflows/initsec-plan.yml", "plan run -hash \"$INITSEC_PLAN\" -target \"$TARGET\" -out \"cells/$SLUG\" examples", "- target: debian-12/6.1/arm64", "plan merge"},
			"k8s":    {"completionMode: Indexed", "JOB_COMPLETION_INDEX", "image: registry.example/root:debian-13_amd64", "- examples"},
		}[emit] {
			if !strings.Contains(s, want) {
				t.Errorf("-emit %s lacks %q", emit, want)
			}
		}
	}
	var out, errb bytes.Buffer
	if code := run(&out, &errb, []string{"plan", "-emit", "k8s", "../../examples"}); code != exitError || !strings.Contains(errb.String(), "image") {
		t.Errorf("k8s without -image: %d %s", code, errb.String())
	}
	errb.Reset()
	if code := run(&out, &errb, []string{"plan", "merge", "-hash", "sha256:00", "../../examples"}); code != exitError || !strings.Contains(errb.String(), "emitted for sha256:00") {
		t.Errorf("merge of another plan: %d %s", code, errb.String())
	}
	errb.Reset()
	if code := run(&out, &errb, []string{"plan", "merge", "-results", t.TempDir(), "../../examples"}); code != exitError || !strings.Contains(errb.String(), "no result") {
		t.Errorf("merge without results: %d %s", code, errb.String())
	}
}
