// Package boottest boots a real Linux kernel under QEMU with an initramfs
// built in Go, loads kernel modules in it, and reports what the running
// kernel did with them — above all, whether each module's init memory was
// freed once its init function returned.
//
// # Contract
//
// Run takes a kernel image (an x86_64 bzImage such as Debian's
// /boot/vmlinuz-<release>, or an arm64 Image such as Debian's arm64
// vmlinuz) and a list of .ko files built for that kernel's release. The
// image's architecture (Config.Arch, else read from the image) chooses
// everything that differs between architectures, in one place (Arches):
// the emulator, the machine, the console device and the GOARCH of the
// guest /init. Before booting it checks, and reports as errors naming the
// Debian package to install: a missing image (linux-image-<release>, or
// linux-image-<release>-unsigned), a missing emulator (qemu-system-x86_64
// from qemu-system-x86, qemu-system-aarch64 from qemu-system-arm), and a
// module whose .modinfo vermagic names another release than the image's.
//
// Modules a module needs are loaded before it, as modprobe would: the
// names of its .modinfo depends= (and Module.LoadFirst) are looked up in
// the booted kernel's own tree, Config.ModulesDir (default
// /lib/modules/RELEASE, from linux-image-RELEASE), through its
// modules.dep, recursively, dependencies first and each once (see
// Resolver.Order); a module of Config.Modules may be the dependency of
// another. A name found nowhere is an error naming it and where it was
// looked for, before anything boots. Compressed modules of the tree
// (Debian's 6.12 ships .ko.xz) are decompressed on the host, so that the
// guest loads plain ELF whatever the kernel's CONFIG_MODULE_DECOMPRESS and
// their vermagic is checked before booting. In the guest the dependencies
// of each module are loaded right before it (unless already loaded) and
// unloaded in reverse order right after it, leaving the next module a
// clean kernel; Report says which were loaded (ModuleResult.Deps).
//
// It then builds the guest program (package boottest/guest) as a static
// /init, writes a gzip-compressed newc initramfs holding /init, the modules
// and a JSON configuration, and boots once, for all modules:
//
//	qemu-system-x86_64 -accel tcg -nodefaults -no-user-config -display none
//	  -serial stdio -no-reboot -m 512 -kernel K -initrd I
//	  -append "console=ttyS0 panic=-1 quiet loglevel=4"
//
// on amd64, where K is, by default, the uncompressed vmlinux extracted
// from the image (cached) and booted through its PVH entry, skipping the
// real-mode setup and in-guest xz decompression that dominate a TCG boot;
// see Vmlinux and Config.BootBzImage. On arm64:
//
//	qemu-system-aarch64 -accel tcg -M virt -cpu cortex-a57 -nodefaults ...
//	  -kernel IMAGE -initrd I -append "console=ttyAMA0 panic=-1 quiet loglevel=4"
//
// In the guest, for each module in order, /init loads its dependencies,
// calls finit_module with the module's Params, reads
// /sys/module/NAME/{initstate,coresize,initsize,taint} and lists
// /sys/module/NAME/sections/ (the dot-named entries such as .init.text
// included), keeps the /dev/kmsg records logged during the load, calls
// delete_module and keeps the records logged during the unload. Each step
// has a timeout (Config.StepTimeout). The guest prints one JSON result
// between marker lines carrying a per-run nonce and the JSON's SHA-256, and
// powers off.
//
// A module that fails to load or unload is a result, not an error: Run's
// error is non-nil only when no result could be obtained (bad input,
// missing tools, QEMU failing, or QEMU still running after Config.Timeout,
// in which case QEMU is killed and the error quotes the last console lines).
// Report.Check turns the per-module expectations of Config into errors:
// loaded, init state live, init message seen, initsize 0 after init,
// coresize recorded, every .init*/.exit* section of the .ko listed in sysfs,
// exit message seen and the module gone after unload; or, for a module
// expected to fail, the expected errno and no /sys/module entry left.
//
// # What Debian's 6.1 kernel (6.1.0-56-amd64) showed
//
//   - initsize reads 0 as soon as finit_module returns: do_init_module
//     zeroes the init layout before returning, and queues the memory for
//     do_free_init. coresize is page-rounded (16384 for examples/hello).
//   - /sys/module/NAME/sections/ still lists .init.text, .init.data and
//     .init.rodata after init: the section attributes are made at load time
//     and never pruned, so their presence proves where code was placed, not
//     that it is still resident; initsize is the proof of freeing.
//   - Unsigned modules load (CONFIG_MODULE_SIG=y, MODULE_SIG_FORCE unset, no
//     lockdown without Secure Boot): kmsg says "loading out-of-tree module
//     taints kernel." and "module verification failed: signature and/or
//     required key missing - tainting kernel", and /sys/module/NAME/taint
//     reads "OE".
//   - An init returning -ENODEV makes finit_module fail with ENODEV and
//     leaves no /sys/module/NAME; a module with init and no exit loads and
//     delete_module refuses it with EBUSY; a module whose init sleeps stays
//     in initstate "coming".
//
// The guest's sources are embedded in this package: BuildGuestFor builds
// them with the go command in $PATH (Go 1.22 or later) in a temporary
// directory, from any current directory and with no download, and keeps
// the binary in os.UserCacheDir()/initsec/guest; Config.GuestInit names a
// prebuilt one instead.
package boottest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/initsec/initsec/boottest/internal/wire"
	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// Default bounds.
