package annotate

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/scanner"
	gotoken "go/token"
	"go/types"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/initsec/initsec/internal/clex"
)

// The Go scanner. Go files may annotate package-level variables whose values
// are known when gen runs, so that a table computed in Go (by a go generate
// step, say) is defined in C in the module's init sections:
//
//	//go:init-section initconst
//	var CRC32Table = [256]uint32{0x00000000, 0x77073096, ...}
//
// The directive grammar is the C one; in Go only the kinds initconst and
// initdata and the option c=NAME (the C name, default the snake_case of the
// Go name) apply. The directive must be in the doc comment of a
// package-level var declaring one name: directly above it, no blank line in
// between. A directive anywhere else (above a func, const or type, inside a
// function, after a blank line, at the end of a code line) is an error.
//
// The package is type-checked with go/types (imports from the standard
// library only), and each value must be
//
//   - a constant expression, for a scalar of type uint8 … uint64, int8 …
//     int64, bool or string (a string is a char array with its NUL);
//   - a composite literal whose elements are constant expressions, for an
//     array [N]T or slice []T of those integer types or bool; keyed elements
//     (index: value) are allowed, missing ones are zero;
//   - absent, for a scalar or array: the zero value.
//
// Named types count by their underlying type. int, uint and uintptr are
// refused (their size depends on the target), as are floats, complex
// numbers, pointers, structs, maps, nested arrays and arrays of strings.

// GoType is the C type of a Go table's elements.
type GoType int

const (
	GoInvalid GoType = iota
	GoU8
	GoU16
	GoU32
	GoU64
	GoS8
	GoS16
	GoS32
	GoS64
	GoBool
	GoChar // a string's bytes
)

var goTypes = [...]struct {
	c    string
	size int
}{
	GoU8: {"u8", 1}, GoU16: {"u16", 2}, GoU32: {"u32", 4}, GoU64: {"u64", 8},
	GoS8: {"s8", 1}, GoS16: {"s16", 2}, GoS32: {"s32", 4}, GoS64: {"s64", 8},
	GoBool: {"bool", 1}, GoChar: {"char", 1},
}

// C returns the kernel's name for the type (linux/types.h), e.g. "u32".
func (t GoType) C() string {
	if t <= GoInvalid || int(t) >= len(goTypes) {
		return ""
	}
	return goTypes[t].c
}

// Size returns the size of one element in bytes.
func (t GoType) Size() int {
	if t <= GoInvalid || int(t) >= len(goTypes) {
		return 0
	}
	return goTypes[t].size
}

// Signed reports whether the type is a signed integer.
func (t GoType) Signed() bool { return t >= GoS8 && t <= GoS64 }

// GoShape says how a Go table is laid out.
type GoShape int

const (
	GoScalar GoShape = iota + 1 // one value
	GoArray                     // [N]T or []T
	GoString                    // string: Len bytes and a NUL
)

// MaxGoTableLen bounds the number of elements of one Go table.
const MaxGoTableLen = 1 << 20

// GoVar is an annotated package-level Go variable and its value.
type GoVar struct {
	Directive        // Pos is the directive's position
	Name      string // the Go name
	CName     string // the C name: c=NAME, or the snake_case of Name
	Type      GoType
	Shape     GoShape
	// Values holds the elements (one for a scalar) as bit patterns: two's
	// complement for signed types, 0 or 1 for bool. Nil for a string.
	Values []uint64
	Str    string // the value of a string
	Pos    Pos    // position of the declared name
}

// Len returns the number of elements: 1 for a scalar, the byte length
// (without the NUL) for a string.
func (v GoVar) Len() int {
	switch v.Shape {
	case GoString:
		return len(v.Str)
	case GoScalar:
		return 1
	}
	return len(v.Values)
}

// Size returns the size in bytes of the C object gen defines for v.
func (v GoVar) Size() int {
	if v.Shape == GoString {
		return len(v.Str) + 1
	}
	return v.Len() * v.Type.Size()
}

// GoFile is one Go source file of a package to scan. Name becomes Pos.File.
type GoFile struct {
	Name string
	Src  []byte
}

