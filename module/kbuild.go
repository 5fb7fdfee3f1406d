package module

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/initsec/initsec/annotate"
	"github.com/initsec/initsec/kbuild"
)

// Discovery methods: how the modules of a directory were found.
const (
	// ByMake: make evaluated the kbuild file (probe.mk) against a kernel
	// tree, as kbuild does.
	ByMake = "make"
	// ByText: no kernel tree or no make; obj-m and NAME-y/NAME-objs lines
	// were read as text, without evaluating make functions or conditionals.
	ByText = "text"
)

// Discovery says how a directory's modules were found.
type Discovery struct {
	Method string // ByMake or ByText
	KDIR   string // the kernel tree make read auto.conf from (ByMake)
	Why    string // why make was not used (ByText)
}

func (d Discovery) String() string {
	if d.Method == ByMake {
		return "modules found by make (kbuild file evaluated against " + d.KDIR + ")"
	}
	return "modules found by reading the kbuild file as text (" + d.Why + ")"
}

// Dir is a kbuild directory: the kbuild file there and the modules it
// builds, as kbuild's M=DIR would.
type Dir struct {
	Path      string // absolute
	Kbuild    string // "Kbuild" or "Makefile", the file kbuild reads
	Discovery Discovery
	// Modules in obj-m order, each with the objects kbuild links into it.
	Modules []*Module
	// Subdirs are the obj-m entries that name a directory (obj-m += sub/):
	// kbuild descends into them with their own kbuild file. Slash-separated,
	// without the trailing slash.
	Subdirs []string
}

// Names returns the module names in obj-m order.
func (d *Dir) Names() []string {
	names := make([]string, len(d.Modules))
	for i, m := range d.Modules {
		names[i] = m.Name
	}
	return names
}

// Module returns the module called name, or nil.
func (d *Dir) Module(name string) *Module {
	for _, m := range d.Modules {
		if m.Name == name {
			return m
		}
	}
	return nil
}

//go:embed probe.mk
var probeMakefile []byte

// The kernel tree the probe runs against, found once per value of $KDIR
// (kbuild.FindKDIR reads it). Tests replace findKDIR.
var (
	findKDIR   = kbuild.FindKDIR
	kdirMu     sync.Mutex
	kdirCache  = map[string]kdirResult{}
	probeLimit = 30 * time.Second
)

type kdirResult struct {
	kdir, release string
	err           error
}

func probeTree() (kdir, release string, err error) {
	kdirMu.Lock()
	defer kdirMu.Unlock()
	key := os.Getenv("KDIR")
	r, ok := kdirCache[key]
	if !ok {
		r.kdir, r.err = findKDIR()
		if r.err == nil {
			r.release, r.err = kbuild.Release(r.kdir)
		}
		kdirCache[key] = r
	}
	return r.kdir, r.release, r.err
}

// kbuildFile returns the file kbuild reads in dir: Kbuild if present,
// else Makefile; "" when there is neither.
func kbuildFile(dir string) (string, error) {
	for _, f := range []string{"Kbuild", "Makefile"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		if !fi.Mode().IsRegular() {
			return "", fmt.Errorf("%s: %w", filepath.Join(dir, f), errNotRegular)
		}
		return f, nil
	}
	return "", nil
}

// mentionsObj is the cheap test before any make runs: a kbuild file that
// never writes "obj-" builds nothing (a repository's top Makefile, say).
var mentionsObj = []byte("obj-")

// Scan finds the modules that the kbuild file in dir builds, without
// reading any source. With a kernel tree ($KDIR or kbuild.FindKDIR) and
// make, make evaluates the file (see probe.mk); otherwise its obj-m lines
// are read as text, and Discovery says so. A directory without a kbuild
// file, or whose file builds no module, is a Dir with no Modules.
func Scan(dir string) (*Dir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	d := &Dir{Path: abs}
	d.Kbuild, err = kbuildFile(abs)
	if err != nil || d.Kbuild == "" {
		return d, err
	}
	data, err := readRegular(filepath.Join(abs, d.Kbuild))
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(data, mentionsObj) {
		d.Discovery = Discovery{Method: ByText, Why: d.Kbuild + " has no obj- line"}
		return d, nil
	}
	var specs []modSpec
	kdir, rel, kerr := probeTree()
	makePath, merr := exec.LookPath("make")
	switch {
	case kerr != nil:
		d.Discovery = Discovery{Method: ByText, Why: "no kernel tree: " + kerr.Error()}
	case merr != nil:
		d.Discovery = Discovery{Method: ByText, Why: "make not found: " + merr.Error()}
	default:
		d.Discovery = Discovery{Method: ByMake, KDIR: kdir}
		specs, d.Subdirs, err = probe(makePath, abs, d.Kbuild, kdir, rel)
		if err != nil {
			return nil, err
		}
	}
	if d.Discovery.Method == ByText {
		specs, d.Subdirs, err = readText(d.Kbuild, data)
		if err != nil {
			return nil, err
		}
	}
	for _, s := range specs {
		d.Modules = append(d.Modules, &Module{Dir: abs, Name: s.name, Kbuild: d.Kbuild, KbuildObjects: s.objs, Fragment: KbuildFragment})
	}
	if len(d.Modules) > 1 {
		for _, m := range d.Modules {
			m.Fragment = m.Name + "." + KbuildFragment
		}
	}
	return d, nil
}

