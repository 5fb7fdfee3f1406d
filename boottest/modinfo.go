package boottest

import (
	"debug/elf"
	"fmt"
	"sort"
	"strings"

	"github.com/initsec/initsec/sectionrt"
)

// ModInfo is what boottest reads from a .ko before booting.
type ModInfo struct {
	// Name is the module's name= from .modinfo: the directory the kernel
	// creates under /sys/module.
	Name string `json:"name"`
	// Vermagic is the vermagic= string without trailing blanks, e.g.
	// "6.1.0-56-amd64 SMP preempt mod_unload modversions".
	Vermagic string `json:"vermagic"`
	// Release is the first word of Vermagic: the kernel release the module
	// was built for.
	Release string `json:"release"`
	// InitSections and ExitSections are the loaded (SHF_ALLOC, non-empty)
	// sections whose names start with ".init" and ".exit", sorted; the
	// kernel's module_init_section/module_exit_section use the same test.
	InitSections []string `json:"init_sections,omitempty"`
	ExitSections []string `json:"exit_sections,omitempty"`
	// InitBytes is the sum of the sizes of InitSections: the bytes the
	// loader puts in the module's init region (before page rounding).
	InitBytes uint64 `json:"init_bytes"`
	// Depends are the modules named by .modinfo depends= (modpost lists
	// those exporting a symbol the module uses), as written there.
	Depends []string `json:"depends,omitempty"`
	// Machine is the module's ELF machine (x86_64, AArch64).
	Machine elf.Machine `json:"-"`
}

// ReadModInfo reads the .modinfo section and the section table of the .ko at
// path, through sectionrt's reader: malformed ELF input yields an error
// naming the file, never a panic.
func ReadModInfo(path string) (*ModInfo, error) {
	o, err := sectionrt.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %w", err)
	}
	defer o.Close()
	if o.Type() != elf.ET_REL {
		return nil, fmt.Errorf("read %s: ELF type %v, want a relocatable kernel module (ET_REL)", path, o.Type())
	}
	if archOfMachine(o.Machine()) == nil {
		return nil, fmt.Errorf("read %s: machine %v: boottest boots x86_64 and AArch64 kernels only", path, o.Machine())
	}
	info := o.ModInfo()
	if info == nil {
		return nil, fmt.Errorf("read %s: no .modinfo section: not a kernel module", path)
	}
	mi := &ModInfo{Vermagic: o.Vermagic(), Release: o.KernelRelease(), Machine: o.Machine()}
	if names := info["name"]; len(names) > 0 {
		mi.Name = names[0]
	}
	for _, d := range info["depends"] {
		for _, n := range strings.Split(d, ",") {
			if n = strings.TrimSpace(n); n != "" {
				mi.Depends = append(mi.Depends, n)
			}
		}
	}
	if mi.Vermagic == "" {
		return nil, fmt.Errorf("read %s: .modinfo has no vermagic=", path)
	}
	for _, s := range o.Sections() {
		if s.Flags&elf.SHF_ALLOC == 0 || s.Size == 0 {
			continue
		}
		switch {
		case strings.HasPrefix(s.Name, ".init"):
			mi.InitSections = append(mi.InitSections, s.Name)
			mi.InitBytes += s.Size
		case strings.HasPrefix(s.Name, ".exit"):
			mi.ExitSections = append(mi.ExitSections, s.Name)
		}
	}
	sort.Strings(mi.InitSections)
	sort.Strings(mi.ExitSections)
	return mi, nil
}

// checkRelease reports an error when the module at path was built for a
// kernel release other than release: the kernel would refuse it with
// "disagrees about version of symbol" or "version magic" and ENOEXEC.
func (mi *ModInfo) checkRelease(path, release string) error {
	if mi.Release != release {
		return fmt.Errorf("%s: vermagic %q is for kernel %s, but the kernel image is %s: "+
			"build the module against linux-headers-%s, or boot the image from the Debian package linux-image-%s (or linux-image-%s-unsigned)",
			path, mi.Vermagic, mi.Release, release, release, mi.Release, mi.Release)
	}
	return nil
}