const (
	DefaultTimeout     = 120 * time.Second
	DefaultStepTimeout = 20 * time.Second
	DefaultMemoryMB    = 512
	// DefaultAppend is amd64's default command line; see AppendFor.
	DefaultAppend = "console=ttyS0 panic=-1 quiet loglevel=4"
)

// Config says what to boot and what to load.
type Config struct {
	// Kernel is the image to boot, e.g. /boot/vmlinuz-6.1.0-56-amd64
	// (see FindKernel): an x86 bzImage or an arm64 Image. Empty:
	// FindKernel of the first module's release.
	Kernel string
	// Arch is the Debian architecture of Kernel (a key of Arches); empty:
	// read from the image (ImageArch).
	Arch string
	// Modules are loaded and unloaded in this order, in one boot.
	Modules []Module
	// Timeout bounds the whole QEMU run (default DefaultTimeout).
	Timeout time.Duration
	// StepTimeout bounds each load and unload in the guest (default
	// DefaultStepTimeout).
	StepTimeout time.Duration
	// QEMU is the emulator's binary (default: the Arch's, found in $PATH).
	QEMU string
	// QEMUArgs are appended to QEMU's command line, e.g. "-device",
	// "pci-testdev" to give a PCI driver a device to probe.
	QEMUArgs []string
	// MemoryMB is the guest's memory (default DefaultMemoryMB).
	MemoryMB int
	// Append is the kernel command line (default AppendFor the Arch).
	Append string
	// GuestInit is a prebuilt guest /init (default: built with BuildGuest).
	GuestInit string
	// BootBzImage boots Kernel as is. By default Run boots the vmlinux
	// inside it through QEMU's PVH entry (see Vmlinux), which is several
	// times faster under TCG, and falls back to the bzImage (noting why in
	// Report.Boot) when the image cannot be unpacked.
	BootBzImage bool
	// CacheDir holds extracted vmlinux files (default: see Vmlinux).
	CacheDir string
	// ModulesDir is the booted kernel's module tree, where dependencies
	// are found through its modules.dep (default /lib/modules/RELEASE,
	// which Debian's linux-image-RELEASE installs). It is read only when
	// a module has dependencies or LoadFirst.
	ModulesDir string
	// Log receives the raw serial console as it arrives (nil: discarded).
	Log io.Writer
}