// ScanGoDir scans the Go package in dir: the files the go command would
// build for the host (build constraints applied, no _test.go files).
// prefix is joined to each file's base name to form Pos.File, e.g.
// "tables". A missing directory, or one without buildable Go files, gives
// nil, nil.
func ScanGoDir(dir, prefix string) ([]GoVar, error) {
	if fi, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) || err == nil && !fi.IsDir() {
		return nil, nil
	}
	pkg, err := build.ImportDir(dir, 0)
	var noGo *build.NoGoError
	switch {
	case errors.As(err, &noGo):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("annotate: %s: %w", dir, err)
	}
	var files []GoFile
	for _, name := range pkg.GoFiles {
		src, err := readLimited(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		files = append(files, GoFile{Name: path.Join(prefix, name), Src: src})
	}
	return ScanGo(files)
}

func readLimited(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("annotate: %s: %w", p, err)
	}
	if len(src) > MaxFileSize {
		return nil, fmt.Errorf("annotate: %s: %w (limit %d bytes)", p, ErrTooLarge, MaxFileSize)
	}
	return src, nil
}

// ScanGo scans the files of one Go package. It returns the annotated
// variables sorted by position, or nil and an ErrorList holding every
// problem found (syntax and type errors included).
func ScanGo(files []GoFile) ([]GoVar, error) {
	s := &goScanner{fset: gotoken.NewFileSet()}
	var parsed []*ast.File
	for _, f := range files {
		if len(f.Src) > MaxFileSize {
			return nil, fmt.Errorf("annotate: %s: %w (limit %d bytes)", f.Name, ErrTooLarge, MaxFileSize)
		}
		af, err := parser.ParseFile(s.fset, f.Name, f.Src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			s.syntaxErrors(err)
			continue
		}
		s.src = append(s.src, f.Src)
		parsed = append(parsed, af)
	}
	if len(s.errs) > 0 {
		s.errs.Sort()
		return nil, s.errs
	}
	var found []pending
	for i, f := range parsed {
		found = append(found, s.directives(f, s.src[i])...)
	}
	if len(found) > 0 && len(s.errs) == 0 {
		s.check(parsed, found)
	}
	if len(s.errs) > 0 {
		s.errs.Sort()
		return nil, s.errs
	}
	slices.SortStableFunc(s.vars, func(a, b GoVar) int { return a.Directive.Pos.Compare(b.Directive.Pos) })
	return s.vars, nil
}

type goScanner struct {
	fset *gotoken.FileSet
	src  [][]byte
	info *types.Info
	vars []GoVar
	errs ErrorList
}

// pending is a directive attached to a var spec, before type-checking.
type pending struct {
	d    Directive
	dp   dirPos
	spec *ast.ValueSpec
}

func (s *goScanner) pos(p gotoken.Pos) Pos {
	q := s.fset.Position(p)
	return Pos{File: q.Filename, Line: q.Line, Col: q.Column}
}

func (s *goScanner) errorAt(p Pos, hint, format string, args ...any) {
	s.errs = append(s.errs, &Error{Pos: p, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// syntaxErrors records go/parser's errors with their positions.
func (s *goScanner) syntaxErrors(err error) {
	var list scanner.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			s.errorAt(Pos{File: e.Pos.Filename, Line: e.Pos.Line, Col: e.Pos.Column}, "fix the Go syntax", "%s", e.Msg)
		}
		return
	}
	s.errorAt(Pos{}, "fix the Go syntax", "%v", err)
}

// typeError records an error from go/types with its position.
func (s *goScanner) typeError(err error) {
	if e, ok := err.(types.Error); ok {
		s.errorAt(s.pos(e.Pos), "the Go tables package must type-check", "%s", e.Msg)
		return
	}
	s.errorAt(Pos{}, "the Go tables package must type-check", "%v", err)
}

// directives finds every directive comment in f and attaches it to the var
// spec whose doc comment holds it; any other directive is an error.
func (s *goScanner) directives(f *ast.File, src []byte) []pending {
	docs := fileDocs(f)
	var out []pending
	seen := map[*ast.ValueSpec]Pos{}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			s.nearMisses(c, src)
			if !strings.HasPrefix(c.Text, "//") {
				continue
			}
			p := s.pos(c.Slash)
			first := strings.TrimRight(c.Text, "\r")
			if !IsDirective(first) {
				continue
			}
			if !alone(src, s.fset.Position(c.Slash).Offset) {
				s.errorAt(p, "put the directive on a line of its own, directly above the var",
					"directive is not alone on its line")
				continue
			}
			d, dp, err := parseDirective(first, p)
			if err != nil {
				s.errs = append(s.errs, err)
				continue
			}
			if !s.fitsGo(d, dp) {
				continue
			}
			spec := s.annotatedVar(docs, cg, p)
			if spec == nil {
				continue
			}
			if first, ok := seen[spec]; ok {
				s.errorAt(p, fmt.Sprintf("the directive at %s already annotates it; keep one", first),
					"second directive above %s", spec.Names[0].Name)
				continue
			}
			seen[spec] = p
			out = append(out, pending{d: d, dp: dp, spec: spec})
		}
	}
	return out
}

