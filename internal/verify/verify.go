// Package verify checks built kernel modules: section mismatches by
// modpost's rules (sectionrt.CheckMismatch) and, where annotations or a
// manifest say what was meant, placement (sectionrt.CheckPlacement). It is
// what `initsec verify` runs, and what the corpus comparison with modpost
// and the benchmark run.
//
// An uncompressed object with no placement to check goes through
// sectionrt.Screen first, which clears most modules without opening them
// as an Object; whatever it does not clear gets the full check, so the
// results are the full check's (TestScreenedMatchesFull).
package verify

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/initsec/initsec/internal/findings"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/sectionrt"
)

// Options are the settings of a run.
type Options struct {
	// Placement is "auto" (the zero value too: with Manifest, or for an
	// object whose module, found by name among the modules its
	// directory's kbuild file builds, has //go:init-section annotations),
	// "always" (an object that is no module of its directory is an error)
	// or "never". Mismatch checks never depend on it: a directory whose
	// sources cannot be loaded is one error, on the first of its objects,
	// and every object in it is still checked for mismatches.
	Placement string
	Manifest  *sectionrt.Manifest // checked against every object when set
	// Rules is the section-mismatch rule set for every object; nil: each
	// object's own release (vermagic), else the one its build names (see
	// buildRelease), else an error asking for a rule set.
	Rules *sectionrt.RuleSet
	// Jobs is the number of objects checked at once; < 1 means 1.
	Jobs int
	// Progress, when set, gets a progress line rewritten in place ("\r"),
	// cleared at the end.
	Progress io.Writer
	// Listing, from modfile.ExpandListing, saves looking for the kbuild
	// file of a directory the walk listed without one (placement auto).
	Listing modfile.Listing
}

// Files checks each file and returns one Result per file, in order.
func Files(files []string, opt Options) []findings.Result {
	v := &verifier{placement: opt.Placement, fixed: opt.Manifest, fixedRules: opt.Rules, listing: opt.Listing}
	if v.placement == "" {
		v.placement = "auto"
	}
	return v.checkAll(files, max(opt.Jobs, 1), opt.Progress)
}

// verifier holds what the checks of all objects share.
type verifier struct {
	placement  string              // auto, always, never
	fixed      *sectionrt.Manifest // Options.Manifest
	fixedRules *sectionrt.RuleSet  // Options.Rules
	listing    modfile.Listing     // Options.Listing

	// Annotations per directory, loaded once.
	mu        sync.Mutex
	manifests map[string]*dirManifest

	// Rule sets by release: building one costs more than checking a
	// small module. CheckMismatch only reads them.
	rulesMu sync.Mutex
	rules   map[string]rulesOrErr
}

type rulesOrErr struct {
	rs  *sectionrt.RuleSet
	err error
}

// dirManifest is what a directory's sources say, loaded once.
type dirManifest struct {
	once sync.Once
	d    *module.Dir // nil: no module there (auto)
	err  error       // the directory could not be loaded
}

// checkAll checks files on n workers. Each worker opens, checks and drops
// one object at a time, so memory stays at about n objects. Results are in
// the order of files.
func (v *verifier) checkAll(files []string, n int, progress io.Writer) []findings.Result {
	results := make([]findings.Result, len(files))
	// Workers take the next file from a shared counter rather than from
	// a channel: no handoff and wake-up per object, which most objects
	// (screened in tens of microseconds) no longer dwarf.
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for range min(n, max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One large module at a time, and of a very large compressed
			// one only what the checks read.
			r := modfile.Reader{Serialize: true, Sparse: true}
			var s sectionrt.Screen
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				results[i] = v.check(&r, &s, files[i])
				r.Release()
				done.Add(1)
			}
		}()
	}
	stop := make(chan struct{})
	var pwg sync.WaitGroup
	if progress != nil && len(files) > 1 {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					fmt.Fprint(progress, "\r\033[K")
					return
				case <-t.C:
					fmt.Fprintf(progress, "\r\033[Kinitsec verify: %d/%d objects", done.Load(), len(files))
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	pwg.Wait()
	v.reportDirErrors(files, results)
	return results
}

// reportDirErrors puts the error of each directory that could not be
// loaded on the first of its objects, once, counting the others; every
// object there has still been checked for mismatches.
func (v *verifier) reportDirErrors(files []string, results []findings.Result) {
	count := map[string]int{}
	for _, f := range files {
		count[filepath.Dir(f)]++
	}
	done := map[string]bool{}
	for i, f := range files {
		dir := filepath.Dir(f)
		dm := v.manifests[dir]
		if dm == nil || dm.err == nil || done[dir] || results[i].Err != nil {
			continue
		}
		done[dir] = true
		what := "placement not checked"
		if n := count[dir]; n > 1 {
			what = fmt.Sprintf("placement not checked for it and %d other object(s) there", n-1)
		}
		results[i].Err = fmt.Errorf("%s: %s: %w", f, what, dm.err)
	}
}

