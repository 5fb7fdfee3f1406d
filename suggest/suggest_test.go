package suggest

import (
	"context"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/sectionrt"
)

// suggestModule covers each rule once; the comment on each symbol says
// what Find must decide. noinline keeps the helpers as symbols at
// the kernel's -O2.
const suggestModule = `
#include <linux/module.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>

MODULE_LICENSE("GPL");

static volatile int sink;

/* Candidate: called only from the init function. */
static noinline void only_init(int v) { sink = v * 3; }

/* Not a candidate: also called from resident code (a call the assembler
   resolves inside .text, with no relocation). */
static noinline void shared_helper(int v) { sink = v + 1; }

/* Not a candidate: its address is stored in a resident ops struct, and
   the init code that registers the struct never calls it. */
static noinline int helper_open(struct inode *i, struct file *f) { sink = 7; return 0; }
static const struct file_operations sugg_fops = { .owner = THIS_MODULE, .open = helper_open };
static struct miscdevice sugg_misc = { .minor = MISC_DYNAMIC_MINOR, .name = "initsec-sugg", .fops = &sugg_fops };

/* Candidates: a chain init -> chain_a -> chain_b. */
static noinline void chain_b(int v) { sink = v ^ 5; }
static noinline void chain_a(int v) { chain_b(v + 2); sink = v; }

/* initconst candidate: a table read only by init code. */
static const int init_table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };

/* exit candidate: called only from the exit function. */
static noinline void only_exit(int v) { sink = v - 9; }

/* Global, called only from init, not exported: not suggested in sugg.o
   (another object may call it), suggested in the linked sugg.ko. */
noinline void sugg_global_helper(int v) { sink = v * 11; }

/* Resident: a global that calls shared_helper. */
noinline void sugg_resident(int v) { shared_helper(v); sink = 2; }
EXPORT_SYMBOL_GPL(sugg_resident);

static int __init sugg_init(void)
{
	int i;

	only_init(1);
	shared_helper(2);
	chain_a(3);
	for (i = 0; i < 8; i++)
		sink = init_table[sink & 7];
	sugg_global_helper(4);
	return misc_register(&sugg_misc);
}

static void __exit sugg_exit(void)
{
	only_exit(5);
	misc_deregister(&sugg_misc);
}

module_init(sugg_init);
module_exit(sugg_exit);
`

// TestFindKbuild builds suggestModule with the real kbuild of
// Linux 6.1 and checks each decision.
func TestFindKbuild(t *testing.T) {
	tg := requireTarget(t, kernels.Find61)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sugg.c"), []byte(suggestModule), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Kbuild"), []byte("obj-m := sugg.o\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := tg.Options()
	opts.W = "1"
	res, err := kbuild.Build(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range []string{filepath.Join(dir, "sugg.o"), res.Modules[0]} {
		t.Run(filepath.Base(obj), func(t *testing.T) {
			o := mustOpen(t, obj)
			// The fixture is only a test if gcc kept the helpers.
			for _, name := range []string{"only_init", "shared_helper", "helper_open", "chain_a", "chain_b", "init_table", "only_exit", "sugg_global_helper"} {
				if len(o.Lookup(name)) == 0 {
					t.Fatalf("%s was inlined or dropped: the fixture no longer tests it", name)
				}
			}
			sugg, err := Find(o)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]Suggestion{}
			for _, s := range sugg {
				got[s.Symbol] = s
			}
			want := map[string]struct {
				kind string
				from []string
			}{
				"only_init":  {"init", []string{"sugg_init"}},
				"chain_a":    {"init", []string{"sugg_init"}},
				"chain_b":    {"init", []string{"chain_a"}},
				"init_table": {"initconst", []string{"sugg_init"}},
				"only_exit":  {"exit", []string{"sugg_exit"}},
			}
			notWanted := []string{"shared_helper", "helper_open", "sugg_global_helper", "sugg_resident", "sugg_fops", "sugg_misc", "sugg_init", "sugg_exit"}
			if obj == res.Modules[0] {
				want["sugg_global_helper"] = struct {
					kind string
					from []string
				}{"init", []string{"sugg_init"}}
				notWanted = slices.DeleteFunc(notWanted, func(n string) bool { return n == "sugg_global_helper" })
			}
			for name, w := range want {
				s, ok := got[name]
				if !ok {
					t.Errorf("%s not suggested; got %+v", name, sugg)
					continue
				}
				sym := o.Lookup(name)[0]
				if s.Kind != w.kind || !slices.Equal(s.ReferencedFrom, w.from) || s.Size != sym.Size || s.Section != sym.Section {
					t.Errorf("%s: got %+v, want kind %s from %v, %d bytes in %s", name, s, w.kind, w.from, sym.Size, sym.Section)
				}
			}
			for _, name := range notWanted {
				if s, ok := got[name]; ok {
					t.Errorf("%s suggested: %+v", name, s)
				}
			}
			if len(sugg) != len(want) {
				t.Errorf("%d suggestions, want %d: %+v", len(sugg), len(want), sugg)
			}
		})
	}
}