// Module is one .ko to load, with what its load and unload should show.
type Module struct {
	// Name is the module's kernel name; empty means .modinfo name=. When
	// set it must agree with .modinfo.
	Name string
	// Path is the .ko file on the host.
	Path string
	// ExpectInitFail says finit_module must fail; ExpectErrno, when
	// non-zero, is the errno it must fail with (e.g. syscall.ENODEV).
	ExpectInitFail bool
	ExpectErrno    syscall.Errno
	// InitMessage, when set, must occur in a kmsg record logged during the
	// load (proof that init ran); ExitMessage likewise during the unload.
	InitMessage string
	ExitMessage string
	// StepTimeout, when positive, overrides Config.StepTimeout for this
	// module's load and unload.
	StepTimeout time.Duration
	// ExpectUnloadFail says delete_module must fail (a module with an init
	// function but no exit function cannot be unloaded: EBUSY).
	ExpectUnloadFail bool
	// Params are the module's parameters, "name=value ...", as given to
	// finit_module (and to insmod/modprobe).
	Params string
	// LoadFirst names modules (of the kernel's tree, or other modules of
	// Config.Modules) to load before this one, with their own
	// dependencies, ahead of those .modinfo depends= names.
	LoadFirst []string
}

// Report is the outcome of one boot. It is JSON-serialisable.
type Report struct {
	// Kernel is the image booted; Release its release (from its header,
	// confirmed by uname in the guest).
	Kernel  string `json:"kernel"`
	Release string `json:"release"`
	// Arch is the Debian architecture booted.
	Arch string `json:"arch"`
	// Boot says what QEMU booted: "pvh vmlinux PATH" or "bzImage" (with
	// the reason when the vmlinux could not be used).
	Boot string `json:"boot"`
	// QEMU is the command line run.
	QEMU []string `json:"qemu"`
	// Duration is the wall time of Run, including building the guest and
	// the initramfs; BootDuration from starting QEMU to reading the
	// result; KernelBoot the guest's uptime when /init started; Guest the
	// time /init spent on the modules.
	Duration     time.Duration `json:"duration_ns"`
	BootDuration time.Duration `json:"boot_duration_ns"`
	KernelBoot   time.Duration `json:"kernel_boot_ns"`
	Guest        time.Duration `json:"guest_ns"`
	// InitramfsBytes is the size of the compressed initramfs.
	InitramfsBytes int64          `json:"initramfs_bytes"`
	Modules        []ModuleResult `json:"modules"`
	// GuestErrors are guest failures not tied to a module.
	GuestErrors []string `json:"guest_errors,omitempty"`
	// PowerOff notes how QEMU ended after the result was read.
	PowerOff string `json:"power_off,omitempty"`
}

