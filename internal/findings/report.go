// Package findings renders what `initsec verify` found, per object, in the
// formats CI consumes: gcc-style text, modpost's own lines (the format of
// each object's kernel release), JSON, and SARIF 2.1.0 for GitHub code
// scanning.
//
// Findings go to the writer given (stdout); errors (an object that could not
// be read or checked) are part of the JSON and SARIF documents, and are left
// to the caller for the line formats.
package findings

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/initsec/initsec/sectionrt"
)

// Result is what was found in one object.
type Result struct {
	// Object is the object's path as given on the command line or found
	// by walking a directory.
	Object string
	// Rules is the section-mismatch rule set the object was checked
	// with ("6.1", "6.12", "6.19", "7.0", "7.2"), "" when it was not checked for
	// mismatches.
	Rules    string
	Findings []sectionrt.Finding
	// Err is why the object could not be checked; its message names the
	// object.
	Err error
}

// Failing counts the findings that fail a check: every severity but note.
func Failing(rs []Result) int {
	n := 0
	for _, r := range rs {
		n += sectionrt.Failing(r.Findings)
	}
	return n
}

// Errors counts the objects that could not be checked.
func Errors(rs []Result) int {
	n := 0
	for _, r := range rs {
		if r.Err != nil {
			n++
		}
	}
	return n
}

// Text writes each finding in gcc's diagnostic format (Finding.String),
// one a line, objects in the order given.
func Text(w io.Writer, rs []Result) error {
	for _, r := range rs {
		for _, f := range r.Findings {
			if _, err := fmt.Fprintln(w, f.String()); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonReport is the -format json document. Its shape is stable:
// {"objects": N, "findings": [...], "errors": [...]}; findings are
// sectionrt.Finding as JSON, errors are messages naming the object.
type jsonReport struct {
	Objects  int                 `json:"objects"`
	Findings []sectionrt.Finding `json:"findings"`
	Errors   []string            `json:"errors"`
}

// JSON writes one indented JSON document for all results.
func JSON(w io.Writer, rs []Result) error {
	rep := jsonReport{Objects: len(rs), Findings: []sectionrt.Finding{}, Errors: []string{}}
	for _, r := range rs {
		rep.Findings = append(rep.Findings, r.Findings...)
		if r.Err != nil {
			rep.Errors = append(rep.Errors, r.Err.Error())
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