// check runs the checks on one object.
func (v *verifier) check(r *modfile.Reader, s *sectionrt.Screen, path string) findings.Result {
	res := findings.Result{Object: path}
	m, err := v.manifestFor(path)
	if err != nil {
		res.Err = err
		return res
	}
	if m != nil && len(m.Entries) == 0 && v.placement == "auto" && v.fixed == nil {
		m = nil // no annotations: mismatch checks only
	}
	var clean func(io.ReaderAt, int64) bool // for a compressed module, once decoded
	if m == nil && screening {
		if rs := v.screen(s, path); rs != nil {
			res.Rules = rs.Version
			return res // what the full check would say: nothing
		}
		clean = func(r io.ReaderAt, size int64) bool {
			rs := s.Clean(r, size, v.screenRules)
			if rs != nil {
				res.Rules = rs.Version
			}
			return rs != nil
		}
	}
	o, cleared, err := r.OpenScreened(path, clean)
	if cleared {
		return res
	}
	if err != nil {
		res.Err = err
		return res
	}
	defer o.Close()
	if m != nil {
		fs := sectionrt.CheckPlacement(o, *m)
		if len(fs) == 1 && fs[0].Rule == sectionrt.RuleObject {
			// Not relocatable, or no symbol table: nothing about the
			// object can be said.
			res.Err = fmt.Errorf("%s: %s", path, fs[0].Message)
			return res
		}
		dir := filepath.Dir(path)
		for i := range fs {
			fs[i].Annotation = joinPosition(dir, fs[i].Annotation)
		}
		res.Findings = append(res.Findings, fs...)
	}
	rs, err := v.rulesFor(o)
	if err != nil {
		res.Err = fmt.Errorf("%s: %w", path, err)
		return res
	}
	res.Rules = rs.Version
	fs, err := checkMismatch(o, rs)
	if err != nil {
		res.Err = err
		return res
	}
	res.Findings = append(res.Findings, fs...)
	return res
}

// joinPosition prefixes a module-relative annotation position with the
// object's directory, so that editors and SARIF find the file.
func joinPosition(dir, pos string) string {
	if pos == "" || dir == "." || dir == "" || filepath.IsAbs(pos) {
		return pos
	}
	return filepath.Join(dir, pos)
}

// manifestFor returns the placement manifest for the object at path, or
// nil when placement is not checked on it. A directory that cannot be
// loaded gives nil here (mismatch checks go on) and one error from
// reportDirErrors.
func (v *verifier) manifestFor(path string) (*sectionrt.Manifest, error) {
	switch {
	case v.placement == "never":
		return nil, nil
	case v.fixed != nil:
		return v.fixed, nil
	}
	dir := filepath.Dir(path)
	v.mu.Lock()
	if v.manifests == nil {
		v.manifests = make(map[string]*dirManifest)
	}
	dm := v.manifests[dir]
	if dm == nil {
		dm = &dirManifest{}
		v.manifests[dir] = dm
	}
	v.mu.Unlock()
	dm.once.Do(func() {
		if v.placement == "auto" {
			if v.listing.NoKbuild(dir) {
				return // what Scan would find: no kbuild file, no module
			}
			d, err := module.Scan(dir)
			if err != nil {
				dm.err = fmt.Errorf("find modules in %s: %w", dir, err)
				return
			}
			if len(d.Modules) == 0 {
				return
			}
		}
		d, err := module.LoadDir(dir)
		if err != nil {
			dm.err = fmt.Errorf("build manifests from %s: %w", dir, err)
			return
		}
		dm.d = d
	})
	name := filepath.Base(modfile.Trim(path))
	if dm.err != nil {
		return nil, nil // reported once, by reportDirErrors
	}
	var mod *module.Module
	if dm.d != nil {
		mod = dm.d.Module(name)
	}
	if mod == nil {
		if v.placement == "always" {
			return nil, fmt.Errorf("%s: module %s is not built by the kbuild file in %s (it builds %s)", path, name, dir, namesOf(dm.d))
		}
		return nil, nil // another object in the directory
	}
	m := module.Manifest(mod)
	return &m, nil
}

// namesOf lists the modules of d for messages.
func namesOf(d *module.Dir) string {
	if d == nil || len(d.Modules) == 0 {
		return "no module"
	}
	return strings.Join(d.Names(), ", ")
}

// rulesFor picks the section-mismatch rule set for o: Options.Rules, else
// the object's own release (vermagic), else the release its kbuild output
// directory names (buildRelease). Nothing else: the newest headers on this
// machine need not be the kernel the object was built for.
func (v *verifier) rulesFor(o *sectionrt.Object) (*sectionrt.RuleSet, error) {
	if v.fixedRules != nil {
		return v.fixedRules, nil
	}
	if rel := o.KernelRelease(); rel != "" {
		return v.rulesForRelease(rel)
	}
	rel, from, err := buildRelease(o.Name())
	if err != nil {
		return nil, fmt.Errorf("no vermagic in the object, and %w; choose the rules with -rules %s", err, strings.Join(sectionrt.RuleVersions, "|"))
	}
	rs, err := v.rulesForRelease(rel)
	if err != nil {
		return nil, fmt.Errorf("kernel %s (from %s): %w", rel, from, err)
	}
	return rs, nil
}

func (v *verifier) rulesForRelease(rel string) (*sectionrt.RuleSet, error) {
	v.rulesMu.Lock()
	defer v.rulesMu.Unlock()
	r, ok := v.rules[rel]
	if !ok {
		r.rs, r.err = sectionrt.RulesForRelease(rel)
		if v.rules == nil {
			v.rules = make(map[string]rulesOrErr)
		}
		v.rules[rel] = r
	}
	return r.rs, r.err
}
