package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/initsec/initsec/gen"
)

//go:embed templates
var templateFS embed.FS

// Template describes one kind of driver New can write.
type Template struct {
	Name        string
	Summary     string // for -h and the README
	description string // MODULE_DESCRIPTION, after "NAME: "
}

// templates are the choices, in the order -h lists them.
var templates = []Template{
	{"misc", "A misc character device (/dev/NAME) with a small read/write buffer; its initial contents are init-only.", "misc character device"},
	{"platform", "A platform driver registered with platform_driver_probe(), so its probe is init-only; it creates its own device so it binds when loaded alone.", "platform driver with an init-only probe"},
	{"pci", "A PCI driver: probe, remove and the ID table stay resident for hot-plug; init and exit entries are annotated.", "PCI driver"},
	{"minimal", "The smallest correct module: an init entry and an exit entry.", "minimal module"},
}

// DefaultTemplate is the template New uses when Options.Template is empty.
const DefaultTemplate = "misc"

// Templates returns the available templates.
func Templates() []Template { return append([]Template(nil), templates...) }

func lookupTemplate(name string) (Template, error) {
	var names []string
	for _, t := range templates {
		if t.Name == name {
			return t, nil
		}
		names = append(names, t.Name)
	}
	return Template{}, fmt.Errorf("unknown template %q (hint: one of %s)", name, strings.Join(names, ", "))
}

// Options says what New writes and where.
type Options struct {
	// Name is the module name: a C identifier shorter than MODULE_NAME_LEN
	// (see ValidateName). It names NAME.c, NAME.ko and the C symbols.
	Name string
	// Template is one of Templates (default DefaultTemplate).
	Template string
	// Dir is the directory to create, or an existing empty one (default:
	// Name, relative to the current directory).
	Dir string
	// ModulePath is the module path of a new go.mod (default
	// example.com/NAME). It must pass golang.org/x/mod/module.CheckPath.
	// It is an error to set it when Dir is inside an existing Go module,
	// where no go.mod is written.
	ModulePath string
	// InitsecVersion is the version of github.com/initsec/initsec a new
	// go.mod requires. Default: the version this program was built from
	// (runtime/debug build info), when it is a release or pseudo-version;
	// otherwise no require line is written and `go mod tidy` adds the latest.
	InitsecVersion string
	// InitsecReplace, when set, adds
	//	replace github.com/initsec/initsec => InitsecReplace
	// to a new go.mod (a local checkout; tests use it). Made absolute.
	InitsecReplace string
}

// Result is what New wrote.
type Result struct {
	Dir      string   // absolute path of the new module directory
	Template string   // the template used
	Files    []string // every file written, relative to Dir, sorted
	// GoMod is the go.mod that governs Dir: the new one, or the enclosing
	// module's.
	GoMod string
	// ModulePath is GoMod's module path; NewModule says New wrote GoMod.
	ModulePath string
	NewModule  bool
	// Notes are things the user should know or do next (e.g. run
	// `go mod tidy`), one sentence each.
	Notes []string
}

// testHookBeforeMove, when set by a test, runs on the finished temporary
// directory; an error from it fails New there.
var testHookBeforeMove func(tmp string) error

// initsecPath is this module's path: the one new go.mod files require.
const initsecPath = "github.com/initsec/initsec"

// data is what the templates see.
type data struct {
	Name, Upper, Template, Description, Summary string
	ModulePath                                  string
	NewModule, NeedsRequire                     bool
	Version                                     string // dkms PACKAGE_VERSION
}

// common files: template name -> path in the new directory.
var commonFiles = map[string]string{
	"Kbuild.tmpl":      "Kbuild",
	"Makefile.tmpl":    "Makefile",
	"magefile.go.tmpl": "magefiles/magefile.go",
	"dkms.conf.tmpl":   "dkms.conf",
	"gitignore.tmpl":   ".gitignore",
	"README.md.tmpl":   "README.md",
	// What `mage initsec:e2e` expects in the kernel log at load and unload.
	"initsec-boot.json.tmpl": "initsec-boot.json",
}