// goDocs maps the doc comments of a file's declarations to what they
// document, so that a directive can be matched to its var.
type goDocs struct {
	spec  map[*ast.CommentGroup]*ast.ValueSpec // a package-level var that can be annotated
	group map[*ast.CommentGroup]*ast.GenDecl   // a parenthesised var group
	other map[*ast.CommentGroup]string         // another declaration: const, type, import or func
}

func fileDocs(f *ast.File) goDocs {
	docs := goDocs{
		spec:  map[*ast.CommentGroup]*ast.ValueSpec{},
		group: map[*ast.CommentGroup]*ast.GenDecl{},
		other: map[*ast.CommentGroup]string{},
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok != gotoken.VAR {
				docs.addOther(d)
				continue
			}
			if d.Doc != nil {
				if d.Lparen.IsValid() {
					docs.group[d.Doc] = d
				} else {
					docs.spec[d.Doc] = d.Specs[0].(*ast.ValueSpec)
				}
			}
			for _, sp := range d.Specs {
				if vs := sp.(*ast.ValueSpec); vs.Doc != nil {
					docs.spec[vs.Doc] = vs
				}
			}
		case *ast.FuncDecl:
			if d.Doc != nil {
				docs.other[d.Doc] = "func"
			}
		}
	}
	return docs
}

// addOther records the doc comments of a declaration other than var.
func (docs goDocs) addOther(d *ast.GenDecl) {
	if d.Doc != nil {
		docs.other[d.Doc] = d.Tok.String()
	}
	for _, sp := range d.Specs {
		switch sp := sp.(type) {
		case *ast.ValueSpec:
			if sp.Doc != nil {
				docs.other[sp.Doc] = d.Tok.String()
			}
		case *ast.TypeSpec:
			if sp.Doc != nil {
				docs.other[sp.Doc] = d.Tok.String()
			}
		}
	}
}

// annotatedVar is the single var that the directive at p in comment group
// cg annotates; nil, with the error recorded, when it annotates none.
func (s *goScanner) annotatedVar(docs goDocs, cg *ast.CommentGroup, p Pos) *ast.ValueSpec {
	spec := docs.spec[cg]
	switch {
	case spec != nil:
	case docs.group[cg] != nil:
		s.errorAt(p, "put a directive above each var inside the parenthesised group",
			"directive above a var group")
		return nil
	case docs.other[cg] != "":
		s.errorAt(p, "annotate a package-level var: only variables are defined as C data",
			"directive above a %s declaration", docs.other[cg])
		return nil
	default:
		s.errorAt(p, "put the directive directly above a package-level var, with no blank line in between",
			"directive has no package-level var under it")
		return nil
	}
	if len(spec.Names) != 1 {
		s.errorAt(s.pos(spec.Names[min(1, len(spec.Names)-1)].Pos()), "split it: one var per annotated name",
			"annotated var declares more than one name")
		return nil
	}
	return spec
}