// ModuleResult is what happened to one module.
type ModuleResult struct {
	Name string `json:"name"`
	Path string `json:"path"`
	// Vermagic is the module's .modinfo vermagic=.
	Vermagic string `json:"vermagic"`
	// ELFInitSections and ELFExitSections are the non-empty SHF_ALLOC
	// .init* / .exit* sections of the .ko; ELFInitBytes the size of the
	// former (what the loader places in the init region, unrounded).
	ELFInitSections []string `json:"elf_init_sections,omitempty"`
	ELFExitSections []string `json:"elf_exit_sections,omitempty"`
	ELFInitBytes    uint64   `json:"elf_init_bytes"`

	// Params are the parameters the module was loaded with.
	Params string `json:"params,omitempty"`
	// Deps are the modules loaded before it (LoadFirst, then what
	// .modinfo depends= needs), dependencies first, as modprobe would.
	Deps []DepResult `json:"deps,omitempty"`

	ExpectInitFail   bool   `json:"expect_init_fail,omitempty"`
	ExpectErrno      string `json:"expect_errno,omitempty"`
	ExpectUnloadFail bool   `json:"expect_unload_fail,omitempty"`
	// InitMessage and ExitMessage are the expected kmsg substrings.
	InitMessage string `json:"init_message,omitempty"`
	ExitMessage string `json:"exit_message,omitempty"`

	// Loaded: finit_module returned 0. LoadErrno is the errno's name
	// ("ENODEV"), LoadError its text.
	Loaded    bool   `json:"loaded"`
	LoadErrno string `json:"load_errno,omitempty"`
	LoadError string `json:"load_error,omitempty"`
	// LoadTimedOut: finit_module had not returned within the step
	// timeout; InitState then tells where the module stood ("coming").
	LoadTimedOut bool          `json:"load_timed_out,omitempty"`
	Load         time.Duration `json:"load_ns"`
	// Read from /sys/module/NAME after init returned.
	InitState string   `json:"initstate,omitempty"`
	CoreSize  int64    `json:"coresize"`
	InitSize  int64    `json:"initsize"`
	Taint     string   `json:"taint,omitempty"`
	Sections  []string `json:"sections,omitempty"`
	// Kmsg: the kernel log records written during the load.
	Kmsg []string `json:"kmsg,omitempty"`
	// SysfsAfterLoad: /sys/module/NAME existed after the load attempt.
	SysfsAfterLoad bool `json:"sysfs_after_load"`

	Unloaded       bool   `json:"unloaded"`
	UnloadErrno    string `json:"unload_errno,omitempty"`
	UnloadTimedOut bool   `json:"unload_timed_out,omitempty"`
	UnloadError    string `json:"unload_error,omitempty"`
	// UnloadKmsg: the kernel log records written during the unload.
	UnloadKmsg []string `json:"unload_kmsg,omitempty"`
	// SysfsAfterUnload: /sys/module/NAME still existed after unloading.
	SysfsAfterUnload bool `json:"sysfs_after_unload"`

	// Errors are guest failures to observe this module.
	Errors []string `json:"errors,omitempty"`
}

// DepResult is what happened to one module loaded before a module under
// test. The guest loads a dependency unless /sys/module/NAME already
// exists, and after the module under test is unloaded unloads the
// dependencies it loaded, in reverse order (it leaves them loaded when the
// module under test is still loaded).
type DepResult struct {
	Name string `json:"name"`
	// Path is the file on the host: in the kernel's tree, or a module
	// under test. Empty for a built-in module.
	Path string `json:"path,omitempty"`
	// Builtin: part of the kernel image (modules.builtin), nothing to load.
	Builtin bool `json:"builtin,omitempty"`
	// AlreadyLoaded: it was loaded before (and is left alone).
	AlreadyLoaded bool   `json:"already_loaded,omitempty"`
	Loaded        bool   `json:"loaded"`
	LoadErrno     string `json:"load_errno,omitempty"`
	LoadError     string `json:"load_error,omitempty"`
	// Kmsg: the kernel log records written during its load.
	Kmsg        []string `json:"kmsg,omitempty"`
	Unloaded    bool     `json:"unloaded"`
	UnloadErrno string   `json:"unload_errno,omitempty"`
	UnloadError string   `json:"unload_error,omitempty"`
}