// Render returns the files of a new module (not the go.mod, nor what
// gen.Generate adds), keyed by slash-separated path. It validates nothing
// but the template name; New validates the rest.
func render(t Template, d data) (map[string][]byte, error) {
	out := make(map[string][]byte)
	funcs := template.FuncMap{"align": align}
	do := func(src, dst string) error {
		text, err := templateFS.ReadFile(src)
		if err != nil {
			return err
		}
		tm, err := template.New(path.Base(src)).Funcs(funcs).Option("missingkey=error").Parse(string(text))
		if err != nil {
			return fmt.Errorf("template %s: %w", src, err)
		}
		var b bytes.Buffer
		if err := tm.Execute(&b, d); err != nil {
			return fmt.Errorf("template %s: %w", src, err)
		}
		out[dst] = b.Bytes()
		return nil
	}
	if err := do("templates/"+t.Name+"/module.c.tmpl", d.Name+".c"); err != nil {
		return nil, err
	}
	for src, dst := range commonFiles {
		if err := do("templates/common/"+src, dst); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// align returns the tabs and spaces that indent a continuation line to the
// column after prefix (kernel style: tabs of 8, then spaces).
func align(prefix string) string {
	col := 0
	for _, r := range prefix {
		if r == '\t' {
			col = (col/8 + 1) * 8
		} else {
			col++
		}
	}
	return strings.Repeat("\t", col/8) + strings.Repeat(" ", col%8)
}

// New writes a new kernel-module directory from a template, then runs
// gen.Generate on it, so the result builds with `mage initsec:build` (or
// plain make) straight away.
//
// It never writes into a non-empty directory and never overwrites a file:
// everything is written into a temporary directory beside the target and
// renamed into place at the end, so on any error nothing is left behind
// (not even missing parent directories it created).
func New(opts Options) (res *Result, err error) {
	tmpl, dir, err := resolveOptions(&opts)
	if err != nil {
		return nil, err
	}
	res, files, err := plan(opts, tmpl, dir)
	if err != nil {
		return nil, err
	}
	tmp, remove, err := stage(dir, files)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			remove()
			res = nil
		}
	}()
	if _, _, err := gen.Generate(tmp); err != nil {
		return nil, fmt.Errorf("generate the new module (a template bug; please report it): %w", err)
	}
	if res.Files, err = finish(tmp, dir); err != nil {
		return nil, err
	}
	if res.NewModule {
		res.Notes = append(res.Notes, "run `go mod tidy` once in the new directory: it fetches the initsec targets and writes go.sum")
	}
	return res, nil
}

// resolveOptions validates the name, fills in the default template and
// directory, and returns the template and the absolute target directory,
// which must be new or empty.
func resolveOptions(opts *Options) (Template, string, error) {
	if err := ValidateName(opts.Name); err != nil {
		return Template{}, "", err
	}
	if opts.Template == "" {
		opts.Template = DefaultTemplate
	}
	tmpl, err := lookupTemplate(opts.Template)
	if err != nil {
		return Template{}, "", err
	}
	if opts.Dir == "" {
		opts.Dir = opts.Name
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return Template{}, "", err
	}
	if err := checkTarget(dir); err != nil {
		return Template{}, "", err
	}
	return tmpl, dir, nil
}

// plan decides everything New writes before anything is written: the
// rendered files (with go.mod when a new module is made), and the Result
// without its Files.
func plan(opts Options, tmpl Template, dir string) (*Result, map[string][]byte, error) {
	encl, err := enclosingModule(filepath.Dir(dir))
	if err != nil {
		return nil, nil, err
	}
	res := &Result{Dir: dir, Template: tmpl.Name}
	d := data{
		Name:        opts.Name,
		Upper:       strings.ToUpper(opts.Name),
		Template:    tmpl.Name,
		Description: tmpl.description,
		Summary:     strings.ReplaceAll(tmpl.Summary, "NAME", opts.Name),
		Version:     "0.1.0",
	}
	var gomod []byte
	if encl != nil {
		err = joinModule(opts, encl, &d, res)
	} else {
		gomod, err = newModule(opts, dir, &d, res)
	}
	if err != nil {
		return nil, nil, err
	}
	files, err := render(tmpl, d)
	if err != nil {
		return nil, nil, err
	}
	if gomod != nil {
		files["go.mod"] = gomod
	}
	return res, files, nil
}