// nearMisses reports the near-misses (nearmiss.go) in comment c of a file
// whose source is src. A block comment is read from src, where its offsets
// are those of the file (go/scanner drops its CRs from c.Text).
func (s *goScanner) nearMisses(c *ast.Comment, src []byte) {
	tf := s.fset.File(c.Slash)
	start := tf.Offset(c.Slash)
	text := c.Text
	if strings.HasPrefix(text, "/*") {
		end := bytes.Index(src[start:], []byte("*/"))
		if end < 0 {
			return // the parser has reported it
		}
		text = string(src[start : start+end+2])
	}
	for _, nm := range findNearMisses(text) {
		msg, hint := nm.message(strings.TrimRight(c.Text, "\r"))
		s.errorAt(s.pos(tf.Pos(start+nm.off)), hint, "%s", msg)
	}
}

// alone reports whether only white space precedes offset off on its line.
func alone(src []byte, off int) bool {
	for i := off - 1; i >= 0 && src[i] != '\n'; i-- {
		if !clex.IsSpace(src[i]) {
			return false
		}
	}
	return true
}

// fitsGo checks the parts of a directive that do not apply in Go.
func (s *goScanner) fitsGo(d Directive, dp dirPos) bool {
	ok := true
	if d.Kind != KindInitConst && d.Kind != KindInitData {
		s.errorAt(dp.kind, "Go vars become C data in .init.rodata (initconst) or .init.data (initdata)",
			"kind %s does not apply to a Go var", d.Kind)
		ok = false
	}
	if dp.opt[optBlob].Line != 0 {
		s.errorAt(dp.opt[optBlob], "blob= embeds a file from a C extern declaration; remove it here",
			"blob= applies to C extern declarations only")
		ok = false
	}
	return ok
}

// stdImporter imports packages from the standard library, from source.
type stdImporter struct{ std types.Importer }

func (im stdImporter) Import(p string) (*types.Package, error) {
	if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
		return nil, fmt.Errorf("import %q: Go tables may import the standard library only", p)
	}
	return im.std.Import(p)
}

func (s *goScanner) check(files []*ast.File, found []pending) {
	s.info = &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Defs:  map[*ast.Ident]types.Object{},
	}
	conf := types.Config{
		Importer: stdImporter{importer.ForCompiler(s.fset, "source", nil)},
		Error: func(err error) {
			if len(s.errs) < 10 {
				s.typeError(err)
			}
		},
	}
	_, _ = conf.Check(files[0].Name.Name, s.fset, files, s.info)
	if len(s.errs) > 0 {
		return
	}
	for _, p := range found {
		s.evaluate(p)
	}
	// Two Go vars with one C name would be two C definitions of it.
	byName := map[string]GoVar{}
	byLen := map[string]GoVar{}
	for _, v := range s.vars {
		if first, ok := byName[v.CName]; ok {
			s.errorAt(v.Directive.Pos, "give one of them another name with c=NAME",
				"%s and %s (at %s) both become C symbol %s", v.Name, first.Name, first.Directive.Pos, v.CName)
			continue
		}
		byName[v.CName] = v
		if v.Shape == GoScalar {
			continue
		}
		m := LenMacro(v.CName)
		if first, ok := byLen[m]; ok {
			s.errorAt(v.Directive.Pos, "give one of them another name with c=NAME",
				"%s and %s (at %s) both define %s", v.Name, first.Name, first.Directive.Pos, m)
			continue
		}
		byLen[m] = v
	}
}

// LenMacro returns the name of the length macro of a table: CRC_TABLE_LEN
// for crc_table.
func LenMacro(cname string) string { return strings.ToUpper(cname) + "_LEN" }

func (s *goScanner) evaluate(p pending) {
	id := p.spec.Names[0]
	obj, _ := s.info.Defs[id].(*types.Var)
	if obj == nil {
		s.errorAt(s.pos(id.Pos()), "annotate a package-level var", "%s is not a variable", id.Name)
		return
	}
	v := GoVar{Directive: p.d, Name: id.Name, Pos: s.pos(id.Pos())}
	if !s.cName(&v, p.d) {
		return
	}
	var expr ast.Expr
	if len(p.spec.Values) > 0 {
		expr = p.spec.Values[0]
	}
	var ok bool
	switch u := obj.Type().Underlying().(type) {
	case *types.Basic:
		ok = s.basicValue(&v, obj.Type(), u, expr)
	case *types.Array, *types.Slice:
		ok = s.arrayValue(&v, obj.Type(), expr)
	default:
		s.unsupported(v.Pos, obj.Type())
	}
	if ok {
		s.vars = append(s.vars, v)
	}
}