// Run boots cfg.Kernel once and loads and unloads every module of cfg in
// it. See the package documentation for what is an error and what is a
// result. A partial Report may accompany an error.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	start := time.Now()
	if len(cfg.Modules) == 0 {
		return nil, errors.New("boottest: no modules")
	}
	cfg = withDefaults(cfg)

	// Read the modules first: the kernel to boot may follow from them.
	infos, err := readModules(cfg.Modules)
	if err != nil {
		return nil, fmt.Errorf("boottest: %w", err)
	}
	kernel, release, err := resolveKernel(cfg.Kernel, cfg.Modules, infos)
	if err != nil {
		return nil, fmt.Errorf("boottest: %w", err)
	}
	arch, err := kernelArch(cfg.Arch, kernel)
	if err != nil {
		return nil, fmt.Errorf("boottest: %w", err)
	}
	if cfg.Append == "" {
		cfg.Append = AppendFor(arch)
	}
	for i, m := range cfg.Modules {
		if infos[i].Machine != arch.ELFMachine {
			return nil, fmt.Errorf("boottest: %s: machine %v, but the kernel image %s is %s (%v)", m.Path, infos[i].Machine, kernel, arch.Name, arch.ELFMachine)
		}
	}
	plans, err := resolveDeps(cfg, infos, release)
	if err != nil {
		return nil, fmt.Errorf("boottest: %w", err)
	}
	qemu, err := findQEMU(cfg.QEMU, arch)
	if err != nil {
		return nil, err
	}

	dir, err := os.MkdirTemp("", "boottest-")
	if err != nil {
		return nil, fmt.Errorf("boottest: %w", err)
	}
	defer os.RemoveAll(dir)
	initrd, size, nonce, err := buildInitramfs(ctx, cfg, arch, infos, plans, release, dir)
	if err != nil {
		return nil, fmt.Errorf("boottest: %w", err)
	}

	rep := &Report{Kernel: kernel, Release: release, Arch: arch.Name, InitramfsBytes: size}
	var image string
	image, rep.Boot = bootImage(cfg, arch, kernel)
	args := qemuArgs(cfg, arch, image, initrd)
	rep.QEMU = append([]string{qemu}, args...)
	bootStart := time.Now()
	out, err := runQEMU(ctx, qemu, args, nonce, cfg.Timeout, cfg.Log)
	rep.BootDuration = time.Since(bootStart)
	rep.PowerOff = out.powerOff
	defer func() { rep.Duration = time.Since(start) }()
	if err != nil {
		return rep, fmt.Errorf("boottest: %w", err)
	}

	var res wire.Result
	if err := json.Unmarshal(out.result, &res); err != nil {
		return rep, fmt.Errorf("boottest: guest result: %w", err)
	}
	rep.addGuestResult(&res, cfg.Modules, infos, plans)
	return rep, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.StepTimeout <= 0 {
		cfg.StepTimeout = DefaultStepTimeout
	}
	if cfg.MemoryMB <= 0 {
		cfg.MemoryMB = DefaultMemoryMB
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	return cfg
}

// readModules reads the .modinfo of every module and checks that a Name
// given in mods agrees with it.
func readModules(mods []Module) ([]*ModInfo, error) {
	infos := make([]*ModInfo, len(mods))
	for i, m := range mods {
		mi, err := ReadModInfo(m.Path)
		if err != nil {
			return nil, err
		}
		if m.Name != "" && m.Name != mi.Name {
			return nil, fmt.Errorf("%s: Name %q, but .modinfo says name=%s", m.Path, m.Name, mi.Name)
		}
		if mi.Name == "" {
			return nil, fmt.Errorf("%s: .modinfo has no name=", m.Path)
		}
		infos[i] = mi
	}
	return infos, nil
}

// resolveKernel returns the image to boot (kernel, or the one installed
// for the first module's release when kernel is empty) and its release,
// which every module must have been built for.
func resolveKernel(kernel string, mods []Module, infos []*ModInfo) (image, release string, err error) {
	if kernel == "" {
		if kernel, err = FindKernel(infos[0].Release); err != nil {
			return "", "", err
		}
	} else if _, err := os.Stat(kernel); err != nil {
		return "", "", fmt.Errorf("kernel image: %w (Debian installs /boot/vmlinuz-<release> with linux-image-<release>)", err)
	}
	if release, err = ImageRelease(kernel); err != nil {
		return "", "", err
	}
	for i, m := range mods {
		if err := infos[i].checkRelease(m.Path, release); err != nil {
			return "", "", err
		}
	}
	return kernel, release, nil
}

// kernelArch returns the architecture named, or else the image's, and
// checks that they agree.
func kernelArch(name, kernel string) (*Arch, error) {
	got, err := ImageArch(kernel)
	if name == "" {
		return got, err
	}
	a, lerr := LookupArch(name)
	if lerr != nil {
		return nil, lerr
	}
	if err == nil && got != a {
		return nil, fmt.Errorf("kernel image %s is for %s, Config.Arch says %s", kernel, got.Name, a.Name)
	}
	return a, nil
}