// joinModule makes the new directory part of the enclosing module encl: no
// go.mod is written, and a note says when encl does not require initsec.
func joinModule(opts Options, encl *goModule, d *data, res *Result) error {
	if opts.ModulePath != "" && opts.ModulePath != encl.Path {
		return fmt.Errorf("%s is inside the Go module %s (%s), so no go.mod is written and -module-path %s does not apply (hint: drop -module-path, or choose a directory outside that module)", opts.Dir, encl.Path, encl.GoMod, opts.ModulePath)
	}
	d.ModulePath = encl.Path
	d.NeedsRequire = !encl.HasInitsec
	res.GoMod, res.ModulePath = encl.GoMod, encl.Path
	if d.NeedsRequire {
		res.Notes = append(res.Notes, fmt.Sprintf("the enclosing module %s does not require %s: run `go get %s` in %s", encl.Path, initsecPath, initsecPath, filepath.Dir(encl.GoMod)))
	}
	return nil
}

// newModule makes the new directory a module of its own and returns its
// go.mod.
func newModule(opts Options, dir string, d *data, res *Result) ([]byte, error) {
	mp := opts.ModulePath
	if mp == "" {
		mp = "example.com/" + opts.Name
	}
	gomod, notes, err := newGoMod(mp, opts.InitsecVersion, opts.InitsecReplace)
	if err != nil {
		return nil, err
	}
	d.ModulePath, d.NewModule = mp, true
	res.GoMod, res.ModulePath, res.NewModule = filepath.Join(dir, "go.mod"), mp, true
	res.Notes = append(res.Notes, notes...)
	if opts.ModulePath == "" {
		res.Notes = append(res.Notes, fmt.Sprintf("the module path is %s; change it in go.mod (or pass -module-path) before publishing", mp))
	}
	return gomod, nil
}

// stage writes files into a new temporary directory beside dir, creating
// dir's missing parents. remove deletes the temporary directory and those
// parents again; stage calls it itself when it fails.
func stage(dir string, files map[string][]byte) (tmp string, remove func(), err error) {
	parent := filepath.Dir(dir)
	createdParent, err := mkdirAllTracked(parent)
	if err != nil {
		return "", nil, err
	}
	tmp, err = os.MkdirTemp(parent, "."+filepath.Base(dir)+".initsec-new-")
	if err != nil {
		if createdParent != "" {
			os.RemoveAll(createdParent)
		}
		return "", nil, err
	}
	remove = func() {
		os.RemoveAll(tmp)
		if createdParent != "" {
			os.RemoveAll(createdParent)
		}
	}
	for p, content := range files {
		full := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			remove()
			return "", nil, err
		}
		if err := os.WriteFile(full, content, 0o644); err != nil {
			remove()
			return "", nil, err
		}
	}
	return tmp, remove, nil
}

// finish moves the completed temporary directory tmp to dir and returns
// the files in it. MkdirTemp made tmp 0700; it gets the usual 0755 first.
func finish(tmp, dir string) ([]string, error) {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	written, err := listFiles(tmp)
	if err != nil {
		return nil, err
	}
	if testHookBeforeMove != nil {
		if err := testHookBeforeMove(tmp); err != nil {
			return nil, err
		}
	}
	if err := moveInto(tmp, dir); err != nil {
		return nil, err
	}
	return written, nil
}

// checkTarget refuses a target that exists and is not an empty directory.
func checkTarget(dir string) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory (hint: choose a new directory with -dir)", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		names := make([]string, 0, 3)
		for _, e := range ents {
			if len(names) == 3 {
				names = append(names, "...")
				break
			}
			names = append(names, e.Name())
		}
		return fmt.Errorf("%s is not empty (%s); initsec new writes only into a new or empty directory (hint: choose another -dir)", dir, strings.Join(names, ", "))
	}
	return nil
}

// mkdirAllTracked creates dir and its missing parents, returning the
// topmost directory it created ("" if dir existed).
func mkdirAllTracked(dir string) (string, error) {
	top := ""
	for p := dir; ; p = filepath.Dir(p) {
		_, err := os.Stat(p)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		top = p
		if filepath.Dir(p) == p {
			break
		}
	}
	if top == "" {
		return "", nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		os.RemoveAll(top)
		return "", err
	}
	return top, nil
}

func listFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(files)
	return files, err
}
