package buildroot

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/initsec/initsec/internal/debpkg"
)

// Cache is a directory of build roots, one per Spec key.
type Cache struct {
	// Dir holds the roots; "" means DefaultDir().
	Dir string

	// Log receives mmdebstrap's and apt's output while a root is made; nil
	// discards it.
	Log io.Writer
}

// DefaultDir is os.UserCacheDir()/initsec/roots ($XDG_CACHE_HOME or
// ~/.cache, then initsec/roots).
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("build root cache: %w", err)
	}
	return filepath.Join(d, "initsec", "roots"), nil
}

// Root is a complete build root in a Cache.
type Root struct {
	Path    string    // the root directory on this machine
	Key     string    // Spec.Key(): the directory's name
	Spec    Spec      // normalised: Arch filled in, Packages sorted
	Created time.Time // when mmdebstrap finished

	// Installed is every package dpkg installed in the root, name →
	// version: what the Spec's names resolved to.
	Installed map[string]string
}

// manifestName is the file, at the top of every complete root, that
// records its Root. Its presence is what makes a directory a root.
const manifestName = ".initsec-buildroot.json"

// BuildDir is the directory inside a root under which Build mounts module
// directories (BuildDir/NAME); the root's own BuildDir stays empty.
const BuildDir = "/build"

// tmpPrefix starts the name of a root being made.
const tmpPrefix = ".tmp-"

func (c *Cache) dir() (string, error) {
	if c.Dir != "" {
		return filepath.Abs(c.Dir)
	}
	return DefaultDir()
}

// Lookup returns the complete root for spec, or nil if there is none. It
// never downloads anything.
func (c *Cache) Lookup(spec Spec) (*Root, error) {
	key, err := spec.Key()
	if err != nil {
		return nil, err
	}
	dir, err := c.dir()
	if err != nil {
		return nil, err
	}
	r, err := readRoot(filepath.Join(dir, key))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return r, err
}

// Ensure returns the root for spec, making it first if the cache has none.
// A root is made with mmdebstrap (installed on this machine with apt-get
// if missing) in a temporary directory beside the cache's roots and renamed
// into place once complete, so an interrupted Ensure leaves no root that a
// later one would use; the next Ensure for the same key removes its
// remains. Callers for the same key, in this process or others, wait for
// one another (an flock on DIR/.KEY.lock), and only the first downloads.
// Making a root needs root privileges.
func (c *Cache) Ensure(ctx context.Context, spec Spec) (*Root, error) {
	n, err := spec.normalize()
	if err != nil {
		return nil, err
	}
	if r, err := c.Lookup(n); r != nil || err != nil {
		return r, err
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("build root %s: making one needs root (mmdebstrap --mode=root, chroot and mounts); run as root or use a machine where the cache %s already holds it", n.Suite, c.describeDir())
	}
	key, _ := n.Key()
	dir, err := c.dir()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("build root cache: %w", err)
	}
	unlock, err := lockKey(ctx, dir, key, unix.LOCK_EX)
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Another caller may have made it while this one waited.
	final := filepath.Join(dir, key)
	if r, err := readRoot(final); err == nil || !errors.Is(err, os.ErrNotExist) {
		return r, err
	}
	if err := removeStale(dir, key); err != nil {
		return nil, err
	}
	if err := debpkg.Ensure(ctx, c.Log, "mmdebstrap"); err != nil {
		return nil, fmt.Errorf("build root %s: %w", key, err)
	}
	tmp, err := os.MkdirTemp(dir, tmpPrefix+key+"-")
	if err != nil {
		return nil, fmt.Errorf("build root %s: %w", key, err)
	}
	r, err := c.make(ctx, n, key, tmp)
	if err != nil {
		if rmErr := removeTree(tmp); rmErr != nil {
			err = errors.Join(err, rmErr)
		}
		return nil, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return nil, fmt.Errorf("build root %s: %w", key, err)
	}
	r.Path = final
	return r, nil
}