// TestFindResolvedCall: a call between two functions of one
// section has no relocation; the scan must still see it. Assembled by
// hand so that the layout is exact.
func TestFindResolvedCall(t *testing.T) {
	obj := assemble(t, `
	.text
	.type helper, @function
helper:	ret
	.size helper, .-helper
	.type lea_only, @function
lea_only: ret
	.size lea_only, .-lea_only
	.type only_init, @function
only_init: ret
	.size only_init, .-only_init
	.globl resident
	.type resident, @function
resident:
	call helper
	ret
	.size resident, .-resident
	.section .init.text,"ax"
	.globl init_module
	.type init_module, @function
init_module:
	call helper
	call only_init
	jmp lea_only
	.size init_module, .-init_module
	.text
	.type taker, @function
taker:	lea lea_only(%rip), %rax
	ret
	.size taker, .-taker
	.section .init.text,"ax"
	.type init2, @function
init2:	call taker
	ret
	.size init2, .-init2
`)
	o := mustOpen(t, obj)
	sugg, err := Find(o)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range sugg {
		names = append(names, s.Symbol+":"+s.Kind+":"+strings.Join(s.ReferencedFrom, ","))
	}
	// helper: called by resident without a relocation. lea_only: its
	// address is taken (lea, resolved too) by taker, so taker is a
	// candidate but lea_only is not.
	if want := []string{"only_init:init:init_module", "taker:init:init2"}; !slices.Equal(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
}

// TestFindInitBytesOutsideSymbols: init code that no symbol covers is
// still init code: the section's pseudo-node is a root, and what it
// alone calls is suggested, referenced from the section.
func TestFindInitBytesOutsideSymbols(t *testing.T) {
	obj := assemble(t, `
	.text
	.type target, @function
target:	ret
	.size target, .-target
	.section .init.text,"ax"
	call target
	.globl init_module
	.type init_module, @function
init_module:
	ret
	.size init_module, .-init_module
`)
	sugg, err := Find(mustOpen(t, obj))
	if err != nil {
		t.Fatal(err)
	}
	if len(sugg) != 1 || sugg[0].Symbol != "target" || sugg[0].Kind != "init" || !slices.Equal(sugg[0].ReferencedFrom, []string{".init.text"}) {
		t.Errorf("got %+v, want target (init), referenced from .init.text", sugg)
	}
}

// TestFindErrors: objects Find cannot judge are errors.
func TestFindErrors(t *testing.T) {
	o, err := sectionrt.NewObjectBytes(smallObject(t), "small.o")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Find(o); err != nil {
		t.Errorf("small.o: %v", err)
	}
	if o.Machine() != elf.EM_X86_64 {
		t.Skip("host is not x86_64")
	}
	b := smallObject(t)
	b[18] = byte(elf.EM_RISCV) // e_machine
	o, err = sectionrt.NewObjectBytes(b, "riscv.o")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Find(o); err == nil || !strings.Contains(err.Error(), "riscv.o") {
		t.Errorf("riscv: err %v", err)
	}
}

// TestFindFolded: the parts a node joins and the site lists. An init
// function's clone outside .init.text is init code too (its resolved call
// makes helper a candidate, though no relocation of .init.text reaches
// anything); a
// function's .cold part is folded into it; a site list's entry pointing
// into code counts for nothing, one pointing at data keeps the object
// resident.
func TestFindFolded(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{{
		name: "clone of init code",
		src: `
	.text
	.type helper, @function
helper:	ret
	.size helper, .-helper
	.type entry.part.0, @function
entry.part.0:
	call helper
	ret
	.size entry.part.0, .-entry.part.0
	.section .init.text,"ax"
	.type entry, @function
entry:
	ret
	.size entry, .-entry
`,
		want: []string{"helper init .text 1 entry "},
	}, {
		name: "cold part and site lists",
		src: `
	.text
	.type only_init, @function
only_init:
	jmp only_init.cold
	.size only_init, .-only_init
	.section .text.unlikely,"ax"
	.type only_init.cold, @function
only_init.cold:
	ret
	.size only_init.cold, .-only_init.cold
	.data
	.type flag, @object
flag:	.long 0
	.size flag, 4
	.type tbl, @object
tbl:	.long 1, 2
	.size tbl, 8
	.section .init.text,"ax"
	.type entry, @function
entry:
	call only_init
	movl flag(%rip), %eax
	movl tbl(%rip), %eax
	ret
	.size entry, .-entry
	.section __jump_table,"aw"
	.quad flag
	.section __mcount_loc,"a"
	.quad only_init
`,
		want: []string{
			"tbl initdata .data 8 entry ",
			"only_init init .text 6 entry only_init,only_init.cold",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			o := mustOpen(t, assemble(t, tc.src))
			sugg, err := Find(o)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range sugg {
				got = append(got, fmt.Sprintf("%s %s %s %d %s %s", s.Symbol, s.Kind, s.Section, s.Size, strings.Join(s.ReferencedFrom, ","), strings.Join(s.Symbols, ",")))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestFindResolvedCallArm64: on arm64 too, a BL the assembler resolved
// keeps its target resident when resident code makes it, and carries the
// init path on (only_init -> chain) when init code's callee makes it.
func TestFindResolvedCallArm64(t *testing.T) {
	obj := assembleWith(t, "aarch64-linux-gnu-as", `
	.text
	.type helper, %function
helper:	ret
	.size helper, .-helper
	.type chain, %function
chain:	ret
	.size chain, .-chain
	.type only_init, %function
only_init:
	bl chain
	ret
	.size only_init, .-only_init
	.globl resident
	.type resident, %function
resident:
	bl helper
	ret
	.size resident, .-resident
	.section .init.text,"ax"
	.globl init_module
	.type init_module, %function
init_module:
	bl helper
	bl only_init
	ret
	.size init_module, .-init_module
`)
	o := mustOpen(t, obj)
	if o.Machine() != elf.EM_AARCH64 {
		t.Fatalf("machine %s", o.Machine())
	}
	sugg, err := Find(o)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range sugg {
		names = append(names, s.Symbol+":"+s.Kind+":"+strings.Join(s.ReferencedFrom, ","))
	}
	if want := []string{"chain:init:only_init", "only_init:init:init_module"}; !slices.Equal(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
}
