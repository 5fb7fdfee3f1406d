package annotate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Kind is the init-section kind a directive asks for.
type Kind int

const (
	KindInvalid Kind = iota
	KindInit
	KindExit
	KindInitData
	KindInitConst
	KindExitData
	KindRef
	KindRefData
	KindRefConst
)

type kindInfo struct {
	name, macro, section string
	function             bool // attaches to a function definition
	constObj             bool // object must be const
}

// Sections and macros as in include/linux/init.h (v6.1 and v6.19 agree).
var kinds = [...]kindInfo{
	KindInit:      {"init", "__init", ".init.text", true, false},
	KindExit:      {"exit", "__exit", ".exit.text", true, false},
	KindInitData:  {"initdata", "__initdata", ".init.data", false, false},
	KindInitConst: {"initconst", "__initconst", ".init.rodata", false, true},
	KindExitData:  {"exitdata", "__exitdata", ".exit.data", false, false},
	KindRef:       {"ref", "__ref", ".ref.text", true, false},
	KindRefData:   {"refdata", "__refdata", ".ref.data", false, false},
	KindRefConst:  {"refconst", "__refconst", ".ref.rodata", false, true},
}

// ParseKind returns the Kind named s, or KindInvalid.
func ParseKind(s string) Kind {
	for k, info := range kinds {
		if k != 0 && info.name == s {
			return Kind(k)
		}
	}
	return KindInvalid
}

// KindNames lists the valid kind names in grammar order.
func KindNames() []string {
	var names []string
	for k := KindInit; k <= KindRefConst; k++ {
		names = append(names, k.String())
	}
	return names
}

func (k Kind) valid() bool { return k > KindInvalid && int(k) < len(kinds) }

// String returns the kind's name as written in a directive.
func (k Kind) String() string {
	if !k.valid() {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kinds[k].name
}

// Macro returns the include/linux/init.h macro for the kind, e.g. "__init".
func (k Kind) Macro() string {
	if !k.valid() {
		return ""
	}
	return kinds[k].macro
}

// Section returns the ELF section the macro places the symbol in.
func (k Kind) Section() string {
	if !k.valid() {
		return ""
	}
	return kinds[k].section
}

// IsFunction reports whether the kind attaches to a function definition.
func (k Kind) IsFunction() bool { return k.valid() && kinds[k].function }

// NeedsConst reports whether the annotated object must be const.
func (k Kind) NeedsConst() bool { return k.valid() && kinds[k].constObj }

// IsRef reports whether the kind is one of the .ref.* kinds, which need a reason.
func (k Kind) IsRef() bool { return k == KindRef || k == KindRefData || k == KindRefConst }

// InitcallLevels are the levels accepted by initcall=, in init order
// (include/linux/init.h; rootfs sits between fs and device).
var InitcallLevels = []string{"early", "pure", "core", "postcore", "arch", "subsys", "fs", "rootfs", "device", "late"}

// Pos is a position in a source file. Line and Col are 1-based; Col counts bytes.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// Compare orders positions by file name, then line, then column, returning
// -1, 0 or +1 as cmp.Compare does. It is the one order in which scans report
// errors and annotations.
func (p Pos) Compare(q Pos) int {
	return cmp.Or(
		strings.Compare(p.File, q.File),
		cmp.Compare(p.Line, q.Line),
		cmp.Compare(p.Col, q.Col),
	)
}

func (p Pos) String() string {
	if p.File == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Directive is one parsed //go:init-section line.
type Directive struct {
	Kind     Kind
	Initcall string // initcall=LEVEL, "" when absent
	Entry    bool   // entry
	Blob     string // blob=PATH, "" when absent
	Reason   string // reason="...", unquoted
	CName    string // c=NAME (Go files)
	Pos      Pos    // position of the "//" that starts the directive
}

// DeclKind says what a directive's declaration is.
type DeclKind int

const (
	DeclFunc   DeclKind = iota + 1 // function definition (has a body)
	DeclObject                     // object definition (with or without initialiser)
	DeclExtern                     // extern object declaration
)

func (d DeclKind) String() string {
	switch d {
	case DeclFunc:
		return "function definition"
	case DeclObject:
		return "object definition"
	case DeclExtern:
		return "extern declaration"
	}
	return fmt.Sprintf("DeclKind(%d)", int(d))
}

// Decl is the declaration a directive attaches to.
type Decl struct {
	Kind   DeclKind
	Name   string // the declared identifier
	Static bool   // has the static storage class
	Const  bool   // the object itself is const (not merely pointed-to data)
	Array  bool   // the declarator is an array
	// Text is the declaration without body, initialiser, trailing ';' or
	// comments, white space collapsed to single spaces, e.g.
	// "static const struct pci_device_id hello_ids[]". Appending " MACRO;"
	// gives a valid redeclaration.
	Text string
	Pos  Pos // position of the declaration's first token
}

// Annotation is a directive together with the declaration under it.
type Annotation struct {
	Directive
	Decl Decl
}

// Error is a positioned error in a source file.
type Error struct {
	Pos  Pos
	Msg  string
	Hint string // how to fix it; may be empty
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (hint: ")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// ErrorList is a list of *Error, sorted by position. It is returned as an
// error when a scan finds one or more problems.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Sort sorts the list by position (Pos.Compare). The sort is stable:
// errors at the same position keep the order in which they were found.
func (l ErrorList) Sort() {
	slices.SortStableFunc(l, func(a, b *Error) int { return a.Pos.Compare(b.Pos) })
}

// Unwrap lets errors.As find the individual *Error values.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