// mmdebstrapArgs is the command that makes spec's root in dir.
func mmdebstrapArgs(spec Spec, dir string) []string {
	args := []string{
		"--mode=root", "--format=directory", "--variant=apt",
		"--architectures=" + spec.Arch,
		// The archive may be a snapshot whose Release files are past their
		// Valid-Until; signatures are still checked.
		`--aptopt=Acquire::Check-Valid-Until "false"`,
		"--include=" + strings.Join(spec.Packages, ","),
		spec.Suite, dir,
	}
	switch {
	case spec.Mirror != "":
		args = append(args, spec.Mirror)
	case len(spec.Sources) > 0:
		args = append(args, DefaultMirror)
	}
	return append(args, spec.Sources...)
}

// make runs mmdebstrap into tmp and writes the manifest.
func (c *Cache) make(ctx context.Context, spec Spec, key, tmp string) (*Root, error) {
	log := c.Log
	if log == nil {
		log = io.Discard
	}
	args := mmdebstrapArgs(spec, tmp)
	// mmdebstrap (root mode) bind-mounts /dev, /sys and /proc into the root
	// while it works; in a private mount namespace they vanish with it even
	// if it is killed, and removing the half-made root cannot reach them.
	err := inNamespace(func() error {
		defer detachUnder(tmp)
		cmd := exec.CommandContext(ctx, "mmdebstrap", args...)
		cmd.Stdout, cmd.Stderr = log, log
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return unix.Kill(-cmd.Process.Pid, unix.SIGKILL) }
		cmd.WaitDelay = 5 * time.Second
		if err := cmd.Run(); err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				err = fmt.Errorf("%w (%w)", ctxErr, err)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build root %s: mmdebstrap %s: %w", key, strings.Join(args, " "), err)
	}
	if err := os.MkdirAll(filepath.Join(tmp, BuildDir), 0o755); err != nil {
		return nil, fmt.Errorf("build root %s: %w", key, err)
	}
	installed, err := installedPackages(ctx, tmp)
	if err != nil {
		return nil, fmt.Errorf("build root %s: %w", key, err)
	}
	r := &Root{Key: key, Spec: spec, Created: time.Now().UTC().Truncate(time.Second), Installed: installed}
	b, err := json.MarshalIndent(r, "", "\t")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, manifestName), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("build root %s: %w", key, err)
	}
	return r, nil
}

// installedPackages asks dpkg what is installed in root.
func installedPackages(ctx context.Context, root string) (map[string]string, error) {
	cmd := exec.CommandContext(ctx, "dpkg-query", "--admindir="+filepath.Join(root, "var/lib/dpkg"),
		"-W", "-f=${db:Status-Abbrev}\t${Package}\t${Version}\n")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("dpkg-query in the root: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	pkgs := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) == 3 && strings.HasPrefix(f[0], "ii") {
			pkgs[f[1]] = f[2]
		}
	}
	return pkgs, nil
}

// readRoot reads the manifest of the root at path.
func readRoot(path string) (*Root, error) {
	b, err := os.ReadFile(filepath.Join(path, manifestName))
	if err != nil {
		return nil, err
	}
	var r Root
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("build root %s: manifest: %w", path, err)
	}
	r.Path = path
	return &r, nil
}

// List returns the cache's complete roots, by key.
func (c *Cache) List() ([]*Root, error) {
	dir, err := c.dir()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var roots []*Root
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		r, err := readRoot(filepath.Join(dir, e.Name()))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		roots = append(roots, r)
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].Key < roots[j].Key })
	return roots, nil
}

// ErrBusy is returned by Remove and Clean for a root that a Build is using
// or an Ensure is making.
var ErrBusy = errors.New("in use")

// Remove deletes spec's root, if there is one. It refuses, with ErrBusy,
// while a Build runs in it or an Ensure makes it, and refuses a root with
// anything mounted below it.
func (c *Cache) Remove(spec Spec) error {
	key, err := spec.Key()
	if err != nil {
		return err
	}
	dir, err := c.dir()
	if err != nil {
		return err
	}
	return removeKey(dir, key)
}