// modSpec is one module as the kbuild file declares it.
type modSpec struct {
	name string
	objs []string // slash-separated, relative to the directory
}

// Prefixes of the lines probe.mk prints.
const (
	probeObjm = "initsec-obj-m:"
	probeMod  = "initsec-mod:"
)

// probe runs probe.mk on the kbuild file of dir.
func probe(makePath, dir, file, kdir, release string) ([]modSpec, []string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), probeLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, makePath, "-s", "--no-print-directory", "-f", "-", "-C", dir,
		"INITSEC_SRC="+dir, "INITSEC_KDIR="+kdir, "INITSEC_RELEASE="+release,
		"INITSEC_FILE="+filepath.Join(dir, file), "initsec-probe")
	cmd.Stdin = bytes.NewReader(probeMakefile)
	cmd.Env = probeEnviron()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, nil, fmt.Errorf("make on %s: no answer within %s", filepath.Join(dir, file), probeLimit)
	}
	specs, subdirs, seen, perr := parseProbe(stdout.Bytes())
	if runErr != nil {
		var ee *exec.ExitError
		if !errors.As(runErr, &ee) {
			return nil, nil, fmt.Errorf("run make: %w", runErr)
		}
		if errs := makeErrors(dir, stderr.Bytes()); len(errs) > 0 || !seen {
			if len(errs) == 0 {
				return nil, nil, fmt.Errorf("make on %s failed (%v): %s", filepath.Join(dir, file), runErr, strings.TrimSpace(stderr.String()))
			}
			return nil, nil, errs
		}
	}
	if perr != nil {
		return nil, nil, fmt.Errorf("make on %s: %w", filepath.Join(dir, file), perr)
	}
	if !seen {
		return nil, nil, fmt.Errorf("make on %s printed no %q line: %s", filepath.Join(dir, file), probeObjm, strings.TrimSpace(stderr.String()))
	}
	return specs, subdirs, nil
}

// probeEnviron is the environment without the make variables a calling
// make (mage under make, a CI wrapper) passes down, and with C messages,
// which makeErrors parses.
func probeEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "LC_ALL", "LANGUAGE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}

// parseProbe reads probe.mk's output: one obj-m line, then one line per
// module in it, for each time make read the makefiles (the last counts). Lines without the probe's prefixes (a kbuild file's own
// $(info ...)) are ignored.
func parseProbe(out []byte) (specs []modSpec, subdirs []string, seen bool, err error) {
	objs := map[string][]string{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, probeObjm):
			// Another reading: make remade an included makefile that
			// has a rule (rtpengine's rtpengine-kmod.mk) and read them
			// all again. The last reading is the one kbuild builds
			// from. (Printed from a recipe instead, the lines would
			// come once, but not at all when an include is missing, as
			// Kbuild.initsec is before the first generate.)
			objs, order, subdirs = map[string][]string{}, nil, nil
			seen = true
			for _, w := range strings.Fields(line[len(probeObjm):]) {
				switch {
				case strings.HasSuffix(w, "/"):
					if s := path.Clean(w); !slices.Contains(subdirs, s) {
						subdirs = append(subdirs, s)
					}
				case strings.HasSuffix(w, ".o"):
					name := strings.TrimSuffix(w, ".o")
					if _, dup := objs[name]; !dup {
						objs[name] = nil
						order = append(order, name)
					}
				}
			}
		case strings.HasPrefix(line, probeMod):
			name, list, ok := strings.Cut(strings.TrimSpace(line[len(probeMod):]), ":")
			if !ok {
				return nil, nil, false, fmt.Errorf("malformed line %q", line)
			}
			if _, ok := objs[name]; !ok {
				return nil, nil, false, fmt.Errorf("module %s is not in obj-m", name)
			}
			objs[name] = uniq(strings.Fields(list))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, false, err
	}
	for _, name := range order {
		specs = append(specs, modSpec{name: name, objs: objectsOr(name, objs[name])})
	}
	return specs, subdirs, seen, nil
}

