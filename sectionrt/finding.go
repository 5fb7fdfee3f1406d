package sectionrt

import (
	"fmt"
	"strconv"
)

// Severity grades a Finding. The zero value is not a valid severity.
type Severity int

const (
	Note Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Note:
		return "note"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "Severity(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the severity as "error", "warning" or "note".
func (s Severity) MarshalText() ([]byte, error) {
	switch s {
	case Note, Warning, Error:
		return []byte(s.String()), nil
	}
	return nil, fmt.Errorf("invalid severity %d", int(s))
}

// UnmarshalText decodes "error", "warning" or "note".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "note":
		*s = Note
	case "warning":
		*s = Warning
	case "error":
		*s = Error
	default:
		return fmt.Errorf("invalid severity %q", b)
	}
	return nil
}

// Failing counts the findings that fail a check: every severity but Note.
func Failing(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity != Note {
			n++
		}
	}
	return n
}

// Rule identifiers of findings. They are stable: reports, suppressions and
// SARIF output refer to them.
const (
	// A symbol (or a compiler clone of it) is defined in a section other
	// than the expected one.
	RuleWrongSection = "placement/wrong-section"
	// A manifest symbol is not defined in the object: inlined, removed, or
	// defined in another object.
	RuleAbsent = "placement/absent"
	// init_module/cleanup_module is missing or does not alias the annotated
	// entry function.
	RuleEntryAlias = "placement/entry-alias"
	// The symbol's st_size differs from the expected size.
	RuleSize = "placement/size"
	// The object cannot be checked at all (not relocatable, no symbol table).
	RuleObject = "placement/object"
)

// Finding is one result of a check.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Object   string   `json:"object"`           // object file, as opened
	Symbol   string   `json:"symbol,omitempty"` // the symbol concerned (may be a clone: foo.constprop.0)
	Expected string   `json:"expected,omitempty"`
	Actual   string   `json:"actual,omitempty"`
	// Annotation is the position of the annotation, "file:line:col", or ""
	// when the finding is not tied to one.
	Annotation string `json:"annotation,omitempty"`
	Message    string `json:"message"`
	// Ref is the reference a section-mismatch finding (mismatch/...) is
	// about; nil for other findings.
	Ref *Reference `json:"ref,omitempty"`
}

// String formats the finding the way gcc reports diagnostics:
//
//	hello.c:17:1: error: hello_greetings is in .rodata, expected .init.rodata (initconst) [hello.ko]
//
// or, without an annotation position, starting with the object:
//
//	hello.ko: error: not a relocatable object (ET_EXEC) ...
func (f Finding) String() string {
	if f.Annotation == "" {
		return f.Object + ": " + f.Severity.String() + ": " + f.Message
	}
	s := f.Annotation + ": " + f.Severity.String() + ": " + f.Message
	if f.Object != "" {
		s += " [" + f.Object + "]"
	}
	return s
}