// findQEMU returns q, or a's emulator, from $PATH, or an error naming the
// Debian package that installs it.
func findQEMU(q string, a *Arch) (string, error) {
	if q == "" {
		q = a.QEMU
	}
	p, err := exec.LookPath(q)
	if err != nil {
		return "", fmt.Errorf("boottest: %s not found: install the Debian package %s: %w", q, a.QEMUPackage, err)
	}
	return p, nil
}

// buildInitramfs writes dir/initramfs.cpio.gz holding the guest /init
// (built into dir unless cfg.GuestInit names one), the modules and the
// guest configuration. It returns the file's path and size, and the nonce
// that frames the guest's result.
func buildInitramfs(ctx context.Context, cfg Config, arch *Arch, infos []*ModInfo, plans [][]TreeModule, release, dir string) (path string, size int64, nonce string, err error) {
	guest := cfg.GuestInit
	if guest == "" {
		if guest, err = BuildGuestFor(ctx, dir, arch.GOARCH); err != nil {
			return "", 0, "", err
		}
	}
	nonce, files, err := guestFiles(cfg, infos, plans, release, guest)
	if err != nil {
		return "", 0, "", err
	}
	path = filepath.Join(dir, "initramfs.cpio.gz")
	var buf bytes.Buffer
	if err := writeInitramfs(&buf, files); err != nil {
		return "", 0, "", err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return "", 0, "", err
	}
	return path, int64(buf.Len()), nonce, nil
}

// bootImage returns what QEMU boots and how Report.Boot names it: on
// amd64 by default the vmlinux inside kernel, through its PVH entry (see
// Vmlinux), else kernel itself, with the reason when the vmlinux was
// wanted; on arm64 the Image as it is.
func bootImage(cfg Config, arch *Arch, kernel string) (image, boot string) {
	if !arch.PVH {
		return kernel, arch.Name + " Image"
	}
	if cfg.BootBzImage {
		return kernel, "bzImage"
	}
	v, err := Vmlinux(kernel, cfg.CacheDir)
	if err != nil {
		return kernel, "bzImage (no PVH vmlinux: " + err.Error() + ")"
	}
	return v, "pvh vmlinux " + v
}

// qemuArgs is QEMU's command line after the binary (see the package
// documentation).
func qemuArgs(cfg Config, arch *Arch, image, initrd string) []string {
	args := append([]string{"-accel", "tcg"}, arch.Machine...)
	args = append(args,
		"-nodefaults", "-no-user-config", "-display", "none",
		"-serial", "stdio", "-no-reboot", "-m", fmt.Sprint(cfg.MemoryMB),
		"-kernel", image, "-initrd", initrd, "-append", cfg.Append,
	)
	return append(args, cfg.QEMUArgs...)
}

// addGuestResult fills in what the guest reported: timings, one
// ModuleResult per configured module, and as guest errors anything that
// disagrees with what was booted and configured.
func (rep *Report) addGuestResult(res *wire.Result, mods []Module, infos []*ModInfo, plans [][]TreeModule) {
	rep.KernelBoot = time.Duration(res.UptimeAtInitMS) * time.Millisecond
	rep.Guest = time.Duration(res.DurationMS) * time.Millisecond
	rep.GuestErrors = res.Errors
	if res.Release != rep.Release {
		rep.GuestErrors = append(rep.GuestErrors, fmt.Sprintf("guest runs kernel %q, image header says %q", res.Release, rep.Release))
	}
	if len(res.Modules) != len(mods) {
		rep.GuestErrors = append(rep.GuestErrors, fmt.Sprintf("guest reported %d modules, %d were configured", len(res.Modules), len(mods)))
	}
	for i, m := range mods {
		var g *wire.ModuleResult
		if i < len(res.Modules) {
			g = &res.Modules[i]
		}
		mr := moduleResult(m, infos[i], g)
		mr.Deps = depResults(plans[i], g)
		rep.Modules = append(rep.Modules, mr)
	}
}

