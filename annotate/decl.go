package annotate

import (
	"regexp"
	"strings"
	"sync"
)

// Declaration heads. A head is the part of a declaration before its
// initialiser or body: specifiers, attributes and one declarator. Without
// running the preprocessor, macros are unknown, so the declared name is found
// by shape: the specifiers come first and hold one type (keywords, a
// struct/union/enum tag, or one typedef name); the first plain identifier
// after the type is the name; a parenthesised declarator starting with '*'
// (function pointers, "int (*get(void))(int)") is searched recursively.
// Identifiers known to be kernel attribute macros (kernelAttrs) and
// __attribute__(...) groups are skipped wherever they sit; an unknown
// "__name" seen before the type is taken as an attribute when another name
// follows it, unless it looks like a kernel type (__u8, __le32, foo_t).

// headInfo is what analyse learns from a head.
type headInfo struct {
	name    int  // token index of the declared name, or -1
	suffix  byte // '(' function, '[' array, 0 otherwise
	isConst bool // the declared object itself is const
	static  bool
	extern  bool
	typedef bool
	stmt    int   // a statement keyword (not a declaration), or -1
	macros  []int // init-family and section macros already present
}

// node is a token or a bracketed group of nodes.
type node struct {
	tok  int  // token index; the opening bracket for a group
	open byte // 0 for a token, else '(', '[' or '{'
	kids []node
}

// tree groups balanced head tokens by brackets.
func (s *cscanner) tree(head []int) []node {
	stack := [][]node{nil}
	var openers []int
	for _, k := range head {
		switch txt := s.tokText(k); txt {
		case "(", "[", "{":
			openers = append(openers, k)
			stack = append(stack, nil)
		case ")", "]", "}":
			if len(openers) == 0 { // cannot happen: declaration checked balance
				continue
			}
			top := len(stack) - 1
			o := openers[len(openers)-1]
			openers = openers[:len(openers)-1]
			g := node{tok: o, open: s.src[s.toks[o].off], kids: stack[top]}
			stack = stack[:top]
			stack[top-1] = append(stack[top-1], g)
		default:
			stack[len(stack)-1] = append(stack[len(stack)-1], node{tok: k})
		}
	}
	for len(stack) > 1 { // likewise unreachable; fold unclosed groups
		top := len(stack) - 1
		stack[top-1] = append(stack[top-1], stack[top]...)
		stack = stack[:top]
	}
	return stack[0]
}

func (s *cscanner) analyse(head []int) headInfo {
	h := headInfo{name: -1, stmt: -1}
	level := s.tree(head)
	for _, n := range level {
		if n.open != 0 || s.toks[n.tok].kind != tIdent {
			continue
		}
		switch s.tokText(n.tok) {
		case "static":
			h.static = true
		case "extern":
			h.extern = true
		case "typedef":
			h.typedef = true
		default:
			if statementKeywords[s.tokText(n.tok)] && h.stmt < 0 {
				h.stmt = n.tok
			}
		}
	}
	s.findMacros(level, &h.macros, false)
	d := s.declarator(level, false)
	h.name, h.suffix, h.isConst = d.name, d.suffix, d.isConst
	return h
}

// findMacros collects init-family macros anywhere in the head, and section
// attributes inside __attribute__ groups.
func (s *cscanner) findMacros(level []node, out *[]int, inAttr bool) {
	for i, n := range level {
		if n.open != 0 {
			s.findMacros(n.kids, out, inAttr)
			continue
		}
		if s.toks[n.tok].kind != tIdent {
			continue
		}
		id := s.tokText(n.tok)
		switch {
		case sectionMacros[id]:
			*out = append(*out, n.tok)
		case id == "__attribute__" || id == "__attribute":
			if i+1 < len(level) && level[i+1].open == '(' {
				var inner []int
				s.findMacros(level[i+1].kids, &inner, true)
				*out = append(*out, inner...)
			}
		case inAttr && (id == "section" || id == "__section__"):
			*out = append(*out, n.tok)
		}
	}
}

type declResult struct {
	name    int
	suffix  byte
	hasPtr  bool // a '*' at the name's own level decided isConst
	isConst bool
}

