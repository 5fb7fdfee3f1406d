package findings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/initsec/initsec/sectionrt"
)

// results is one of each kind of outcome: a placement error at an
// annotation, a section mismatch (6.1 and 6.12), a note, and an object that
// could not be read.
func results(dir string) []Result {
	ref := func(version string) *sectionrt.Reference {
		return &sectionrt.Reference{
			Module: "hello", FromSym: "hello_ops", FromOff: 0x10, FromSec: ".data",
			ToSym: "hello_probe_init", ToSec: ".init.text", RelocType: "R_X86_64_64", RelocOffset: 0x50,
			Mismatch: "DATA_TO_ANY_INIT", ModpostFromSym: "hello_ops", ModpostFromOff: 0x10,
			ModpostToSym: "hello_probe_init", RuleVersion: version,
		}
	}
	mismatch := func(obj, version string) sectionrt.Finding {
		return sectionrt.Finding{
			Rule: sectionrt.RuleDataToInit, Severity: sectionrt.Warning, Object: obj, Symbol: "hello_ops",
			Message: "hello_ops+0x10 (section: .data) refers to hello_probe_init (section: .init.text)", Ref: ref(version),
		}
	}
	ko := filepath.Join(dir, "mod", "hello.ko")
	return []Result{
		{Object: ko, Rules: "6.1", Findings: []sectionrt.Finding{
			{Rule: sectionrt.RuleWrongSection, Severity: sectionrt.Error, Object: ko, Symbol: "hello_greetings",
				Expected: ".init.data", Actual: ".init.rodata", Annotation: filepath.Join(dir, "mod", "hello.c") + ":5:1",
				Message: "hello_greetings is in .init.rodata, expected .init.data (initdata)"},
			{Rule: sectionrt.RuleAbsent, Severity: sectionrt.Note, Object: ko, Symbol: "hello_helper",
				Annotation: filepath.Join(dir, "mod", "hello.c") + ":9:1", Message: "hello_helper is not in the object"},
			mismatch(ko, "6.1"),
		}},
		{Object: "/lib/modules/x/hello.ko.xz", Rules: "6.12", Findings: []sectionrt.Finding{mismatch("/lib/modules/x/hello.ko.xz", "6.12")}},
		{Object: filepath.Join(dir, "broken.ko"), Err: errors.New(filepath.Join(dir, "broken.ko") + ": truncated ELF header: 3 bytes")},
	}
}

