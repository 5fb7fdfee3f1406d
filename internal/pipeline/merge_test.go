package pipeline

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/initsec/initsec/sectionrt"
)

// Cells in any order merge to the same sorted table; a cell twice is an
// error; SARIF carries the findings and the failed cells.
func TestMergeCells(t *testing.T) {
	cells := []Cell{
		{Module: "examples/x", Target: "debian-sid/amd64", Error: "make failed", Seconds: 1},
		{Module: "examples/hello", Target: "debian-sid/amd64", Built: true, Placed: 4, Entries: 4, Seconds: 2,
			Findings: 1, FindingList: []sectionrt.Finding{{Rule: "placement", Severity: sectionrt.Error, Object: "hello.ko", Message: "m"}}},
		{Module: "examples/hello", Target: "debian-12/6.1/amd64", Built: true, Seconds: 0.5},
	}
	m, err := MergeCells(cells)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Cells[0].Target + " " + m.Cells[1].Target + " " + m.Cells[2].Module; got != "debian-12/6.1/amd64 debian-sid/amd64 examples/x" {
		t.Errorf("order: %s", got)
	}
	if strings.Join(m.Targets, ",") != "debian-12/6.1/amd64,debian-sid/amd64" || len(m.Modules) != 2 || m.Seconds != 3.5 {
		t.Errorf("merged %+v", m)
	}
	rev := []Cell{cells[2], cells[0], cells[1]}
	m2, _ := MergeCells(rev)
	var a, b bytes.Buffer
	m.WriteTable(&a)
	m2.WriteTable(&b)
	if a.String() != b.String() {
		t.Errorf("order of input changes the table:\n%s\n%s", a.String(), b.String())
	}
	if _, err := MergeCells(append(cells, cells[0])); err == nil {
		t.Error("duplicate cell merged")
	}
	var s bytes.Buffer
	if err := m.WriteSARIF(&s); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results     []json.RawMessage `json:"results"`
			Invocations []struct {
				OK            bool              `json:"executionSuccessful"`
				Notifications []json.RawMessage `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(s.Bytes(), &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) != 1 || log.Runs[0].Invocations[0].OK {
		t.Errorf("SARIF: %v\n%s", err, s.String())
	}
}