// nodeAfter is level[i+1], or a node standing for the end of the level.
func nodeAfter(level []node, i int) node {
	if i+1 < len(level) {
		return level[i+1]
	}
	return node{tok: -1}
}

// declarator finds the declared name in one nesting level. hasType says
// whether the type specifier was already seen at an outer level.
func (s *cscanner) declarator(level []node, hasType bool) declResult {
	r := declResult{name: -1}
	nameAt := -1
	lastPtr := -1
	var consts []int // positions of const before the name
	lastName := s.lastName(level)
	for i := 0; i < len(level) && nameAt < 0; i++ {
		n := level[i]
		if n.open != 0 {
			if n.open == '(' && s.startsDeclarator(n) {
				inner := s.declarator(n.kids, true)
				if inner.name >= 0 {
					r, nameAt = inner, i
				}
			}
			continue
		}
		t := s.toks[n.tok]
		if t.kind == tPunct {
			if txt := s.tokText(n.tok); txt == "*" || txt == "^" {
				lastPtr = i
			}
			continue
		}
		if t.kind != tIdent {
			continue
		}
		id := s.tokText(n.tok)
		nx := nodeAfter(level, i)
		switch {
		case attrKeywords[id] || kernelAttrs[id] || sectionMacros[id]:
			if nx.open == '(' {
				i++ // its arguments
			}
		case typeofKeywords[id]:
			hasType = true
			if nx.open == '(' {
				i++
			}
		case isTagKeyword(id):
			hasType = true
			if nx.tok >= 0 && nx.open == 0 && s.toks[nx.tok].kind == tIdent {
				i++ // the tag
			}
		case basicTypes[id]:
			hasType = true
		case id == "const" || id == "__const" || id == "__const__":
			consts = append(consts, i)
		case cKeywords[id]:
		default:
			later := lastName > i
			if nx.open == '(' && !s.startsDeclarator(nx) && (!hasType || later) {
				i++ // an attribute-like macro call: MACRO(args) name
				continue
			}
			if !hasType {
				if strings.HasPrefix(id, "__") && !kernelType().MatchString(id) && later {
					continue // an unknown attribute macro before the type
				}
				hasType = true // a typedef name
				continue
			}
			nameAt = i
			r = declResult{name: n.tok}
			if nx.open == '(' || nx.open == '[' {
				r.suffix = nx.open
			}
		}
	}
	if nameAt < 0 || r.hasPtr {
		return r
	}
	// The constness of the object is decided at the innermost level that
	// has a '*' before the name: const after the last '*' qualifies the
	// object, const before it the pointed-to type. Without any '*', a const
	// among the specifiers qualifies the object (or its elements).
	if lastPtr >= 0 && lastPtr < nameAt {
		r.hasPtr = true
		r.isConst = constBetween(consts, lastPtr+1, nameAt)
		return r
	}
	r.isConst = r.isConst || constBetween(consts, 0, nameAt)
	return r
}

// constBetween reports whether a const, at one of the positions consts,
// stands in [from, to).
func constBetween(consts []int, from, to int) bool {
	for _, c := range consts {
		if c >= from && c < to {
			return true
		}
	}
	return false
}

// startsDeclarator reports whether a parenthesised group is a declarator
// such as (*fp) rather than a parameter list or macro arguments.
func (s *cscanner) startsDeclarator(n node) bool {
	if n.open != '(' || len(n.kids) == 0 || n.kids[0].open != 0 {
		return false
	}
	txt := s.tokText(n.kids[0].tok)
	return txt == "*" || txt == "^"
}

// lastName returns the index of the last plain identifier or declarator
// group in level, or -1; a name follows index i when lastName > i. Computed
// once per level, so that long heads stay linear.
func (s *cscanner) lastName(level []node) int {
	for i := len(level) - 1; i >= 0; i-- {
		n := level[i]
		if n.open != 0 {
			if s.startsDeclarator(n) {
				return i
			}
			continue
		}
		if s.toks[n.tok].kind != tIdent {
			continue
		}
		id := s.tokText(n.tok)
		if !attrKeywords[id] && !kernelAttrs[id] && !sectionMacros[id] && !typeofKeywords[id] &&
			!basicTypes[id] && !cKeywords[id] && !isTagKeyword(id) && id != "const" && id != "__const" && id != "__const__" {
			return i
		}
	}
	return -1
}

