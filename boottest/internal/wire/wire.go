// Package wire holds the messages exchanged between the boottest host
// library and the guest /init program: the guest's configuration, written
// into the initramfs as JSON, and its result, printed on the console as JSON
// between two marker lines.
package wire

// ConfigPath is where the host puts the guest configuration in the
// initramfs.
const ConfigPath = "/boottest.json"

// ModuleDir is the initramfs directory holding the .ko files.
const ModuleDir = "/modules"

// BeginMarker and EndMarker frame the result on the console. Each is
// followed by a space and the run's nonce; EndMarker also carries
// " sha256=<hex>" of the JSON line between them, so that a console line
// mangled by interleaved kernel output is detected rather than misread.
const (
	BeginMarker = "@@initsec-boottest-result-begin"
	EndMarker   = "@@initsec-boottest-result-end"
	// ProgressPrefix starts the guest's progress lines on the console.
	ProgressPrefix = "initsec-boottest:"
)

// Config is the guest's configuration.
type Config struct {
	Nonce string `json:"nonce"`
	// StepTimeoutMS bounds each syscall step (load, unload) in the guest.
	StepTimeoutMS int64    `json:"step_timeout_ms"`
	Modules       []Module `json:"modules"`
}

// Module is one module to load, in order.
type Module struct {
	// Name is the name the kernel gives the module (its .modinfo name=),
	// i.e. the directory under /sys/module.
	Name string `json:"name"`
	// File is the path of the .ko in the initramfs.
	File string `json:"file"`
	// StepTimeoutMS, when positive, overrides Config.StepTimeoutMS.
	StepTimeoutMS int64 `json:"step_timeout_ms,omitempty"`
	// Params is finit_module's param_values: "name=value ...".
	Params string `json:"params,omitempty"`
	// Deps are loaded, in order, before the module (those already loaded
	// are left as they are), and unloaded in reverse after it.
	Deps []Dep `json:"deps,omitempty"`
}

// Dep is a module loaded before a module under test.
type Dep struct {
	Name string `json:"name"`
	// File is the (uncompressed) .ko in the initramfs.
	File string `json:"file"`
}

// DepResult is what happened to one Dep.
type DepResult struct {
	Name string `json:"name"`
	// AlreadyLoaded: /sys/module/NAME existed before the load, so the
	// guest neither loaded nor unloads it.
	AlreadyLoaded bool `json:"already_loaded,omitempty"`
	Loaded        bool `json:"loaded"`
	// LoadErrno and UnloadErrno are errno numbers (see
	// ModuleResult.LoadErrno).
	LoadErrno int    `json:"load_errno,omitempty"`
	LoadError string `json:"load_error,omitempty"`
	LoadMS    int64  `json:"load_ms"`
	// Kmsg holds the /dev/kmsg records logged while it loaded.
	Kmsg []string `json:"kmsg,omitempty"`
	// Unloaded: delete_module returned 0 after the module under test was
	// unloaded. UnloadError also says why no unload was tried.
	Unloaded    bool   `json:"unloaded"`
	UnloadErrno int    `json:"unload_errno,omitempty"`
	UnloadError string `json:"unload_error,omitempty"`
}

// Result is what the guest prints.
type Result struct {
	// Release is uname -r of the running kernel.
	Release string `json:"release"`
	// UptimeAtInitMS is /proc/uptime when /init started: the kernel's boot
	// time under emulation.
	UptimeAtInitMS int64          `json:"uptime_at_init_ms"`
	Modules        []ModuleResult `json:"modules"`
	// Errors are guest-level failures (mounts, config) not tied to a module.
	Errors []string `json:"errors,omitempty"`
	// DurationMS is the time the guest spent on all modules.
	DurationMS int64 `json:"duration_ms"`
}

// ModuleResult is the record of loading and unloading one module.
type ModuleResult struct {
	Name string `json:"name"`
	// Deps are the results of Module.Deps, in load order.
	Deps []DepResult `json:"deps,omitempty"`
	// Loaded reports whether finit_module returned 0.
	Loaded bool `json:"loaded"`
	// LoadErrno is the errno number when finit_module failed (0: none, or
	// no errno); the host names it. Numbers, not names, keep the guest free
	// of an errno table (it imports only the standard library); amd64 and
	// arm64 share the numbering of include/uapi/asm-generic/errno*.h.
	LoadErrno int `json:"load_errno,omitempty"`
	// LoadTimedOut: finit_module had not returned when the step timeout
	// passed (init still running); InitState is read all the same.
	LoadTimedOut bool   `json:"load_timed_out,omitempty"`
	LoadError    string `json:"load_error,omitempty"`
	LoadMS       int64  `json:"load_ms"`
	// InitState, CoreSize, InitSize, Taint and Sections are read from
	// /sys/module/NAME right after a successful load (init has returned).
	InitState string   `json:"initstate,omitempty"`
	CoreSize  int64    `json:"coresize"`
	InitSize  int64    `json:"initsize"`
	Taint     string   `json:"taint,omitempty"`
	Sections  []string `json:"sections,omitempty"`
	// Kmsg holds the /dev/kmsg records logged while the module loaded.
	Kmsg []string `json:"kmsg,omitempty"`
	// SysfsAfterLoad reports whether /sys/module/NAME existed after the
	// load attempt (it must not after a failed init).
	SysfsAfterLoad bool `json:"sysfs_after_load"`

	Unloaded bool `json:"unloaded"`
	// UnloadTimedOut: delete_module had not returned within the timeout.
	UnloadTimedOut bool   `json:"unload_timed_out,omitempty"`
	UnloadErrno    int    `json:"unload_errno,omitempty"`
	UnloadError    string `json:"unload_error,omitempty"`
	// UnloadKmsg holds the /dev/kmsg records logged while it unloaded.
	UnloadKmsg []string `json:"unload_kmsg,omitempty"`
	// SysfsAfterUnload reports whether /sys/module/NAME still existed after
	// delete_module.
	SysfsAfterUnload bool `json:"sysfs_after_unload"`

	// Errors are failures to observe (a sysfs file that could not be read).
	Errors []string `json:"errors,omitempty"`
}
