// Package corpus runs the kernel's own modpost and initsec on the same
// set of built modules (an installed /lib/modules tree, say) and compares
// their section-mismatch findings. The corpus tests and the benchmark
// (`go run mage.go bench`) both use it.
//
// modpost is run as kbuild runs it for external modules (a
// kernels.ModpostRun: scripts/Makefile.modpost's flags, with -w), on a
// temporary directory where every module is a uniquely named NAME.o (a
// symbolic link to the .ko, or the decompressed bytes of a
// .ko.xz/.ko.zst/.ko.gz) with an empty NAME.mod beside it. modpost writes
// NAME.mod.c files there too.
package corpus

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/findings"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/internal/verify"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/modpost"
)

// Modpost is a prepared modpost run over a set of modules.
type Modpost struct {
	KDIR    string   // kernel headers whose scripts/mod/modpost runs (for a build root's, as seen from here)
	Dir     string   // the work directory with the NAME.o links
	Files   []string // the modules, as given
	Version modpost.KernelVersion
	run     interface {
		Run(context.Context) ([]modpost.Warning, string, error)
	}
	host   *kernels.ModpostRun // the run, when modpost runs on this machine
	byLink map[string]string   // NAME.o path → original file
}

// Prepare lays out files in dir (which must exist and be empty) for
// modpost of the headers in kdir: compressed modules are decompressed
// there, plain ones linked.
func Prepare(kdir, dir string, files []string) (*Modpost, error) {
	v, err := kbuild.Version(kdir)
	if err != nil {
		return nil, err
	}
	mp := &Modpost{KDIR: kdir, Dir: dir, Files: files, Version: v}
	links, err := mp.layout(false)
	if err != nil {
		return nil, err
	}
	if mp.host, err = kernels.NewModpostRun(kdir, v, dir, links, true); err != nil {
		return nil, err
	}
	mp.run = mp.host
	return mp, nil
}

// PrepareSid is Prepare for the modpost of a sid build root, which runs
// inside the root (kernels.SidModpostRun) with kbuild's flags and -w:
// every module is copied (decompressed) into dir, since a link to a file
// outside it would not resolve in the root.
func PrepareSid(sid *kernels.Sid, dir string, files []string) (*Modpost, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	mp := &Modpost{KDIR: sid.HostKDIR(), Dir: dir, Files: files, Version: sid.Kernel}
	links, err := mp.layout(true)
	if err != nil {
		return nil, err
	}
	if mp.run, err = sid.NewModpostRun(dir, links, true); err != nil {
		return nil, err
	}
	return mp, nil
}

// layout gives every file a unique NAME.o in mp.Dir, with an empty
// NAME.mod beside it: compressed modules decompressed, plain ones linked
// (copied when copyPlain).
func (mp *Modpost) layout(copyPlain bool) ([]string, error) {
	files, dir := mp.Files, mp.Dir
	mp.byLink = make(map[string]string, len(files))
	links := make([]string, 0, len(files))
	used := make(map[string]int)
	type job struct{ src, link string }
	var decompress []job
	for _, f := range files {
		name := filepath.Base(modfile.Trim(f))
		if n := used[name]; n > 0 {
			name += "_" + strconv.Itoa(n) // two modules of one name in a tree
		}
		used[filepath.Base(modfile.Trim(f))]++
		link := filepath.Join(dir, name+".o")
		if copyPlain || f != modfile.Trim(f)+".ko" && f != modfile.Trim(f)+".o" {
			decompress = append(decompress, job{f, link})
		} else {
			abs, err := filepath.Abs(f)
			if err != nil {
				return nil, err
			}
			if err := os.Symlink(abs, link); err != nil {
				return nil, err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name+".mod"), nil, 0o644); err != nil {
			return nil, err
		}
		mp.byLink[link] = f
		links = append(links, link)
	}
	// Decompress on every core: xz is most of the set-up time.
	jobs := make(chan job)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				data, err := modfile.ReadFile(j.src)
				if err == nil {
					err = os.WriteFile(j.link, data, 0o644)
				}
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for _, j := range decompress {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	return links, nil
}

// Command returns the modpost command; run it to time modpost alone. It is
// nil for a build root's modpost (PrepareSid): time Run instead.
func (mp *Modpost) Command(ctx context.Context) *exec.Cmd {
	if mp.host == nil {
		return nil
	}
	return mp.host.Command(ctx)
}

// Run runs modpost and returns its section-mismatch and export warnings,
// each Module set to the original file's path. A non-zero exit status of
// modpost is an error: an installed tree's modules build cleanly.
func (mp *Modpost) Run(ctx context.Context) ([]modpost.Warning, error) {
	ws, _, err := mp.run.Run(ctx)
	if err != nil {
		return nil, err
	}
	var keep []modpost.Warning
	for _, w := range ws {
		if w.Kind == modpost.KindOther {
			continue
		}
		link := w.Module
		if !strings.HasSuffix(link, ".o") {
			link += ".o"
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(mp.Dir, link)
		}
		if f, ok := mp.byLink[link]; ok {
			w.Module = f
		}
		keep = append(keep, w)
	}
	return keep, nil
}

// Key is a finding reduced to what both tools print, for comparison.
type Key struct {
	Object  string // the module file
	Kind    string // modpost.Kind*
	FromSym string
	FromOff string // "" where the version's message has no offset (6.1)
	FromSec string
	ToSym   string
	ToSec   string
}

func (k Key) String() string {
	return fmt.Sprintf("%s: %s %s%s (%s) -> %s (%s)", k.Object, k.Kind, k.FromSym, k.FromOff, k.FromSec, k.ToSym, k.ToSec)
}

func keyOf(w modpost.Warning) Key {
	k := Key{Object: w.Module, Kind: w.Kind, FromSym: w.FromSym, FromSec: w.FromSec, ToSym: w.ToSym, ToSec: w.ToSec}
	if w.HasOff {
		k.FromOff = "+0x" + strconv.FormatUint(w.FromOff, 16)
	}
	if w.Kind != modpost.KindSectionMismatch {
		k.FromSym, k.FromOff, k.FromSec = "", "", ""
		k.ToSec = "" // 6.12's export message does not name it
	}
	return k
}

// Diff is what one tool found and the other did not.
type Diff struct {
	OnlyModpost []Key
	OnlyInitsec []Key
	Same        int // findings both report
}

// Equal reports whether the two tools agree.
func (d Diff) Equal() bool { return len(d.OnlyModpost) == 0 && len(d.OnlyInitsec) == 0 }

func (d Diff) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d finding(s) in both, %d only modpost's, %d only initsec's", d.Same, len(d.OnlyModpost), len(d.OnlyInitsec))
	for _, k := range d.OnlyModpost {
		fmt.Fprintf(&b, "\n  only modpost: %s", k)
	}
	for _, k := range d.OnlyInitsec {
		fmt.Fprintf(&b, "\n  only initsec: %s", k)
	}
	return b.String()
}

