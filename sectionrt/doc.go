// Package sectionrt is the kernel's section model and the checks built on it.
//
// It opens relocatable ELF objects (.o, .ko) safely: malformed or truncated
// input gives an error naming the file and the problem, never a panic. It
// checks a Manifest against an object: every expected symbol in its expected
// section (clones such as foo.constprop.0 or foo.cold must be there too), a
// symbol that is absent reported as such (inlined or removed by the compiler),
// and the module_init/module_exit aliases init_module/cleanup_module pointing
// at the annotated entry functions.
//
// # Reading objects
//
// Open and NewObject read the ELF header, section headers, symbol table and
// .modinfo up front, through debug/elf with its panics turned into errors,
// and check first what debug/elf would trust: that the section header table
// and every section's data lie inside the file (so no allocation is larger
// than the file), that symbol section indices are in range, and that no
// section it would decompress is compressed. SHN_XINDEX (objects with more
// than 0xff00 sections) is resolved through .symtab_shndx. Errors are
// *FormatError, whose message starts with the file name; Open's own
// failures are *fs.PathError.
//
// Any ELF type opens; only the checks that need a relocatable object refuse
// others: placement needs ET_REL, since a linked image has merged or dropped
// the init and exit sections. Compressed modules (.ko.xz, .ko.zst) must be
// decompressed by the caller; the error says so.
//
// Analyses outside the package (package suggest) read the object through
// the same checks: Sections and Symbols, SectionData for a section's bytes,
// RelocSections and Relocations, SymbolAt for the symbol that holds an
// address, CheckSymbolExtents, and PCBias for the address a PC-relative
// relocation refers to. For millions of entries, EachRela64 gives them
// checked as Elf64_Rela bytes, a batch at a time, and PrefetchRelocations
// reads neighbouring relocation sections in one call. MapSection maps a
// large section read from a file instead of copying it, for a caller that
// turns a fault reading it (the file truncated meanwhile) into an error.
//
// # Placement
//
// CheckPlacement reports Findings with stable rule ids (placement/...):
// Error for a symbol or clone in the wrong section, a wrong size, or a
// missing or misdirected init_module/cleanup_module alias; Note for a symbol
// that is absent. Finding.String is gcc's diagnostic format, with the
// annotation position first.
//
// # Section mismatches
//
// CheckMismatch is modpost's section-mismatch check done outside a kernel
// build: Rules("6.1"|"6.12"|"6.19"|"7.0"|"7.2") or RulesForRelease(release) choose a
// RuleSet (section groups, the sectioncheck table, secref_whitelist, the
// export check — each entry citing modpost.c of its version), relocations
// are decoded by hand (RelocSections, Relocations: SHT_REL and SHT_RELA;
// REL implicit addends for i386 and ARM as modpost reads them), and each
// finding (rules mismatch/...) carries a Reference naming both ends twice:
// as modpost of that version names them (used for whitelisting and for
// Finding.FormatModpost, which reproduces modpost's line byte for byte;
// Finding.Warning gives it as a modpost.Warning) and
// as the symbols that really contain the two addresses — modpost's
// nearest-symbol search can name the object next to the real target.
//
// A Screen answers the common case first: it reads only what the checks
// need, into reused buffers, and clears an object when CheckMismatch would
// find nothing and fail nowhere; anything else (a reference a check could
// fire for, anything malformed or unusual) it leaves to Open and
// CheckMismatch, so findings and errors are theirs. Screen.View gives
// another analysis the same shortcut: a RawView holds the section and
// symbol tables Open would make, read without debug/elf into the
// Screen's buffers, the symbols without their names until asked
// (SymbolTable names them all; SymbolName, SymbolNamed and SymbolHasBase
// answer for one), and makes the Object itself when the analysis needs
// more (package suggest's Clean).
package sectionrt