// uniq drops repeated words, keeping the first (kbuild links each object
// once).
func uniq(ws []string) []string {
	var out []string
	for _, w := range ws {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// objectsOr is the module's object list: the composite list, or NAME.o
// for a module without one (kbuild builds it from NAME.c or NAME.S).
func objectsOr(name string, objs []string) []string {
	if len(objs) == 0 {
		return []string{name + ".o"}
	}
	return objs
}

// makeError matches make's "FILE:LINE: message" lines.
var makeError = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+?):(\d+): (.*)$`) })

// missingFragment matches the complaints about a generated fragment that
// does not exist yet: the probe runs before the first `initsec generate`.
var missingFragment = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[: '/])(?:[A-Za-z0-9_.+-]+\.)?` + regexp.QuoteMeta(KbuildFragment) + `(?:: No such file or directory|'\.\s+Stop\.)$`)
})

// makeErrors turns make's stderr into errors with positions relative to
// dir, skipping the complaints about a missing generated fragment.
func makeErrors(dir string, stderr []byte) annotate.ErrorList {
	var errs annotate.ErrorList
	for _, line := range strings.Split(string(stderr), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || missingFragment().MatchString(line) {
			continue
		}
		e := &annotate.Error{Pos: annotate.Pos{File: "make"}, Msg: line}
		if sm := makeError().FindStringSubmatch(line); sm != nil && !strings.HasPrefix(line, "make") {
			n, _ := strconv.Atoi(sm[2])
			f := sm[1]
			if rel, err := filepath.Rel(dir, f); err == nil && !strings.HasPrefix(rel, "..") {
				f = rel
			}
			e = &annotate.Error{Pos: annotate.Pos{File: f, Line: n, Col: 1}, Msg: strings.TrimPrefix(sm[3], "*** ")}
		}
		errs = append(errs, e)
	}
	return errs
}

// obj-m += hello.o, obj-m := a.o b.o, obj-$(CONFIG_FOO) += foo.o
var objmRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*obj-(?:m|\$\([A-Z0-9_]+\))\s*[:+?]?=\s*(.*)$`) })

// NAME-y := a.o b.o, NAME-objs += c.o, NAME-$(CONFIG_X) += d.o
var compositeRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*([A-Za-z0-9_-]+)-(?:y|m|objs|\$\([A-Z0-9_]+\))\s*[:+?]?=\s*(.*)$`)
})

// readText is the fallback when make cannot run: obj-m lines and the
// NAME-y/NAME-objs lines of the modules they name, word by word. Make
// functions, variables and conditionals are not evaluated: an obj-m word
// that uses one is an error that says how to get the real answer.
func readText(file string, data []byte) ([]modSpec, []string, error) {
	var names, subdirs []string
	objs := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text, _, _ := strings.Cut(sc.Text(), "#")
		if sm := objmRE().FindStringSubmatch(text); sm != nil {
			for _, w := range strings.Fields(sm[1]) {
				switch {
				case strings.Contains(w, "$("), strings.Contains(w, "${"):
					return nil, nil, annotate.ErrorList{{
						Pos:  annotate.Pos{File: file, Line: line, Col: strings.Index(text, w) + 1},
						Msg:  fmt.Sprintf("obj-m uses %s, which only make can evaluate, and no kernel tree was found to run make against", w),
						Hint: "install the kernel headers (apt-get install linux-headers-amd64) or set KDIR",
					}}
				case strings.HasSuffix(w, "/"):
					subdirs = append(subdirs, path.Clean(w))
				case strings.HasSuffix(w, ".o"):
					if n := strings.TrimSuffix(w, ".o"); !slices.Contains(names, n) {
						names = append(names, n)
					}
				}
			}
			continue
		}
		if sm := compositeRE().FindStringSubmatch(text); sm != nil {
			for _, w := range strings.Fields(sm[2]) {
				if strings.HasSuffix(w, ".o") && !strings.Contains(w, "$") {
					objs[sm[1]] = append(objs[sm[1]], w)
				}
			}
		}
	}
	var specs []modSpec
	for _, n := range names {
		specs = append(specs, modSpec{name: n, objs: objectsOr(n, uniq(objs[n]))})
	}
	return specs, subdirs, nil
}

// IsModuleDir reports whether the kbuild file in dir builds a module.
func IsModuleDir(dir string) bool {
	d, err := Scan(dir)
	return err == nil && len(d.Modules) > 0
}