func TestModpost(t *testing.T) {
	var b bytes.Buffer
	if err := Modpost(&b, results("/src")); err != nil {
		t.Fatal(err)
	}
	want := `/src/mod/hello.c:5:1: error: hello_greetings is in .init.rodata, expected .init.data (initdata) [/src/mod/hello.ko]
/src/mod/hello.c:9:1: note: hello_helper is not in the object [/src/mod/hello.ko]
WARNING: modpost: hello.o: section mismatch in reference: hello_ops (section: .data) -> hello_probe_init (section: .init.text)
WARNING: modpost: hello: section mismatch in reference: hello_ops+0x10 (section: .data) -> hello_probe_init (section: .init.text)
`
	if b.String() != want {
		t.Errorf("Modpost:\n%s\nwant:\n%s", b.String(), want)
	}
	if Failing(results("/src")) != 3 || Errors(results("/src")) != 1 {
		t.Errorf("Failing = %d, Errors = %d", Failing(results("/src")), Errors(results("/src")))
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, results("/src")); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Objects  int
		Findings []sectionrt.Finding
		Errors   []string
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Objects != 3 || len(doc.Findings) != 4 || len(doc.Errors) != 1 || doc.Findings[2].Ref == nil || doc.Findings[2].Ref.ToSym != "hello_probe_init" {
		t.Errorf("JSON round trip: %+v", doc)
	}
	b.Reset()
	if err := JSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"findings": []`) || !strings.Contains(b.String(), `"errors": []`) {
		t.Errorf("empty JSON report: %s", b.String())
	}
}

// TestSARIF validates the SARIF output against the SARIF 2.1.0 schema
// (testdata/README.md says where it comes from) and checks what GitHub
// code scanning needs beyond it: stable rule ids with descriptions, every
// result with a region.startLine, relative paths under %SRCROOT%.
func TestSARIF(t *testing.T) {
	root := t.TempDir()
	var b bytes.Buffer
	if err := SARIF(&b, results(root), SARIFOptions{Root: root}); err != nil {
		t.Fatal(err)
	}
	validate(t, b.Bytes())

	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	rules := map[string]bool{}
	for i, r := range run.Tool.Driver.Rules {
		rules[r.ID] = true
		if r.ShortDescription.Text == "" || r.FullDescription.Text == "" || r.Help.Text == "" || r.Name == "" {
			t.Errorf("rule %s lacks a description or help", r.ID)
		}
		if i > 0 && run.Tool.Driver.Rules[i-1].ID >= r.ID {
			t.Errorf("rules not sorted: %s before %s", run.Tool.Driver.Rules[i-1].ID, r.ID)
		}
	}
	for _, id := range []string{sectionrt.RuleWrongSection, sectionrt.RuleDataToInit, sectionrt.RuleExportInit, sectionrt.RuleTextToInit} {
		if !rules[id] {
			t.Errorf("rule %s not listed", id)
		}
	}
	if len(run.Results) != 4 {
		t.Fatalf("%d results, want 4", len(run.Results))
	}
	wantURIs := []string{"mod/hello.c", "mod/hello.c", "mod/hello.ko", "file:///lib/modules/x/hello.ko.xz"}
	for i, r := range run.Results {
		loc := r.Locations[0].PhysicalLocation
		if loc.Region == nil || loc.Region.StartLine < 1 {
			t.Errorf("result %d (%s): no region.startLine", i, r.RuleID)
		}
		if loc.ArtifactLocation.URI != wantURIs[i] {
			t.Errorf("result %d: uri %q, want %q", i, loc.ArtifactLocation.URI, wantURIs[i])
		}
		if rel := !strings.HasPrefix(wantURIs[i], "file:"); rel != (loc.ArtifactLocation.URIBaseID == "%SRCROOT%") {
			t.Errorf("result %d: uriBaseId %q", i, loc.ArtifactLocation.URIBaseID)
		}
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex %d is %s, not %s", i, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID, r.RuleID)
		}
		if len(r.PartialFingerprints[fingerprintKey]) != 32 {
			t.Errorf("result %d: fingerprint %v", i, r.PartialFingerprints)
		}
	}
	if got := run.Results[0].Locations[0].PhysicalLocation.Region; got.StartLine != 5 || got.StartColumn != 1 {
		t.Errorf("annotation region = %+v, want 5:1", got)
	}
	if levels := run.Results[0].Level + " " + run.Results[1].Level + " " + run.Results[2].Level; levels != "error note warning" {
		t.Errorf("levels %q", levels)
	}
	inv := run.Invocations[0]
	if inv.ExecutionSuccessful || len(inv.Notifications) != 1 || !strings.Contains(inv.Notifications[0].Message.Text, "broken.ko") {
		t.Errorf("invocation = %+v, want the unreadable object as an error notification", inv)
	}

	// An empty run is valid too.
	b.Reset()
	if err := SARIF(&b, nil, SARIFOptions{Root: root}); err != nil {
		t.Fatal(err)
	}
	validate(t, b.Bytes())
}

func validate(t *testing.T, doc []byte) {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("SARIF output does not validate against the SARIF 2.1.0 schema: %v\n%s", err, doc)
	}
}

func TestSplitPosition(t *testing.T) {
	for in, want := range map[string]string{"a/b.c:5:1": "a/b.c 5 1", "c:\\x.c:7": "c:\\x.c 7 0", "b.c": "!", "x:0:1": "x:0 1 0", "big.c:1234:56": "big.c 1234 56"} {
		f, l, c, ok := splitPosition(in)
		got := "!"
		if ok {
			got = fmt.Sprintf("%s %d %d", f, l, c)
		}
		if got != want {
			t.Errorf("splitPosition(%q) = %q, want %q", in, got, want)
		}
	}
}
