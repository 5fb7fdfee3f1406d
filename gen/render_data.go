package gen

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/module"
)

// The blob stub and the data files are text templates over a dataView.
var (
	//go:embed blob_stub.S.tmpl
	blobStubText string
	//go:embed data.h.tmpl
	dataHeaderText string
	//go:embed data.c.tmpl
	dataSourceText string

	// Parsed on first use: every initsec command, verify too, starts by
	// initialising the packages of all of them.
	blobStubTemplate   = sync.OnceValue(func() *template.Template { return template.Must(template.New("blob_stub.S.tmpl").Parse(blobStubText)) })
	dataHeaderTemplate = sync.OnceValue(func() *template.Template { return template.Must(template.New("data.h.tmpl").Parse(dataHeaderText)) })
	dataSourceTemplate = sync.OnceValue(func() *template.Template { return template.Must(template.New("data.c.tmpl").Parse(dataSourceText)) })
)

// dataView is what the templates of the blob stub and the data files read.
type dataView struct {
	Header     string // the generated-code line
	Module     string
	TablesDir  string
	BlobStub   string // file names
	DataSource string
	DataHeader string
	Guard      string // the data header's include guard
	Blobs      []blobView
	Tables     []tableView
}

// blobView is one blob: its symbol NAME, the local label End after its
// bytes, and its size symbol Size.
type blobView struct {
	Origin         string // file:line: directive, for a comment
	Section, Flags string // of the .section directive
	Align          int
	Name, End      string
	Size           string
	Path           string // for .incbin, relative to the module directory
}

// tableView is one Go table as C: its declarator, the kernel's section
// macro and its initializer.
type tableView struct {
	Origin   string // file:line: directive, Go name, for a comment
	LenMacro string // NAME_LEN, or empty for a scalar
	Len      int
	Decl     string
	Macro    string
	Value    string
}

// newDataView checks what the templates write into a line (a comment, a
// label, an .incbin operand: no line breaks) and prepares their data.
func newDataView(m *module.Module) (*dataView, error) {
	if err := oneLine("module name", m.Name); err != nil {
		return nil, err
	}
	v := &dataView{
		Header:     HeaderC,
		Module:     m.Name,
		TablesDir:  module.GoTablesDir,
		BlobStub:   m.BlobStub(),
		DataSource: m.DataSource(),
		DataHeader: m.DataHeader(),
		Guard:      guardMacro(m),
	}
	for _, bl := range m.Blobs {
		if err := oneLine("blob", bl.Source, bl.Path, bl.Decl.Name); err != nil {
			return nil, err
		}
		flags := `"a"`
		if bl.Kind == annotate.KindInitData {
			flags = `"aw"`
		}
		v.Blobs = append(v.Blobs, blobView{
			Origin:  fmt.Sprintf("%s:%d: %s", bl.Source, bl.Pos.Line, directiveText(bl.Directive)),
			Section: bl.Kind.Section(),
			Flags:   flags,
			Align:   bl.Align,
			Name:    bl.Decl.Name,
			End:     ".L" + bl.Decl.Name + "_end",
			Size:    bl.SizeSymbol(),
			Path:    bl.Path,
		})
	}
	for _, t := range m.Tables {
		if err := oneLine("Go table", t.Directive.Pos.File, t.Name, t.CName); err != nil {
			return nil, err
		}
		tv := tableView{
			Origin: goOrigin(t),
			Decl:   cDecl(t),
			Macro:  t.Kind.Macro(),
			Value:  cInitializer(t),
		}
		if t.Shape != annotate.GoScalar {
			tv.LenMacro, tv.Len = annotate.LenMacro(t.CName), t.Len()
		}
		v.Tables = append(v.Tables, tv)
	}
	return v, nil
}

// oneLine reports the first of values that holds a line break.
func oneLine(what string, values ...string) error {
	for _, s := range values {
		if strings.ContainsAny(s, "\n\r") {
			return fmt.Errorf("%s %q: a line break cannot be written into a generated file", what, s)
		}
	}
	return nil
}

// renderDataFiles renders, for a module with generated objects, the data
// header and, as needed, the blob stub and the data source.
//
// The blob stub embeds every blob: each gets a global object symbol whose
// ELF size is the file's size, in the section of its kind, and a size
// symbol NAME_size (a const unsigned long in .init.rodata). Its text does
// not depend on the blobs' bytes: the assembler reads them (.incbin) when
// it assembles the stub.
//
// The data source defines the Go tables in C with the kernel's section
// macros; the data header declares them with their lengths, and the blobs'
// size symbols.
func renderDataFiles(m *module.Module) ([]File, error) {
	if !m.HasObjects() {
		return nil, nil
	}
	v, err := newDataView(m)
	if err != nil {
		return nil, err
	}
	out := []struct {
		path string
		t    func() *template.Template
		want bool
	}{
		{m.BlobStub(), blobStubTemplate, len(m.Blobs) > 0},
		{m.DataSource(), dataSourceTemplate, len(m.Tables) > 0},
		{m.DataHeader(), dataHeaderTemplate, true},
	}
	var files []File
	for _, o := range out {
		if !o.want {
			continue
		}
		var b bytes.Buffer
		if err := o.t().Execute(&b, v); err != nil {
			return nil, fmt.Errorf("render %s: %w", o.path, err)
		}
		files = append(files, File{Path: o.path, Content: b.Bytes()})
	}
	return files, nil
}