// FindModules returns every directory at or below root whose kbuild file
// builds a module (or that initsec cannot read: Scan's error is reported
// there, for that directory alone), sorted. Hidden directories, testdata
// and vendor are skipped. A root that is a symbolic link to a directory is
// searched; links below it are not followed.
func FindModules(root string) ([]string, error) {
	var dirs []string
	walkRoot := root
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a link given as its root; a trailing
		// separator makes the kernel resolve it.
		walkRoot = root + string(filepath.Separator)
	}
	err := filepath.WalkDir(walkRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if p != walkRoot && (strings.HasPrefix(name, ".") || name == "testdata" || name == "vendor") {
			return filepath.SkipDir
		}
		if sd, err := Scan(p); err != nil || len(sd.Modules) > 0 {
			dirs = append(dirs, p)
		}
		return nil
	})
	sort.Strings(dirs)
	return dirs, err
}

// checkKbuild reads the module's kbuild file for the checks that generated
// objects need: the module must be composite (NAME-y or NAME-objs lists its
// objects; the fragment adds to that list), and its fragment must be
// included after the last assignment that sets the list.
func checkKbuild(m *Module) annotate.ErrorList {
	data, err := os.ReadFile(filepath.Join(m.Dir, m.Kbuild))
	if err != nil {
		return annotate.ErrorList{{Pos: annotate.Pos{File: m.Kbuild, Line: 1, Col: 1}, Msg: err.Error()}}
	}
	objsRE := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(m.Name) + `-(?:y|objs|\$\([A-Z0-9_]+\))\s*([:+?]?)=`)
	inclRE := regexp.MustCompile(`^\s*(?:-|s)?include\s+\$\(src\)/` + regexp.QuoteMeta(m.Fragment) + `\s*(?:#.*)?$`)
	objmLine, lastSet, include, last := 0, 0, 0, 0
	composite := false
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) != "" {
			last = n
		}
		if objmLine == 0 && objmRE().MatchString(line) {
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
				m.Name, m.Name, m.Fragment),
		})
	}
	switch {
	case include == 0:
		errs = append(errs, &annotate.Error{
			Pos:  annotate.Pos{File: m.Kbuild, Line: last + 1, Col: 1},
			Msg:  fmt.Sprintf("%s does not include the generated %s, which adds the %s", m.Kbuild, m.Fragment, what),
			Hint: fmt.Sprintf("add this line after the %s-y line: include $(src)/%s", m.Name, m.Fragment),
		})
	case lastSet > 0 && include < lastSet:
		errs = append(errs, &annotate.Error{
			Pos:  annotate.Pos{File: m.Kbuild, Line: include, Col: 1},
			Msg:  fmt.Sprintf("%s is included before line %d sets %s-y, which drops the objects it adds", m.Fragment, lastSet, m.Name),
			Hint: fmt.Sprintf("move the include below line %d", lastSet),
		})
	}
	return errs
}

// BuiltThrough returns, for each directory of dirs that kbuild builds as
// part of another directory of dirs (the other's kbuild file has
// obj-m += sub/, directly or through further subdirectories), that other
// directory, as both are written in dirs. Building the other builds it
// too: a second build of it alone would build its modules twice. dirs are
// taken shortest first, so a parent is kept and its subdirectories
// dropped; a directory already dropped reaches nothing. Directories whose
// kbuild file cannot be read are left to the caller's own error.
func BuiltThrough(dirs []string) map[string]string {
	byAbs := map[string]string{}
	order := make([]string, 0, len(dirs))
	for _, d := range dirs {
		a, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		if _, dup := byAbs[a]; !dup {
			byAbs[a] = d
			order = append(order, a)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return len(order[i]) < len(order[j]) })
	through := map[string]string{}
	for _, top := range order {
		if _, dropped := through[byAbs[top]]; dropped {
			continue
		}
		seen := map[string]bool{top: true}
		queue := []string{top}
		for len(queue) > 0 {
			a := queue[0]
			queue = queue[1:]
			d, err := Scan(a)
			if err != nil {
				continue
			}
			for _, s := range d.Subdirs {
				c := filepath.Join(a, filepath.FromSlash(s))
				if seen[c] {
					continue
				}
				seen[c] = true
				queue = append(queue, c)
				if name, ok := byAbs[c]; ok {
					if _, done := through[name]; !done {
						through[name] = byAbs[top]
					}
				}
			}
		}
	}
	return through
}

// SubdirPaths returns the directories kbuild descends into from d
// (obj-m += sub/), directly or further down, that build a module: the
// directories whose files a build of d compiles besides d's own.
func (d *Dir) SubdirPaths() []string {
	var out []string
	seen := map[string]bool{d.Path: true}
	queue := []*Dir{d}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, s := range cur.Subdirs {
			c := filepath.Join(cur.Path, filepath.FromSlash(s))
			if seen[c] {
				continue
			}
			seen[c] = true
			sd, err := Scan(c)
			if err != nil {
				out = append(out, c) // the caller's load reports the error
				continue
			}
			if len(sd.Modules) > 0 {
				out = append(out, c)
			}
			queue = append(queue, sd)
		}
	}
	return out
}