// cName sets v's C name: the directive's c=NAME, else v's Go name in
// snake case. It reports whether the name can be used.
func (s *goScanner) cName(v *GoVar, d Directive) bool {
	v.CName = d.CName
	if v.CName == "" {
		v.CName = SnakeCase(v.Name)
		if !isCIdent(v.CName) || v.Name == "_" {
			s.errorAt(v.Pos, "name it with c=NAME", "cannot derive a C name from %s", v.Name)
			return false
		}
	}
	if cReserved[v.CName] {
		s.errorAt(d.Pos, "choose another C name with c=NAME", "C name %s is a C keyword or type", v.CName)
		return false
	}
	return true
}

// basicValue sets v, of basic type u, to a scalar or a string with the
// value of expr (zero when nil).
func (s *goScanner) basicValue(v *GoVar, typ types.Type, u *types.Basic, expr ast.Expr) bool {
	t, ok := goType(u)
	if !ok {
		s.unsupported(v.Pos, typ)
		return false
	}
	if t == GoChar {
		return s.stringValue(v, expr)
	}
	v.Type, v.Shape = t, GoScalar
	var x uint64
	if expr != nil {
		c := s.constant(expr, "value of "+v.Name)
		if c == nil {
			return false
		}
		x = bits(c, t)
	}
	v.Values = []uint64{x}
	return true
}

// stringValue sets v, a string, to expr (empty when nil): a C string, so
// without NUL bytes.
func (s *goScanner) stringValue(v *GoVar, expr ast.Expr) bool {
	v.Shape = GoString
	if expr != nil {
		c := s.constant(expr, "value of "+v.Name)
		if c == nil {
			return false
		}
		v.Str = constant.StringVal(c)
	}
	if strings.IndexByte(v.Str, 0) >= 0 {
		s.errorAt(v.Pos, "C strings end at the first NUL; use a [N]uint8 array for binary data",
			"string %s contains a NUL byte", v.Name)
		return false
	}
	if len(v.Str) >= MaxGoTableLen {
		s.errorAt(v.Pos, "keep tables below 1 MiB elements", "string %s has %d bytes", v.Name, len(v.Str))
		return false
	}
	v.Type = GoChar
	return true
}

// arrayValue sets v, an array or slice of integers, to the elements of
// expr: a table of at least one and at most MaxGoTableLen elements.
func (s *goScanner) arrayValue(v *GoVar, typ types.Type, expr ast.Expr) bool {
	var elem types.Type
	n := int64(-1)
	switch u := typ.Underlying().(type) {
	case *types.Array:
		elem, n = u.Elem(), u.Len()
	case *types.Slice:
		elem = u.Elem()
	}
	b, ok := elem.Underlying().(*types.Basic)
	t, ok2 := goType(b)
	if !ok || !ok2 || t == GoChar {
		s.unsupported(v.Pos, typ)
		return false
	}
	if n > MaxGoTableLen {
		s.errorAt(v.Pos, fmt.Sprintf("keep tables at most %d elements", MaxGoTableLen), "%s has %d elements", v.Name, n)
		return false
	}
	v.Type, v.Shape = t, GoArray
	vals, ok := s.elements(expr, v.Pos, v.Name, t, n)
	if !ok {
		return false
	}
	v.Values = vals
	if len(v.Values) == 0 {
		s.errorAt(v.Pos, "give the table at least one element", "%s is empty", v.Name)
		return false
	}
	return true
}

func (s *goScanner) unsupported(at Pos, typ types.Type) {
	s.errorAt(at, "use uint8…uint64, int8…int64, bool or string, or an array or slice of those integer types or bool",
		"unsupported type %s for a Go table", typ)
}

// goType maps a basic Go type to its C element type; int, uint, uintptr,
// floats and complex numbers have none.
func goType(b *types.Basic) (GoType, bool) {
	if b == nil {
		return GoInvalid, false
	}
	switch b.Kind() {
	case types.Uint8:
		return GoU8, true
	case types.Uint16:
		return GoU16, true
	case types.Uint32:
		return GoU32, true
	case types.Uint64:
		return GoU64, true
	case types.Int8:
		return GoS8, true
	case types.Int16:
		return GoS16, true
	case types.Int32:
		return GoS32, true
	case types.Int64:
		return GoS64, true
	case types.Bool:
		return GoBool, true
	case types.String:
		return GoChar, true
	}
	return GoInvalid, false
}

