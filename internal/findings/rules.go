package findings

import (
	"strings"

	"github.com/initsec/initsec/sectionrt"
)

// ruleDoc is what SARIF (and GitHub's alert page) says about a rule.
type ruleDoc struct {
	name  string // PascalCase, SARIF reportingDescriptor.name
	short string
	full  string
	help  string // markdown, also readable as text
	level string // default SARIF level
}

// ruleDocs documents the rule ids initsec reports. The ids are stable
// (sectionrt's Rule* constants); README's "Findings and how to fix them"
// says the same for humans.
var ruleDocs = map[string]ruleDoc{
	sectionrt.RuleWrongSection: {
		name:  "WrongSection",
		short: "An annotated symbol is not in the section its kind names",
		full:  "The symbol (or a compiler clone of it, such as foo.constprop.0) is defined in another ELF section than the one its //go:init-section kind names, e.g. .text instead of .init.text.",
		help:  "The generated trailer include (`#include \"foo.initsec.h\"`) is missing or is not the last line of the file, or another macro or attribute overrides the section. Run `initsec generate` and check the end of the file.",
		level: "error",
	},
	sectionrt.RuleAbsent: {
		name:  "Absent",
		short: "An annotated symbol is not in the object",
		full:  "The compiler inlined the symbol into its callers or removed it, so it is not defined in the built object.",
		help:  "Nothing to do when its callers are in the same kind of section: the code went where its callers are.",
		level: "note",
	},
	sectionrt.RuleEntryAlias: {
		name:  "EntryAlias",
		short: "init_module/cleanup_module do not alias the annotated entry function",
		full:  "The module's init_module or cleanup_module symbol is missing or is not an alias of the function annotated with initcall= or entry.",
		help:  "A hand-written module_init()/module_exit() registers another function: remove it; `initcall=` and `entry` register the annotated one.",
		level: "error",
	},
	sectionrt.RuleSize: {
		name:  "Size",
		short: "An annotated symbol's size differs from the manifest",
		full:  "The symbol's st_size differs from the size the manifest expects.",
		help:  "Regenerate with `initsec generate`: the data changed.",
		level: "error",
	},
	sectionrt.RuleObject: {
		name:  "Object",
		short: "The object cannot be checked for placement",
		full:  "The object is not relocatable (ET_REL) or has no symbol table, so placement cannot be checked.",
		help:  "Check the .ko or .o that kbuild builds, not a linked image or a stripped copy.",
		level: "error",
	},
}

// The section-mismatch rules (sectionrt.CheckMismatch), each a check of
// modpost's sectioncheck[] table or its export check.
func init() {
	for id, what := range map[string]string{
		sectionrt.RuleTextToInit:     "resident code refers to .init.* (init code or data, freed after init)",
		sectionrt.RuleDataToInit:     "resident data refers to .init.* (init code or data, freed after init)",
		sectionrt.RuleTextToExit:     "resident code refers to .exit.* (exit code or data, discarded without CONFIG_MODULE_UNLOAD or when built in)",
		sectionrt.RuleDataToExit:     "resident data refers to .exit.* (exit code or data, discarded without CONFIG_MODULE_UNLOAD or when built in)",
		sectionrt.RuleInitToExit:     "init code or data refers to .exit.*",
		sectionrt.RuleExitToInit:     "exit code or data refers to .init.* (already freed when exit runs)",
		sectionrt.RuleMemInitToInit:  "memory-hotplug init code (.meminit.*) refers to .init.* (Linux 6.1 rules)",
		sectionrt.RulePCIFixupToInit: "a PCI fixup (.pci_fixup_*, run at hotplug time) refers to .init.*",
		sectionrt.RuleExportInit:     "EXPORT_SYMBOL of an __init symbol: other modules would call freed code",
		sectionrt.RuleExportExit:     "EXPORT_SYMBOL of an __exit symbol",
		sectionrt.RuleExtable:        "an exception table (__ex_table) entry points outside executable code",
	} {
		d := mismatchDoc(id)
		d.short = "Section mismatch: " + what
		switch id {
		case sectionrt.RuleExportInit, sectionrt.RuleExportExit:
			d.help = "Remove the __init/__exit (the `//go:init-section` annotation) or the EXPORT_SYMBOL: an exported symbol must stay resident."
		case sectionrt.RuleExtable:
			d.help = "An exception-table entry must point into executable code; check the inline assembly or .S file that emits it."
			d.level = "error"
		}
		ruleDocs[id] = d
	}
}

// mismatchDoc is the documentation of a section-mismatch rule whose id is
// not in ruleDocs: modpost's check, named after its id.
func mismatchDoc(id string) ruleDoc {
	tail := strings.TrimPrefix(id, "mismatch/")
	name := "SectionMismatch"
	for _, w := range strings.FieldsFunc(tail, func(r rune) bool { return r == '-' || r == '_' || r == '/' }) {
		name += strings.ToUpper(w[:1]) + w[1:]
	}
	return ruleDoc{
		name:  name,
		short: "Section mismatch (" + tail + ")",
		full: "A reference that modpost's section-mismatch check (" + tail + ") reports: code or data that stays resident, " +
			"or that is discarded at another time, refers to a symbol in .init.* or .exit.*. The kernel frees .init.* after " +
			"init (for a module, right after its init function returns) and keeps .exit.* for a module only with " +
			"CONFIG_MODULE_UNLOAD, so the reference may point into freed or discarded memory.",
		help: "Mark the referring function or data with the same init/exit kind as its target (`//go:init-section init`, " +
			"`initdata`, ...), or take the target out of the init section. If the reference is known to be used only " +
			"during init, annotate the referrer `ref`/`refdata` with `reason=\"...\"` (the kernel's `__ref`).",
		level: "warning",
	}
}

func describe(id string) ruleDoc {
	if d, ok := ruleDocs[id]; ok {
		return d
	}
	if strings.HasPrefix(id, "mismatch/") {
		return mismatchDoc(id)
	}
	return ruleDoc{
		name:  "Check",
		short: "initsec check " + id,
		full:  "A finding of initsec's check " + id + ".",
		help:  "See the initsec README, section \"Findings and how to fix them\".",
		level: "warning",
	}
}
