package gen

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/module"
)

// renderBlobStub writes the assembler stub that embeds every blob. Each
// blob gets a global object symbol whose ELF size is the file's size, in the
// section of its kind, and a size symbol NAME_size (a const unsigned long in
// .init.rodata). The text does not depend on the blobs' bytes: the assembler
// reads them (.incbin) when it assembles the stub.
func renderBlobStub(m *module.Module) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", HeaderC)
	fmt.Fprintf(&b, "/*\n * Blobs of module %s, from its //go:init-section blob= directives.\n", m.Name)
	b.WriteString(" * The assembler reads each file when it assembles this stub (.incbin;\n")
	b.WriteString(" * Kbuild.initsec adds -Wa,-I$(src) so that it finds them, and makes this\n")
	b.WriteString(" * object depend on them so that kbuild rebuilds it when one changes).\n")
	fmt.Fprintf(&b, " * The C declarations of the size symbols are in %s.\n", m.DataHeader())
	b.WriteString(" * Regenerate with `initsec generate`.\n */\n")
	for _, bl := range m.Blobs {
		name, end := bl.Decl.Name, ".L"+bl.Decl.Name+"_end"
		flags := `"a"`
		if bl.Kind == annotate.KindInitData {
			flags = `"aw"`
		}
		fmt.Fprintf(&b, "\n/* %s:%d: %s */\n", bl.Source, bl.Pos.Line, directiveText(bl.Directive))
		fmt.Fprintf(&b, "\t.section %s, %s\n", bl.Kind.Section(), flags)
		fmt.Fprintf(&b, "\t.balign %d\n", bl.Align)
		fmt.Fprintf(&b, "\t.globl %s\n", name)
		fmt.Fprintf(&b, "\t.type %s, %%object\n", name)
		fmt.Fprintf(&b, "%s:\n", name)
		fmt.Fprintf(&b, "\t.incbin \"%s\"\n", bl.Path)
		fmt.Fprintf(&b, "%s:\n", end)
		fmt.Fprintf(&b, "\t.size %s, %s - %s\n", name, end, name)
		size := bl.SizeSymbol()
		b.WriteString("\n\t.section .init.rodata, \"a\"\n")
		b.WriteString("\t.balign __SIZEOF_LONG__\n")
		fmt.Fprintf(&b, "\t.globl %s\n", size)
		fmt.Fprintf(&b, "\t.type %s, %%object\n", size)
		fmt.Fprintf(&b, "%s:\n", size)
		b.WriteString("#if __SIZEOF_LONG__ == 8\n")
		fmt.Fprintf(&b, "\t.quad %s - %s\n", end, name)
		b.WriteString("#else\n")
		fmt.Fprintf(&b, "\t.long %s - %s\n", end, name)
		b.WriteString("#endif\n")
		fmt.Fprintf(&b, "\t.size %s, __SIZEOF_LONG__\n", size)
	}
	return b.Bytes()
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

// goOrigin is the comment that says where a definition comes from.
func goOrigin(v annotate.GoVar) string {
	return fmt.Sprintf("/* %s:%d: %s, Go %s */", v.Directive.Pos.File, v.Directive.Pos.Line, directiveText(v.Directive), v.Name)
}

// renderDataHeader declares what gen defines for C: the Go tables with
// their lengths, and the blobs' size symbols.
func renderDataHeader(m *module.Module) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", HeaderC)
	fmt.Fprintf(&b, "/*\n * Data that initsec defines for module %s:\n", m.Name)
	if len(m.Tables) > 0 {
		fmt.Fprintf(&b, " * - tables declared in Go (the package in %s/), defined in %s;\n", module.GoTablesDir, m.DataSource())
	}
	if len(m.Blobs) > 0 {
		fmt.Fprintf(&b, " * - the sizes of the blob= files, defined in %s;\n", m.BlobStub())
	}
	b.WriteString(" * all in init sections, freed once the module's init function returns:\n")
	b.WriteString(" * use them from init code only. Regenerate with `initsec generate`.\n */\n")
	g := guardMacro(m)
	fmt.Fprintf(&b, "#ifndef %s\n#define %s\n\n#include <linux/types.h>\n", g, g)
	for _, v := range m.Tables {
		fmt.Fprintf(&b, "\n%s\n", goOrigin(v))
		if v.Shape != annotate.GoScalar {
			fmt.Fprintf(&b, "#define %s %d\n", annotate.LenMacro(v.CName), v.Len())
		}
		fmt.Fprintf(&b, "extern %s;\n", cDecl(v))
	}
	for _, bl := range m.Blobs {
		fmt.Fprintf(&b, "\n/* %s:%d: %s: the size of %s in bytes */\n", bl.Source, bl.Pos.Line, directiveText(bl.Directive), bl.Decl.Name)
		fmt.Fprintf(&b, "extern const unsigned long %s;\n", bl.SizeSymbol())
	}
	fmt.Fprintf(&b, "\n#endif /* %s */\n", g)
	return b.Bytes()
}

// renderDataSource defines the Go tables in C, with the kernel's section
// macros. Numbers are written in hex for unsigned types and in decimal for
// signed ones, as many as fit in about 80 columns.
func renderDataSource(m *module.Module) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", HeaderC)
	fmt.Fprintf(&b, "/*\n * Tables of module %s declared in Go, from the //go:init-section\n", m.Name)
	fmt.Fprintf(&b, " * directives in the Go package in %s/. Regenerate with `initsec generate`.\n */\n", module.GoTablesDir)
	fmt.Fprintf(&b, "#include <linux/types.h>\n#include <linux/init.h>\n#include \"%s\"\n", m.DataHeader())
	for _, v := range m.Tables {
		fmt.Fprintf(&b, "\n%s\n", goOrigin(v))
		fmt.Fprintf(&b, "%s %s = ", cDecl(v), v.Kind.Macro())
		switch v.Shape {
		case annotate.GoString:
			fmt.Fprintf(&b, "%s;\n", cString(v.Str))
		case annotate.GoScalar:
			fmt.Fprintf(&b, "%s;\n", cValue(v.Type, v.Values[0]))
		default:
			// About 80 columns per line.
			perLine := map[int]int{1: 12, 2: 8, 4: 6, 8: 3}[v.Type.Size()]
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
			b.WriteString("};\n")
		}
	}
	return b.Bytes()
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