// moduleResult joins what was expected of a module, what its .ko holds and
// what the guest saw (g; nil when the guest reported nothing for it).
func moduleResult(m Module, info *ModInfo, g *wire.ModuleResult) ModuleResult {
	mr := ModuleResult{
		Name: info.Name, Path: m.Path, Vermagic: info.Vermagic,
		ELFInitSections: info.InitSections, ELFExitSections: info.ExitSections,
		ELFInitBytes:   info.InitBytes,
		ExpectInitFail: m.ExpectInitFail, ExpectUnloadFail: m.ExpectUnloadFail,
		InitMessage: m.InitMessage, ExitMessage: m.ExitMessage,
		Params: m.Params,
	}
	if m.ExpectErrno != 0 {
		mr.ExpectErrno = errnoName(m.ExpectErrno)
	}
	if g == nil {
		mr.Errors = append(mr.Errors, "no result from the guest")
		return mr
	}
	mr.Loaded, mr.LoadErrno, mr.LoadError, mr.LoadTimedOut = g.Loaded, guestErrno(g.LoadErrno), g.LoadError, g.LoadTimedOut
	mr.UnloadTimedOut = g.UnloadTimedOut
	mr.Load = time.Duration(g.LoadMS) * time.Millisecond
	mr.InitState, mr.CoreSize, mr.InitSize, mr.Taint = g.InitState, g.CoreSize, g.InitSize, g.Taint
	mr.Sections, mr.Kmsg, mr.SysfsAfterLoad = g.Sections, g.Kmsg, g.SysfsAfterLoad
	mr.Unloaded, mr.UnloadErrno, mr.UnloadError = g.Unloaded, guestErrno(g.UnloadErrno), g.UnloadError
	mr.UnloadKmsg, mr.SysfsAfterUnload, mr.Errors = g.UnloadKmsg, g.SysfsAfterUnload, g.Errors
	return mr
}

// guestFiles lays out the initramfs: /init, /modules/NN-name.ko, each
// dependency from the kernel's tree once as /modules/deps/name.ko
// (decompressed on the host) and the guest configuration. It returns the
// configuration's nonce.
func guestFiles(cfg Config, infos []*ModInfo, plans [][]TreeModule, release, guest string) (string, []initramfsFile, error) {
	var nb [8]byte
	rand.Read(nb[:])
	gcfg := wire.Config{Nonce: hex.EncodeToString(nb[:]), StepTimeoutMS: cfg.StepTimeout.Milliseconds()}
	init, err := os.ReadFile(guest)
	if err != nil {
		return "", nil, fmt.Errorf("guest init: %w", err)
	}
	files := []initramfsFile{{name: "/init", mode: 0o755, data: init}}
	inGuest := map[string]string{} // host path → initramfs path
	for i, m := range cfg.Modules {
		ko, err := os.ReadFile(m.Path)
		if err != nil {
			return "", nil, err
		}
		name := fmt.Sprintf("%s/%02d-%s.ko", wire.ModuleDir, i, infos[i].Name)
		files = append(files, initramfsFile{name: name, mode: 0o644, data: ko})
		inGuest[m.Path] = name
		gcfg.Modules = append(gcfg.Modules, wire.Module{Name: infos[i].Name, File: name, StepTimeoutMS: m.StepTimeout.Milliseconds(), Params: m.Params})
	}
	for i, plan := range plans {
		for _, d := range plan {
			if d.Builtin {
				continue
			}
			name, ok := inGuest[d.Path]
			if !ok {
				ko, err := treeModule(d, release)
				if err != nil {
					return "", nil, err
				}
				name = fmt.Sprintf("%s/deps/%s.ko", wire.ModuleDir, d.Name)
				files = append(files, initramfsFile{name: name, mode: 0o644, data: ko})
				inGuest[d.Path] = name
			}
			gcfg.Modules[i].Deps = append(gcfg.Modules[i].Deps, wire.Dep{Name: d.Name, File: name})
		}
	}
	b, err := json.Marshal(gcfg)
	if err != nil {
		return "", nil, err
	}
	files = append(files, initramfsFile{name: wire.ConfigPath, mode: 0o644, data: b})
	return gcfg.Nonce, files, nil
}

