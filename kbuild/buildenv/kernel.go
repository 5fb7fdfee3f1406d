package buildenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/initsec/initsec/target"
)

// Kernel is a target's own kernel, unpacked from its locked packages into
// a cache (never installed on the host), to boot the target's modules in.
type Kernel struct {
	Target  target.Target
	Release string // as in /lib/modules/RELEASE and the modules' vermagic
	Arch    string // Debian architecture: "amd64", "arm64"
	// Image is the kernel to boot: /boot/vmlinuz-RELEASE of
	// linux-image-RELEASE before 7.x, /usr/lib/modules/RELEASE/vmlinuz of
	// linux-binary-RELEASE from 7.x, inside Dir.
	Image string
	// ModulesDir is the kernel's module tree, DIR/lib/modules/RELEASE (or
	// DIR/usr/lib/modules/RELEASE), with the modules.dep and
	// modules.dep.bin that depmod wrote when it was unpacked (Debian's
	// postinst would write them; the packages do not ship them).
	ModulesDir string
	// Dir is the root of the unpacked packages.
	Dir string
	// Packages are the packages unpacked in Dir.
	Packages []target.Package
}

// kernelRoles are the packages a target's kernel is unpacked from: the
// image (before 7.x it holds both the kernel and its modules; from 7.x a
// metapackage over the two others), the binary (7.x: the kernel) and the
// modules (7.x).
var kernelRoles = []target.Role{target.RoleImage, target.RoleBinary, target.RoleModules}

// KernelPackages returns the locked packages r's kernel is unpacked from.
func KernelPackages(r target.Resolution) []target.Package {
	var ps []target.Package
	for _, role := range kernelRoles {
		if p, ok := r.Package(role); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

func (c *Config) kernelsDir() (string, error) {
	if c.KernelsDir != "" {
		return c.KernelsDir, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "initsec", "kernels"), nil
}

// Kernel returns r's kernel: its image and module packages, downloaded by
// the lock's file names, checked against the lock's SHA256 and unpacked
// with dpkg-deb into the kernels cache (Config.KernelsDir), and the
// module tree indexed with the host's depmod. Once there, it downloads
// nothing. It may be called for several targets at once.
func (c *Config) Kernel(ctx context.Context, r target.Resolution) (*Kernel, error) {
	if r.Ended != "" {
		return nil, fmt.Errorf("%s: series ended: %s", r.Target, r.Ended)
	}
	release := r.Kernel()
	pkgs := KernelPackages(r)
	if release == "" || len(pkgs) == 0 {
		return nil, fmt.Errorf("%s: the resolution has no headers or no kernel image package (roles %s, %s, %s): run initsec targets -update", r.Target, target.RoleImage, target.RoleBinary, target.RoleModules)
	}
	if _, err := exec.LookPath("depmod"); err != nil {
		return nil, fmt.Errorf("%s: depmod not found: install the Debian package kmod: %w", r.Target, err)
	}
	dir, err := c.kernelsDir()
	if err != nil {
		return nil, err
	}
	name := "linux-" + release + "_" + strings.ReplaceAll(pkgs[0].Version, ":", "%3a") + "_" + r.Target.Arch
	tree, err := c.unpack(ctx, dir, name, pkgs, func(tree string) error { return depmod(ctx, tree, release) })
	if err != nil {
		return nil, fmt.Errorf("%s: kernel %s: %w", r.Target, release, err)
	}
	k := &Kernel{Target: r.Target, Release: release, Arch: r.Target.Arch, Dir: tree, Packages: pkgs}
	if k.ModulesDir, err = modulesDir(tree, release); err != nil {
		return nil, fmt.Errorf("%s: %w", r.Target, err)
	}
	for _, p := range []string{
		filepath.Join(tree, "boot", "vmlinuz-"+release),
		filepath.Join(k.ModulesDir, "vmlinuz"),
	} {
		if _, err := os.Stat(p); err == nil {
			k.Image = p
			break
		}
	}
	if k.Image == "" {
		return nil, fmt.Errorf("%s: no kernel image (boot/vmlinuz-%s or %s/vmlinuz) in %s, unpacked from %s", r.Target, release, k.ModulesDir, tree, pkgNames(pkgs))
	}
	return k, nil
}

func pkgNames(ps []target.Package) string {
	var ns []string
	for _, p := range ps {
		ns = append(ns, p.Name)
	}
	return strings.Join(ns, ", ")
}

// modulesDir returns the module tree of release under tree: usr/lib/modules
// (7.x packages) or lib/modules (before, on a merged-/usr system the same).
func modulesDir(tree, release string) (string, error) {
	for _, d := range []string{"usr/lib/modules", "lib/modules"} {
		p := filepath.Join(tree, d, release)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("no module tree lib/modules/%s or usr/lib/modules/%s in %s", release, release, tree)
}

// depmod writes the modules.dep of release's tree under tree, as the
// image's postinst would: depmod -b TREE reads TREE/lib/modules/RELEASE,
// so a 7.x tree under usr/lib gets the merged-/usr link lib -> usr/lib.
func depmod(ctx context.Context, tree, release string) error {
	if _, err := os.Lstat(filepath.Join(tree, "lib")); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(tree, "usr/lib/modules", release)); err == nil {
			if err := os.Symlink("usr/lib", filepath.Join(tree, "lib")); err != nil {
				return err
			}
		}
	}
	if _, err := modulesDir(tree, release); err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, "depmod", "-b", tree, release).CombinedOutput()
	if err != nil {
		return fmt.Errorf("depmod -b %s %s: %w: %s", tree, release, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// CleanKernels removes the unpacked kernels.
func (c *Config) CleanKernels() error {
	dir, err := c.kernelsDir()
	if err != nil {
		return err
	}
	return os.RemoveAll(dir)
}