// guardMacro is the include guard of the data header.
func guardMacro(m *module.Module) string {
	var b strings.Builder
	for _, c := range strings.ToUpper(m.Name) {
		if c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return "_" + b.String() + "_INITSEC_DATA_H"
}

// cDecl returns the C declarator of a Go table without storage class or
// section: "const u32 crc32_table[CRC32_TABLE_LEN]".
func cDecl(v annotate.GoVar) string {
	q := ""
	if v.Kind == annotate.KindInitConst {
		q = "const "
	}
	switch v.Shape {
	case annotate.GoString:
		return fmt.Sprintf("%schar %s[%s + 1]", q, v.CName, annotate.LenMacro(v.CName))
	case annotate.GoArray:
		return fmt.Sprintf("%s%s %s[%s]", q, v.Type.C(), v.CName, annotate.LenMacro(v.CName))
	}
	return fmt.Sprintf("%s%s %s", q, v.Type.C(), v.CName)
}

// goOrigin says where a table's definition comes from, for a comment.
func goOrigin(v annotate.GoVar) string {
	return fmt.Sprintf("%s:%d: %s, Go %s", v.Directive.Pos.File, v.Directive.Pos.Line, directiveText(v.Directive), v.Name)
}

// cInitializer writes the value of a Go table as a C initializer. Numbers
// are written in hex for unsigned types and in decimal for signed ones, as
// many as fit in about 80 columns.
func cInitializer(v annotate.GoVar) string {
	switch v.Shape {
	case annotate.GoString:
		return cString(v.Str)
	case annotate.GoScalar:
		return cValue(v.Type, v.Values[0])
	}
	perLine := map[int]int{1: 12, 2: 8, 4: 6, 8: 3}[v.Type.Size()]
	var b strings.Builder
	b.WriteString("{\n")
	for i, x := range v.Values {
		if i%perLine == 0 {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(cValue(v.Type, x))
		b.WriteByte(',')
		if i%perLine == perLine-1 || i == len(v.Values)-1 {
			b.WriteByte('\n')
		}
	}
	b.WriteString("}")
	return b.String()
}

// cValue writes one element as a C constant of type t.
func cValue(t annotate.GoType, x uint64) string {
	switch {
	case t == annotate.GoBool:
		if x != 0 {
			return "true"
		}
		return "false"
	case t.Signed():
		v := int64(x)
		if t == annotate.GoS64 && v == math.MinInt64 {
			// 9223372036854775808 does not fit in any signed C type.
			return "(-9223372036854775807LL - 1)"
		}
		s := strconv.FormatInt(v, 10)
		if t == annotate.GoS64 {
			s += "LL"
		}
		return s
	}
	s := fmt.Sprintf("0x%0*x", 2*t.Size(), x)
	if t == annotate.GoU64 {
		s += "ULL"
	}
	return s
}

// cString writes s as a C string literal: printable ASCII as is, the rest
// as three-digit octal escapes (a hex escape would swallow following hex
// digits), '?' escaped so that no trigraph can form.
func cString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\' || c == '?':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// renderKbuildObjects writes the part of Kbuild.initsec that adds gen's
// objects to a composite module.
func renderKbuildObjects(b *bytes.Buffer, m *module.Module) {
	for _, o := range m.Objects() {
		fmt.Fprintf(b, "%s-y += %s\n", m.Name, o)
	}
	if len(m.Blobs) == 0 {
		return
	}
	b.WriteString("\n# The assembler runs in the kernel tree ($KDIR): let .incbin find the blobs.\n")
	b.WriteString("asflags-y += -Wa,-I$(src)\n")
	b.WriteString("\n# fixdep does not see .incbin: rebuild the stub when a blob changes.\n")
	var paths []string
	seen := map[string]bool{}
	for _, bl := range m.Blobs {
		if !seen[bl.Path] {
			seen[bl.Path] = true
			paths = append(paths, "$(src)/"+bl.Path)
		}
	}
	fmt.Fprintf(b, "$(obj)/%s: %s\n", strings.TrimSuffix(m.BlobStub(), ".S")+".o", strings.Join(paths, " "))
}