// guestErrno names an errno number the guest reported ("" for 0). The
// host's table serves both guests: amd64 and arm64 number errnos alike
// (include/uapi/asm-generic/errno-base.h, errno.h).
func guestErrno(n int) string {
	if n == 0 {
		return ""
	}
	return errnoName(syscall.Errno(n))
}

func errnoName(e syscall.Errno) string {
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return fmt.Sprintf("errno %d", int(e))
}

// resolveDeps returns, per module of cfg, the modules to load before it
// (see Resolver.Order), reading the kernel's modules.dep only when some
// module needs anything.
func resolveDeps(cfg Config, infos []*ModInfo, release string) ([][]TreeModule, error) {
	plans := make([][]TreeModule, len(cfg.Modules))
	need := false
	r := &Resolver{}
	for i, m := range cfg.Modules {
		need = need || len(m.LoadFirst) > 0 || len(infos[i].Depends) > 0
		r.AddTested(infos[i].Name, m.Path, infos[i].Depends)
	}
	if !need {
		return plans, nil
	}
	dir := cfg.ModulesDir
	if dir == "" {
		dir = filepath.Join("/lib/modules", release)
	}
	tree, treeErr := LoadModulesDep(dir, release)
	r.Tree = tree
	for i, m := range cfg.Modules {
		plan, err := r.Order(infos[i].Name, append(append([]string(nil), m.LoadFirst...), infos[i].Depends...))
		var me *MissingError
		if errors.As(err, &me) && treeErr != nil {
			return nil, fmt.Errorf("%s: %s needs module %s: %w", m.Path, me.Chain[0], me.Name, treeErr)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Path, err)
		}
		plans[i] = plan
	}
	return plans, nil
}

// treeModule reads a module of the kernel's tree, decompressing it (.ko.xz
// in Debian's 6.12, .ko.zst, .ko.gz): the guest then loads every module the
// same way, whether or not the kernel can decompress
// (CONFIG_MODULE_DECOMPRESS), and the module's .modinfo is checked here,
// before booting.
func treeModule(d TreeModule, release string) ([]byte, error) {
	ko, err := modfile.ReadFile(d.Path)
	if err != nil {
		return nil, fmt.Errorf("dependency %s: %w", d.Name, err)
	}
	o, err := sectionrt.NewObjectBytes(ko, d.Path)
	if err != nil {
		return nil, fmt.Errorf("dependency %s: %w", d.Name, err)
	}
	defer o.Close()
	if rel := o.KernelRelease(); rel != release {
		return nil, fmt.Errorf("dependency %s: %s has vermagic %q, not for the booted kernel %s: the module tree belongs to another kernel", d.Name, d.Path, o.Vermagic(), release)
	}
	return ko, nil
}

// depResults joins the planned dependencies of a module with what the
// guest reported for them (g nil: nothing), in load order.
func depResults(plan []TreeModule, g *wire.ModuleResult) []DepResult {
	var out []DepResult
	j := 0
	for _, d := range plan {
		dr := DepResult{Name: d.Name, Path: d.Path, Builtin: d.Builtin}
		if !d.Builtin && g != nil && j < len(g.Deps) {
			gd := g.Deps[j]
			j++
			dr.AlreadyLoaded, dr.Loaded, dr.LoadErrno, dr.LoadError, dr.Kmsg = gd.AlreadyLoaded, gd.Loaded, guestErrno(gd.LoadErrno), gd.LoadError, gd.Kmsg
			dr.Unloaded, dr.UnloadErrno, dr.UnloadError = gd.Unloaded, guestErrno(gd.UnloadErrno), gd.UnloadError
		}
		out = append(out, dr)
	}
	return out
}