// Clean deletes every root in the cache and the remains of interrupted
// Ensures, skipping (and reporting, with ErrBusy) those in use.
func (c *Cache) Clean() error {
	dir, err := c.dir()
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.IsDir():
		case strings.HasPrefix(name, tmpPrefix):
			if k, ok := tmpKey(name); ok {
				keys[k] = true
			}
		case !strings.HasPrefix(name, "."):
			keys[name] = true
		}
	}
	var errs []error
	for k := range keys {
		if err := removeKey(dir, k); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// tmpKey is the key in a temporary root's name, ".tmp-KEY-RANDOM".
func tmpKey(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, tmpPrefix)
	i := strings.LastIndexByte(rest, '-')
	if !ok || i <= 0 {
		return "", false
	}
	return rest[:i], true
}

// removeKey removes key's root and temporary roots under an exclusive lock
// taken without waiting.
func removeKey(dir, key string) error {
	unlock, err := tryLockKey(dir, key, unix.LOCK_EX)
	if err != nil {
		return err
	}
	defer unlock()
	if err := removeStale(dir, key); err != nil {
		return err
	}
	if err := removeTree(filepath.Join(dir, key)); err != nil {
		return fmt.Errorf("build root %s: %w", key, err)
	}
	return nil
}

// removeStale removes key's temporary roots; the caller holds key's lock,
// so no Ensure is still writing them.
func removeStale(dir, key string) error {
	stale, err := filepath.Glob(filepath.Join(dir, tmpPrefix+key+"-*"))
	if err != nil {
		return err
	}
	for _, s := range stale {
		if err := removeTree(s); err != nil {
			return fmt.Errorf("build root %s: remains of an interrupted creation: %w", key, err)
		}
	}
	return nil
}

// detachUnder lazily unmounts, in this thread's mount namespace, what a
// killed mmdebstrap left mounted below dir. The namespace usually dies
// with its thread, taking the mounts along; but when the Go runtime ran
// inNamespace on the main thread, that thread (and its namespace, which
// /proc/self shows) outlives the call, and removeTree would then refuse
// the half-made root.
func detachUnder(dir string) {
	mps, err := mountsUnder("/proc/thread-self/mountinfo", dir)
	if err != nil {
		return
	}
	for i := len(mps) - 1; i >= 0; i-- {
		unix.Unmount(mps[i], unix.MNT_DETACH)
	}
}

// removeTree removes path unless something is mounted below it in this
// mount namespace: os.RemoveAll would descend into a bind mount and delete
// what it shows (a module directory, or the host's /dev).
func removeTree(path string) error {
	mps, err := mountsUnder("/proc/self/mountinfo", path)
	if err != nil {
		return err
	}
	if len(mps) > 0 {
		return fmt.Errorf("not removing %s: mounted below it: %s", path, strings.Join(mps, " "))
	}
	return os.RemoveAll(path)
}

func (c *Cache) describeDir() string {
	d, err := c.dir()
	if err != nil {
		return "(no cache directory)"
	}
	return d
}

func lockPath(dir, key string) string { return filepath.Join(dir, "."+key+".lock") }

// lockKey takes an flock of kind how (LOCK_EX or LOCK_SH) on key's lock
// file, waiting for it until ctx ends.
func lockKey(ctx context.Context, dir, key string, how int) (unlock func(), err error) {
	for {
		unlock, err := tryLockKey(dir, key, how)
		if !errors.Is(err, ErrBusy) {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("build root %s: waiting for another process: %w", key, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// tryLockKey takes an flock on key's lock file without waiting; ErrBusy
// when another holder prevents it. Lock files are never removed: a waiter
// may hold the old one open.
func tryLockKey(dir, key string, how int) (unlock func(), err error) {
	f, err := os.OpenFile(lockPath(dir, key), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("build root %s: lock: %w", key, err)
	}
	if err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("build root %s: %w", key, ErrBusy)
		}
		return nil, fmt.Errorf("build root %s: lock: %w", key, err)
	}
	return func() { f.Close() }, nil
}
