package verify

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/initsec/initsec/gen"
	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/internal/dev/testenv"
	"github.com/initsec/initsec/internal/findings"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/module"
	"github.com/initsec/initsec/sectionrt"
)

// copyTree copies the fixture directory src into a new temp dir.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestMultiModuleBuild generates and builds, with Debian's 6.1 kbuild,
// directories that build several modules, keep sources in src/, compute
// obj-m, link one source into two modules, or descend into sub/. Every
// module kbuild built is one the probe found; every annotated symbol of
// each module is in its section; verify reports nothing on them.
func TestMultiModuleBuild(t *testing.T) {
	k, err := kernels.Find61()
	if err != nil {
		testenv.SkipOrFail(t, "Debian 6.1 headers: %v", err)
	}
	t.Setenv("KDIR", k.KDIR)
	for _, tc := range []struct {
		dir     string
		modules []string // what modules.order lists, relative
	}{
		{"trio", []string{"alpha.ko", "beta.ko", "gamma.ko"}},
		{"startstop", []string{"startstop.ko"}},
		{"computed", []string{"drv.ko"}},
		{"shared", []string{"one.ko", "two.ko"}},
		{"parent", []string{"top.ko", "sub/leaf.ko"}},
		{"fwpair", []string{"fw.ko", "other.ko"}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			dir := copyTree(t, filepath.Join("..", "..", "module", "testdata", "dirs", tc.dir))
			dirs := []string{dir}
			if tc.dir == "parent" {
				dirs = append(dirs, filepath.Join(dir, "sub"))
			}
			probed := map[string]*module.Module{}
			for _, d := range dirs {
				md, _, err := gen.GenerateDir(d)
				if err != nil {
					t.Fatalf("generate %s: %v", d, err)
				}
				if md.Discovery.Method != module.ByMake {
					t.Errorf("%s: %v", d, md.Discovery)
				}
				for _, m := range md.Modules {
					rel, _ := filepath.Rel(dir, filepath.Join(d, m.Name+".ko"))
					probed[rel] = m
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			var log bytes.Buffer
			res, err := kbuild.Build(ctx, dir, kbuild.Options{KDIR: k.KDIR, Jobs: 2, Stdout: &log, Stderr: &log})
			if err != nil {
				t.Fatalf("build: %v\n%s", err, log.String())
			}
			var built []string
			for _, ko := range res.Modules {
				rel, _ := filepath.Rel(dir, ko)
				built = append(built, rel)
				m := probed[rel]
				if m == nil {
					t.Errorf("kbuild built %s, which the probe did not find", rel)
					continue
				}
				fs, err := sectionrt.CheckFile(ko, module.Manifest(m))
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range fs {
					if f.Severity != sectionrt.Note {
						t.Errorf("%s: %s", rel, f)
					}
				}
			}
			if !slices.Equal(built, tc.modules) {
				t.Errorf("modules.order = %q, want %q", built, tc.modules)
			}
			if len(built) != len(probed) {
				t.Errorf("probe found %d modules, kbuild built %d", len(probed), len(built))
			}
			rs := Files(res.Modules, Options{Jobs: 2})
			for _, r := range rs {
				if r.Err != nil || len(r.Findings) != 0 {
					t.Errorf("verify %s: err %v, findings %v", r.Object, r.Err, r.Findings)
				}
			}
		})
	}
}

// TestVerifyUnloadableDirectory: when a directory's sources cannot be
// loaded, every object there is still checked for mismatches, and the
// error is reported once, on the first object, naming how many others.
func TestVerifyUnloadableDirectory(t *testing.T) {
	k, err := kernels.Find61()
	if err != nil {
		testenv.SkipOrFail(t, "Debian 6.1 headers: %v", err)
	}
	t.Setenv("KDIR", k.KDIR)
	dir := copyTree(t, filepath.Join("..", "..", "module", "testdata", "dirs", "plain"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := kbuild.Build(ctx, dir, kbuild.Options{KDIR: k.KDIR, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	// A directive in a header of a directory with three modules.
	if err := os.WriteFile(filepath.Join(dir, "plain.h"), []byte("//go:init-section initdata\nstatic int x = 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rs := Files(res.Modules, Options{Jobs: 3})
	if findings.Errors(rs) != 1 {
		t.Fatalf("errors = %d, want 1: %+v", findings.Errors(rs), rs)
	}
	msg := rs[0].Err.Error()
	if !strings.HasPrefix(msg, res.Modules[0]+": placement not checked for it and 2 other object(s) there") || !strings.Contains(msg, "plain.h:1:1") {
		t.Errorf("error = %s", msg)
	}
	for _, r := range rs {
		if r.Rules != "6.1" {
			t.Errorf("%s: not checked for mismatches (rules %q)", r.Object, r.Rules)
		}
	}
}