// kernelType matches reserved-looking names that are types, not attributes.
var kernelType = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^__(u|s|le|be)(8|16|32|64|128)$|^__kernel_|_t$|^__(wsum|sum16|poll_t|bitwise)$|^__builtin_va_list$`)
})

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// attrKeywords take a parenthesised argument that is never a name.
var attrKeywords = set("__attribute__", "__attribute", "asm", "__asm", "__asm__", "_Alignas", "alignas",
	"__declspec")

var typeofKeywords = set("typeof", "__typeof", "__typeof__", "typeof_unqual", "__typeof_unqual__", "_Atomic")

var basicTypes = set("void", "char", "short", "int", "long", "float", "double", "signed", "unsigned",
	"_Bool", "bool", "_Complex", "_Imaginary", "__int128", "__signed", "__signed__", "__unsigned",
	"__auto_type", "_Float16", "_Float32", "_Float64", "_Float128", "_Decimal32", "_Decimal64", "_Decimal128",
	"__builtin_va_list")

// cKeywords are other keywords that may sit in a head; none is a name.
var cKeywords = set("static", "extern", "typedef", "register", "auto", "inline", "__inline", "__inline__",
	"volatile", "__volatile", "__volatile__", "restrict", "__restrict", "__restrict__", "_Thread_local",
	"thread_local", "__thread", "_Noreturn", "constexpr", "noreturn", "__extension__")

var statementKeywords = set("if", "else", "for", "while", "do", "switch", "case", "default", "return",
	"goto", "break", "continue", "sizeof", "_Static_assert", "static_assert")

// sectionMacros place a symbol in a section themselves (include/linux/init.h,
// cache.h, compiler_attributes.h, ...); with the directive's macro added by
// the trailer they would conflict.
var sectionMacros = set("__init", "__initdata", "__initconst", "__exit", "__exitdata", "__ref", "__refdata",
	"__refconst", "__section", "__meminit", "__meminitdata", "__meminitconst", "__init_or_module",
	"__initdata_or_module", "__exit_call", "__init_memblock", "__initdata_memblock", "__read_mostly",
	"__ro_after_init", "__cacheline_aligned", "__cacheline_aligned_in_smp", "__page_aligned_data",
	"__page_aligned_bss", "__nosavedata", "__sched", "__irq_entry", "__softirq_entry", "__kprobes",
	"__cpuidle", "__noinstr_section", "noinstr")

// kernelAttrs are attribute macros without a section (compiler_attributes.h,
// compiler_types.h, linkage.h): skipped when looking for the name.
var kernelAttrs = set("__maybe_unused", "__always_unused", "__used", "__unused", "__cold", "__hot",
	"__weak", "__pure", "__noreturn", "__packed", "__aligned", "__aligned_largest", "__printf", "__scanf",
	"__alias", "__must_check", "__visible", "__noclone", "noinline", "__noinline", "notrace", "asmlinkage",
	"__always_inline", "__nocfi", "__no_sanitize_address", "__no_kcsan", "__no_stack_protector", "__flatten",
	"__malloc", "__mode", "__naked", "__nonstring", "__copy", "__designated_init", "__randomize_layout",
	"__no_randomize_layout", "__latent_entropy", "____cacheline_aligned", "____cacheline_aligned_in_smp",
	"__iomem", "__user", "__kernel", "__rcu", "__percpu", "__force", "__must_hold", "__acquires",
	"__releases", "__deprecated", "__gnu_inline", "__counted_by", "__nonnull", "__attribute_const__",
	"__noretpoline", "__fix_address", "__cleanup", "__assume_aligned", "__no_profile", "__nostackprotector",
	"__compiletime_error", "__section_unused", "__tracepoint_string",
	"__ksym", "__weak_alias", "__free", "__private", "__safe", "__rcu_guarded", "__data_racy")