// Compare matches initsec's mismatch findings (as the modpost lines of the
// same version would read: modpost's own symbol names) with modpost's
// warnings, as multisets.
func Compare(results []findings.Result, warnings []modpost.Warning, v modpost.KernelVersion) Diff {
	old := v.Less(modpost.KernelVersion{Version: 6, PatchLevel: 5})
	count := make(map[Key]int)
	for _, w := range warnings {
		if old {
			w.HasOff = false
		}
		count[keyOf(w)]++
	}
	var d Diff
	for _, r := range results {
		for _, f := range r.Findings {
			w, ok := f.Warning()
			if !ok {
				continue
			}
			w.Module = r.Object
			if old {
				w.HasOff = false
			}
			// Render and parse back, so both sides go through the
			// same formatting (e.g. 6.12's bare target address).
			if pw, ok := modpost.ParseLine(w.Format(v)); ok {
				pw.Module = r.Object
				if old {
					pw.HasOff = false
				}
				w = pw
			}
			k := keyOf(w)
			if count[k] > 0 {
				count[k]--
				d.Same++
			} else {
				d.OnlyInitsec = append(d.OnlyInitsec, k)
			}
		}
	}
	for k, n := range count {
		for range n {
			d.OnlyModpost = append(d.OnlyModpost, k)
		}
	}
	sortKeys := func(ks []Key) {
		slices.SortFunc(ks, func(a, b Key) int { return cmp.Compare(a.String(), b.String()) })
	}
	sortKeys(d.OnlyModpost)
	sortKeys(d.OnlyInitsec)
	return d
}

// Tree lists the modules of an installed tree (e.g.
// /lib/modules/RELEASE) as `initsec verify` finds them.
func Tree(root string) ([]string, error) {
	files, errs := modfile.Expand([]string{root})
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return files, nil
}

// Outcome is a comparison over one tree.
type Outcome struct {
	Files   []string
	Results []findings.Result // initsec's, one per file
	Modpost []modpost.Warning
	Diff    Diff

	// Wall-clock times: initsec over the files; laying them out for
	// modpost (decompressing); modpost's run alone.
	InitsecTime, PrepareTime, ModpostTime time.Duration
}

// Errors returns the objects initsec could not check.
func (o *Outcome) Errors() []error {
	var errs []error
	for _, r := range o.Results {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errs
}

// Run checks every module of tree with initsec (each object's own rule
// set, jobs in parallel) and with modpost of kdir, in work directory dir,
// and compares the two.
func Run(ctx context.Context, kdir, tree, dir string, jobs int) (*Outcome, error) {
	return run(ctx, tree, jobs, func(files []string) (*Modpost, error) { return Prepare(kdir, dir, files) })
}

// RunSid is Run with the modpost of a sid build root, run inside it
// (PrepareSid).
func RunSid(ctx context.Context, sid *kernels.Sid, tree, dir string, jobs int) (*Outcome, error) {
	return run(ctx, tree, jobs, func(files []string) (*Modpost, error) { return PrepareSid(sid, dir, files) })
}

func run(ctx context.Context, tree string, jobs int, prepare func([]string) (*Modpost, error)) (*Outcome, error) {
	files, err := Tree(tree)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no modules", tree)
	}
	out := &Outcome{Files: files}
	start := time.Now()
	out.Results = verify.Files(files, verify.Options{Placement: "never", Jobs: jobs})
	out.InitsecTime = time.Since(start)
	start = time.Now()
	mp, err := prepare(files)
	if err != nil {
		return nil, err
	}
	out.PrepareTime = time.Since(start)
	start = time.Now()
	if out.Modpost, err = mp.Run(ctx); err != nil {
		return nil, err
	}
	out.ModpostTime = time.Since(start)
	out.Diff = Compare(out.Results, out.Modpost, mp.Version)
	return out, nil
}

// Release is an installed kernel with the headers of the same release.
type Release = kernels.Release

// FindRelease returns the newest installed release whose name starts with
// prefix ("6.1.", "6.12.") and that has both modules and headers with
// modpost.
func FindRelease(prefix string) (Release, bool) { return kernels.FindRelease(prefix) }
