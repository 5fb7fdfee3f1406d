package module

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/initsec/initsec/annotate"
)

// MaxBlobSize bounds a blob= file. The module loader allocates init memory
// with the rest of the module; beyond this a file is better loaded with
// request_firmware.
const MaxBlobSize = 64 << 20

// defaultBlobAlign is the alignment of a blob without __aligned(N).
const defaultBlobAlign = 8

// Blob is a blob= annotation and the file it embeds.
type Blob struct {
	annotate.Annotation
	Source string // the annotated file, relative to the module directory
	Path   string // the blob, relative to the module directory, cleaned
	Size   int64  // its size in bytes when Load ran
	Align  int    // from __aligned(N) on the declaration, else 8
}

// SizeSymbol is the name of the blob's size symbol: NAME_size, a const
// unsigned long in .init.rodata.
func (b Blob) SizeSymbol() string { return b.Decl.Name + "_size" }

// makeSafe are the characters a blob path may use: it is written into
// Kbuild.initsec as a make prerequisite, where white space, $, #, :, %, ;
// and wildcards mean something.
var makeSafe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._+,@/-]+$`) })

// optionPos returns the position of option name= in the directive at p,
// found in src; p itself when it cannot be found.
func optionPos(src []byte, p annotate.Pos, name string) annotate.Pos {
	lines := bytes.SplitAfter(src, []byte("\n"))
	if p.Line < 1 || p.Line > len(lines) {
		return p
	}
	line := lines[p.Line-1]
	from := min(max(p.Col-1, 0), len(line))
	if i := bytes.Index(line[from:], []byte(" "+name+"=")); i >= 0 {
		return annotate.Pos{File: p.File, Line: p.Line, Col: from + i + 2 + len(name) + 1}
	}
	if i := bytes.Index(line[from:], []byte("\t"+name+"=")); i >= 0 {
		return annotate.Pos{File: p.File, Line: p.Line, Col: from + i + 2 + len(name) + 1}
	}
	return p
}

// checkBlob validates a blob= annotation against the file system: the file
// must exist inside the module directory (after resolving symlinks), be a
// regular, non-empty file no larger than MaxBlobSize, and its path must be
// safe to write into Kbuild.initsec.
func checkBlob(dir string, src []byte, source string, a annotate.Annotation) (Blob, *annotate.Error) {
	at := optionPos(src, a.Pos, "blob")
	fail := func(hint, format string, args ...any) (Blob, *annotate.Error) {
		return Blob{}, &annotate.Error{Pos: at, Msg: fmt.Sprintf(format, args...), Hint: hint}
	}
	rel := path.Clean(a.Blob)
	switch {
	case path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../"):
		return fail("keep the file inside the module directory", "blob= path %s leaves the module directory", a.Blob)
	case rel == ".":
		return fail("name a file", "blob= path %s is the module directory", a.Blob)
	case !makeSafe().MatchString(rel):
		return fail("rename the file using letters, digits and . _ + , @ - /: the path is a make prerequisite in Kbuild.initsec",
			"blob= path %q has characters make would interpret", a.Blob)
	}
	full := filepath.Join(dir, filepath.FromSlash(rel))
	real, err := filepath.EvalSymlinks(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("add the file, or fix the path: it is relative to the module directory",
			"blob file %s does not exist", rel)
	case err != nil:
		return fail("make the file readable", "blob file %s: %v", rel, err)
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fail("", "module directory: %v", err)
	}
	if r, err := filepath.Rel(realDir, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return fail("copy the file into the module directory: the module's sources must be self-contained",
			"blob file %s resolves through a symlink to %s, outside the module directory", rel, real)
	}
	fi, err := os.Stat(real)
	switch {
	case err != nil:
		return fail("make the file readable", "blob file %s: %v", rel, err)
	case !fi.Mode().IsRegular():
		return fail("point blob= at a regular file", "blob file %s is not a regular file", rel)
	case fi.Size() == 0:
		return fail("an empty blob embeds nothing: fill the file or remove the annotation", "blob file %s is empty", rel)
	case fi.Size() > MaxBlobSize:
		return fail(fmt.Sprintf("embed at most %d bytes; load larger data with request_firmware", MaxBlobSize),
			"blob file %s is %d bytes", rel, fi.Size())
	}
	align, err := declAlign(a.Decl.Text)
	if err != nil {
		return Blob{}, &annotate.Error{Pos: a.Decl.Pos, Msg: fmt.Sprintf("%s: %v", a.Decl.Name, err),
			Hint: "write __aligned(N) with a power of two from 1 to 4096 as an integer literal; the assembler stub cannot evaluate C expressions"}
	}
	return Blob{Annotation: a, Source: source, Path: rel, Size: fi.Size(), Align: align}, nil
}

var alignedRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b(?:__aligned|aligned|__aligned__)\s*\(([^()]*)\)`) })

// declAlign returns the alignment a declaration asks for with __aligned(N)
// or __attribute__((aligned(N))), or the default.
func declAlign(text string) (int, error) {
	m := alignedRE().FindAllStringSubmatch(text, -1)
	if len(m) == 0 {
		return defaultBlobAlign, nil
	}
	arg := strings.TrimSpace(m[len(m)-1][1])
	n, err := strconv.ParseUint(strings.TrimRight(arg, "uUlL"), 0, 16)
	if err != nil || n == 0 || n&(n-1) != 0 || n > 4096 {
		return 0, fmt.Errorf("alignment %q is not a power of two from 1 to 4096", arg)
	}
	return int(n), nil
}
