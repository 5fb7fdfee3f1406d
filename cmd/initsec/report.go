package main

import (
	"debug/elf"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// memoryReport is one object's line of `initsec report`.
type memoryReport struct {
	Object string           `json:"object"`
	Memory sectionrt.Memory `json:"memory"`
	// Exit is the size of the .exit.* sections: resident with
	// CONFIG_MODULE_UNLOAD, freed with the init region without it.
	Exit uint64 `json:"exit_bytes"`
}

func runReport(stdout, stderr io.Writer, args []string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text or json")
	noUnload := fs.Bool("no-module-unload", false, "predict for a kernel without CONFIG_MODULE_UNLOAD (.exit.* freed with .init.*)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: initsec report [-format text|json] [-no-module-unload] file-or-dir...

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

Exit status: 0, or 2 when an object cannot be read (named; the others are
still reported) or on a usage error.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitError
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "initsec report: unknown -format %q (want text or json)\n", *format)
		return exitError
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError
	}
	files, errs := modfile.Expand(fs.Args())
	status := exitOK
	for _, err := range errs {
		fmt.Fprintf(stderr, "initsec report: %v\n", err)
		status = exitError
	}
	reports := []memoryReport{}
	for _, f := range files {
		o, err := modfile.Open(f)
		if err != nil {
			fmt.Fprintf(stderr, "initsec report: %v\n", err)
			status = exitError
			continue
		}
		r := memoryReport{Object: f, Memory: sectionrt.PredictMemory(o, !*noUnload)}
		for _, s := range o.Sections() {
			if s.Flags&elf.SHF_ALLOC != 0 && strings.HasPrefix(s.Name, ".exit") {
				r.Exit += s.Size
			}
		}
		o.Close()
		reports = append(reports, r)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			fmt.Fprintf(stderr, "initsec report: %v\n", err)
			return exitError
		}
		return status
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
