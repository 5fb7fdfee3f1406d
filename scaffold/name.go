package scaffold

import (
	"fmt"
	"strings"
)

// ModuleNameLen is the kernel's MODULE_NAME_LEN (include/linux/module.h:
// 64 - sizeof(unsigned long) on 64-bit): struct module's name field holds
// the name and its NUL, so a name has at most ModuleNameLen-1 characters.
const ModuleNameLen = 56

// cKeywords are the reserved words of C11 and C23 and the GNU C spellings
// the kernel compiles with (gcc -std=gnu11): none of them can name a module's
// functions (NAME_init) and objects.
var cKeywords = map[string]bool{
	// C11
	"auto": true, "break": true, "case": true, "char": true, "const": true,
	"continue": true, "default": true, "do": true, "double": true,
	"else": true, "enum": true, "extern": true, "float": true, "for": true,
	"goto": true, "if": true, "inline": true, "int": true, "long": true,
	"register": true, "restrict": true, "return": true, "short": true,
	"signed": true, "sizeof": true, "static": true, "struct": true,
	"switch": true, "typedef": true, "union": true, "unsigned": true,
	"void": true, "volatile": true, "while": true, "_Alignas": true,
	"_Alignof": true, "_Atomic": true, "_Bool": true, "_Complex": true,
	"_Generic": true, "_Imaginary": true, "_Noreturn": true,
	"_Static_assert": true, "_Thread_local": true,
	// C23
	"alignas": true, "alignof": true, "bool": true, "constexpr": true,
	"false": true, "nullptr": true, "static_assert": true,
	"thread_local": true, "true": true, "typeof": true,
	"typeof_unqual": true, "_BitInt": true, "_Decimal32": true,
	"_Decimal64": true, "_Decimal128": true,
	// GNU C
	"asm": true, "__asm__": true, "__attribute__": true, "__typeof__": true,
	"__inline__": true, "__extension__": true, "__restrict__": true,
	"__volatile__": true, "__signed__": true, "__const__": true,
	"__alignof__": true, "__label__": true, "__auto_type": true,
	"__int128": true, "__thread": true,
}

// reservedNames are valid C identifiers that kbuild or this scaffold cannot
// use as a module name.
var reservedNames = map[string]string{
	"vmlinux": "modpost treats vmlinux as the kernel image, not a module",
}

// ValidateName reports whether name can name a new module: a C identifier
// (the template derives NAME_init, NAME_exit, ... from it), not a C
// keyword, and shorter than MODULE_NAME_LEN. The error says what is wrong
// and what would do.
func ValidateName(name string) error {
	if name == "" {
		return fmt.Errorf("module name is empty (hint: a C identifier such as mydrv)")
	}
	for i, r := range name {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			what := fmt.Sprintf("character %q at offset %d", r, i)
			if i == 0 && r >= '0' && r <= '9' {
				what = "a leading digit"
			}
			return fmt.Errorf("module name %q is not a C identifier: %s (hint: letters, digits and '_', not starting with a digit, e.g. %q)", name, what, suggest(name))
		}
	}
	if len(name) >= ModuleNameLen {
		return fmt.Errorf("module name %q is %d characters long; the kernel allows at most %d (MODULE_NAME_LEN %d includes the NUL)", name, len(name), ModuleNameLen-1, ModuleNameLen)
	}
	if cKeywords[name] {
		return fmt.Errorf("module name %q is a C keyword (hint: %s)", name, "choose another name, e.g. "+name+"drv")
	}
	if why, ok := reservedNames[name]; ok {
		return fmt.Errorf("module name %q is reserved: %s", name, why)
	}
	return nil
}

// suggest turns name into an identifier that would pass, for hints.
func suggest(name string) string {
	var b strings.Builder
	for i, r := range name {
		switch {
		case r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteString("drv")
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if len(s) >= ModuleNameLen {
		s = s[:ModuleNameLen-1]
	}
	if s == "" {
		s = "mydrv"
	}
	return s
}
