package boottest

import (
	"fmt"
	"slices"
	"strings"
)

// Check returns one error per expectation a module did not meet, and one
// per guest-level error; nil means every module behaved as its Module said.
//
// A module expected to load must: be loaded; be in initstate "live"; show
// its InitMessage (if set) in the load's kmsg; have initsize 0 (the init
// region was freed when init returned); have a non-zero coresize; list in
// /sys/module/NAME/sections every non-empty SHF_ALLOC .init*/.exit* section
// of its .ko; and unless ExpectUnloadFail, unload, show its ExitMessage (if
// set) in the unload's kmsg, and leave no /sys/module/NAME behind.
//
// A module expected to fail init must fail with ExpectErrno (if set) and
// leave no /sys/module/NAME behind.
//
// Either way every dependency loaded first must have loaded (or been
// built in, or loaded already). A dependency that could not be unloaded
// afterwards is in the report (DepResult.UnloadErrno) but is not an
// error: it is the kernel's own module.
func (r *Report) Check() []error {
	var errs []error
	for _, e := range r.GuestErrors {
		errs = append(errs, fmt.Errorf("guest: %s", e))
	}
	for i := range r.Modules {
		errs = append(errs, r.Modules[i].check()...)
	}
	return errs
}

// Check returns one error per expectation m did not meet (see
// Report.Check), each naming the module.
func (m *ModuleResult) Check() []error { return m.check() }

func (m *ModuleResult) check() []error {
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{m.Name}, args...)...))
	}
	for _, e := range m.Errors {
		fail("guest: %s", e)
	}
	for _, d := range m.Deps {
		if !d.Builtin && !d.AlreadyLoaded && !d.Loaded && (d.LoadErrno != "" || d.LoadError != "") {
			fail("dependency %s (%s) did not load: %s (%s), so the module was not loaded; kmsg: %s",
				d.Name, d.Path, orNone(d.LoadErrno), d.LoadError, strings.Join(d.Kmsg, " | "))
			return errs
		}
	}
	if m.ExpectInitFail {
		switch {
		case m.Loaded:
			fail("loaded, but its init was expected to fail")
		case m.LoadTimedOut:
			fail("init did not return within the step timeout (%s), want it to fail", m.LoadError)
		case m.ExpectErrno != "" && m.LoadErrno != m.ExpectErrno:
			fail("load failed with %s (%s), want %s", orNone(m.LoadErrno), m.LoadError, m.ExpectErrno)
		}
		if m.SysfsAfterLoad {
			fail("/sys/module/%s exists after the failed load: the module was left behind", m.Name)
		}
		return errs
	}
	if m.LoadTimedOut {
		fail("init did not return within the step timeout (initstate %q): %s", m.InitState, m.LoadError)
		return errs
	}
	if !m.Loaded {
		fail("not loaded: finit_module failed with %s (%s); kmsg: %s", orNone(m.LoadErrno), m.LoadError, strings.Join(m.Kmsg, " | "))
		return errs
	}
	if m.InitState != "live" {
		fail("initstate %q after init, want \"live\"", m.InitState)
	}
	if m.InitMessage != "" && !containsLine(m.Kmsg, m.InitMessage) {
		fail("init message %q not in the load's kmsg %q: did init run?", m.InitMessage, m.Kmsg)
	}
	if m.InitSize != 0 {
		fail("initsize %d after init, want 0: the init region was not freed", m.InitSize)
	}
	if m.CoreSize <= 0 {
		fail("coresize %d, want > 0", m.CoreSize)
	}
	for _, s := range append(slices.Clone(m.ELFInitSections), m.ELFExitSections...) {
		if !slices.Contains(m.Sections, s) {
			fail("section %s of the .ko not listed in /sys/module/%s/sections (have %q)", s, m.Name, m.Sections)
		}
	}
	if m.ExpectUnloadFail {
		if m.Unloaded {
			fail("unloaded, but unloading was expected to fail")
		}
		return errs
	}
	if !m.Unloaded {
		fail("not unloaded: delete_module failed with %s (%s)", orNone(m.UnloadErrno), m.UnloadError)
		return errs
	}
	if m.ExitMessage != "" && !containsLine(m.UnloadKmsg, m.ExitMessage) {
		fail("exit message %q not in the unload's kmsg %q: did exit run?", m.ExitMessage, m.UnloadKmsg)
	}
	if m.SysfsAfterUnload {
		fail("/sys/module/%s still exists after unloading", m.Name)
	}
	return errs
}

func containsLine(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func orNone(errno string) string {
	if errno == "" {
		return "no errno"
	}
	return errno
}
