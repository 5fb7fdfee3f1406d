package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/initsec/initsec/sectionrt"
)

// memoryReport is one object's line of `initsec report`.
type memoryReport struct {
	Object string           `json:"object"`
	Memory sectionrt.Memory `json:"memory"`
	// Exit is Memory.Exit, kept at the top level of the JSON for readers
	// of the first format: resident with CONFIG_MODULE_UNLOAD, freed with
	// the init region without it.
	Exit uint64 `json:"exit_bytes"`
}

const reportUsage = `Usage: initsec report [-format text|json] [-no-module-unload] file-or-dir...

Reports what each module costs once loaded, as the module loader of Linux
6.1 lays it out (kernel/module/main.c, layout_sections and layout_symtab;
x86_64 with CONFIG_STRICT_MODULE_RWX and CONFIG_KALLSYMS_ALL, as Debian
builds it):

  INIT    bytes of .init.* sections, freed right after the init function
          returns (do_init_module -> do_free_init), and the pages they take
  EXIT    bytes of .exit.* sections: resident with CONFIG_MODULE_UNLOAD,
          freed with the init region without it (-no-module-unload)
  CORE    bytes that stay resident, and the predicted
          /sys/module/NAME/coresize (text, rodata, ro_after_init and data
          each page-aligned, plus the core kallsyms table)

Arguments are objects (.ko, .ko.xz, .ko.zst, .ko.gz) or directories,
searched as by verify.

Exit status: 0, or 2 when an object cannot be read or an argument holds
no object, such as a module directory before its build (named; the others
are still reported), or on a usage error.

Flags:
`

func runReport(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	noUnload := fs.Bool("no-module-unload", false, "predict for a kernel without CONFIG_MODULE_UNLOAD (.exit.* freed with .init.*)")
	setUsage(fs, reportUsage)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if !objectArgs(fs, stderr, *format) {
		return exitError
	}
	tuneGC(gcLimit)
	primeHeap(fs.Args(), 16<<20) // report's heap peaks at about 8 MB on Debian 6.1's tree
	unload := !*noUnload
	fast := func(s *sectionrt.Screen, path string, r io.ReaderAt, size int64) (memoryReport, bool, bool) {
		m, ok := s.Memory(r, size, unload)
		return memoryReport{Object: path, Memory: m, Exit: m.Exit}, true, ok
	}
	reports, failed := eachObjectFast(stderr, "report", fs.Args(), fast, func(path string, o *sectionrt.Object) (memoryReport, bool, error) {
		m := sectionrt.PredictMemory(o, unload)
		return memoryReport{Object: path, Memory: m, Exit: m.Exit}, true, nil
	})
	if reports == nil {
		reports = []memoryReport{}
	}
	status := exitOK
	if failed {
		status = exitError
	}
	if *format == "json" {
		if !writeJSON(stdout, stderr, "report", reports) {
			return exitError
		}
		return status
	}
	if len(reports) == 0 {
		return status // no table of nothing; stderr says why
	}
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "OBJECT\tINIT BYTES\tINIT PAGES\tEXIT BYTES\tCORE BYTES\tCORESIZE")
	var initB, initP, coreP uint64
	for _, r := range reports {
		m := r.Memory
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", filepath.ToSlash(r.Object), m.Init, m.InitPages, r.Exit, m.Core, m.CorePages*sectionrt.PageSize)
		initB += m.Init
		initP += m.InitPages
		coreP += m.CorePages
	}
	tw.Flush()
	if len(reports) > 1 {
		fmt.Fprintf(stdout, "%d module(s): %d bytes of init sections (%d pages) freed after init; %d pages resident\n",
			len(reports), initB, initP, coreP)
	}
	return status
}
