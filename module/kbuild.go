package module

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/initsec/initsec/annotate"
)

// obj-m += hello.o, obj-m := a.o b.o, obj-$(CONFIG_FOO) += foo.o
var objmRE = regexp.MustCompile(`^\s*obj-(?:m|\$\([A-Z0-9_]+\))\s*[:+]?=\s*(.*)$`)

// moduleNames reads obj-m lines from the kbuild file in dir. pos[i] is
// where names[i] is written, in file.
func moduleNames(dir string) (names []string, pos []annotate.Pos, file string, err error) {
	for _, f := range []string{"Kbuild", "Makefile"} {
		data, err := readRegular(filepath.Join(dir, f))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, "", err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			text := sc.Text()
			m := objmRE.FindStringSubmatchIndex(text)
			if m == nil {
				continue
			}
			off := m[2]
			for _, w := range strings.Fields(text[off:]) {
				col := off + strings.Index(text[off:], w) + 1
				off = col - 1 + len(w)
				if strings.HasPrefix(w, "#") {
					break
				}
				if strings.HasSuffix(w, ".o") {
					names = append(names, strings.TrimSuffix(w, ".o"))
					pos = append(pos, annotate.Pos{File: f, Line: line, Col: col})
				}
			}
		}
		if len(names) > 0 {
			return names, pos, f, nil
		}
	}
	return nil, nil, "", nil
}

// IsModuleDir reports whether dir has a Kbuild or Makefile naming an obj-m.
func IsModuleDir(dir string) bool {
	names, _, _, err := moduleNames(dir)
	return err == nil && len(names) > 0
}

// FindModules returns every module directory at or below root, sorted.
// Hidden directories, testdata and vendor are skipped. A root that is a
// symbolic link to a directory is searched; links below it are not followed.
func FindModules(root string) ([]string, error) {
	var dirs []string
	walkRoot := root
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a link given as its root; a trailing
		// separator makes the kernel resolve it.
		walkRoot = root + string(filepath.Separator)
	}
	err := filepath.WalkDir(walkRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != walkRoot && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
			return filepath.SkipDir
		}
		if IsModuleDir(path) {
			dirs = append(dirs, path)
		}
		return nil
	})
	return dirs, err
}

// checkKbuild reads the module's kbuild file for the checks that generated
// objects need: the module must be composite (NAME-y or NAME-objs lists its
// objects; the fragment adds to that list), and Kbuild.initsec must be
// included after the last assignment that sets the list.
func checkKbuild(m *Module) annotate.ErrorList {
	data, err := os.ReadFile(filepath.Join(m.Dir, m.Kbuild))
	if err != nil {
		return annotate.ErrorList{{Pos: annotate.Pos{File: m.Kbuild, Line: 1, Col: 1}, Msg: err.Error()}}
	}
	objsRE := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(m.Name) + `-(?:y|objs|\$\([A-Z0-9_]+\))\s*([:+?]?)=`)
	inclRE := regexp.MustCompile(`^\s*(?:-|s)?include\s+\$\(src\)/` + regexp.QuoteMeta(KbuildFragment) + `\s*(?:#.*)?$`)
	objmLine, lastSet, include, last := 0, 0, 0, 0
	composite := false
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) != "" {
			last = n
		}
		if objmLine == 0 && objmRE.MatchString(line) {
			objmLine = n
		}
		if sm := objsRE.FindStringSubmatch(line); sm != nil {
			composite = true
			if sm[1] != "+" {
				lastSet = n
			}
		}
		if include == 0 && inclRE.MatchString(line) {
			include = n
		}
	}
	what := strings.Join(m.Objects(), " and ")
	var errs annotate.ErrorList
	if !composite {
		errs = append(errs, &annotate.Error{
			Pos: annotate.Pos{File: m.Kbuild, Line: max(objmLine, 1), Col: 1},
			Msg: fmt.Sprintf("module %s is not composite (kbuild builds it from %s.c alone), so %s cannot be linked into it", m.Name, m.Name, what),
			Hint: fmt.Sprintf("make it a composite module: rename %s.c (to main.c, say) and add \"%s-y := main.o\" after obj-m, then include $(src)/%s",
				m.Name, m.Name, KbuildFragment),
		})
	}
	switch {
	case include == 0:
		errs = append(errs, &annotate.Error{
			Pos:  annotate.Pos{File: m.Kbuild, Line: last + 1, Col: 1},
			Msg:  fmt.Sprintf("%s does not include the generated %s, which adds the %s", m.Kbuild, KbuildFragment, what),
			Hint: fmt.Sprintf("add this line after the %s-y line: include $(src)/%s", m.Name, KbuildFragment),
		})
	case lastSet > 0 && include < lastSet:
		errs = append(errs, &annotate.Error{
			Pos:  annotate.Pos{File: m.Kbuild, Line: include, Col: 1},
			Msg:  fmt.Sprintf("%s is included before line %d sets %s-y, which drops the objects it adds", KbuildFragment, lastSet, m.Name),
			Hint: fmt.Sprintf("move the include below line %d", lastSet),
		})
	}
	return errs
}