// constant returns the constant value of expr, or records an error.
func (s *goScanner) constant(expr ast.Expr, what string) constant.Value {
	tv, ok := s.info.Types[expr]
	if !ok || tv.Value == nil {
		s.errorAt(s.pos(expr.Pos()), "write a constant expression: literals, constants and operators on them",
			"%s is not a constant", what)
		return nil
	}
	return tv.Value
}

// bits returns the value of c (a constant of type t) as a bit pattern.
func bits(c constant.Value, t GoType) uint64 {
	if t == GoBool {
		if constant.BoolVal(c) {
			return 1
		}
		return 0
	}
	if t.Signed() {
		x, _ := constant.Int64Val(c)
		return uint64(x)
	}
	x, _ := constant.Uint64Val(c)
	return x
}

// elements evaluates the composite literal of an array (n >= 0) or slice
// (n < 0) table.
func (s *goScanner) elements(expr ast.Expr, at Pos, name string, t GoType, n int64) ([]uint64, bool) {
	if expr == nil {
		if n < 0 {
			s.errorAt(at, "give the slice a composite literal value, or make it an array [N]T", "%s has no value", name)
			return nil, false
		}
		return make([]uint64, n), true
	}
	lit, ok := ast.Unparen(expr).(*ast.CompositeLit)
	if !ok {
		s.errorAt(s.pos(expr.Pos()), "write the table as a composite literal of constants, e.g. [4]uint8{1, 2, 3, 4}",
			"value of %s is not a composite literal", name)
		return nil, false
	}
	type kv struct {
		i int64
		v uint64
	}
	var vals []kv
	next, max := int64(0), int64(0)
	okAll := true
	for k, e := range lit.Elts {
		val := e
		if kve, ok := e.(*ast.KeyValueExpr); ok {
			c := s.constant(kve.Key, fmt.Sprintf("index of element %d of %s", k, name))
			if c == nil {
				okAll = false
				continue
			}
			next, _ = constant.Int64Val(c)
			val = kve.Value
		}
		if next >= MaxGoTableLen {
			s.errorAt(s.pos(e.Pos()), fmt.Sprintf("keep tables at most %d elements", MaxGoTableLen), "%s is too long", name)
			return nil, false
		}
		c := s.constant(val, fmt.Sprintf("element %d of %s", next, name))
		if c == nil {
			okAll = false
			next++
			continue
		}
		vals = append(vals, kv{next, bits(c, t)})
		next++
		if next > max {
			max = next
		}
	}
	if !okAll {
		return nil, false
	}
	if n < 0 {
		n = max
	}
	out := make([]uint64, n)
	for _, x := range vals {
		out[x.i] = x.v
	}
	return out, true
}

// SnakeCase converts a Go identifier to a C-style lower snake_case name:
// CRC32Table → crc32_table, crcTable → crc_table, HTTPServer → http_server.
func SnakeCase(name string) string {
	var b strings.Builder
	r := []rune(name)
	for i, c := range r {
		upper := c >= 'A' && c <= 'Z'
		if upper && i > 0 && r[i-1] != '_' {
			prev := r[i-1]
			prevLowerOrDigit := prev >= 'a' && prev <= 'z' || prev >= '0' && prev <= '9'
			nextLower := i+1 < len(r) && r[i+1] >= 'a' && r[i+1] <= 'z'
			prevUpper := prev >= 'A' && prev <= 'Z'
			if prevLowerOrDigit || prevUpper && nextLower {
				b.WriteByte('_')
			}
		}
		if upper {
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// cReserved are C keywords and the kernel's basic type names, which cannot
// name a generated definition.
var cReserved = set("auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
	"enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
	"short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
	"volatile", "while", "bool", "true", "false", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
	"size_t", "asm", "typeof", "alignas", "alignof", "static_assert", "thread_local", "nullptr", "constexpr")
