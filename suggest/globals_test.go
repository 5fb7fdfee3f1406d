package suggest

import (
	"context"
	"debug/elf"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/initsec/initsec/internal/dev/kernels"
	"github.com/initsec/initsec/kbuild"
	"github.com/initsec/initsec/sectionrt"
)

// globalsA and globalsB are the two objects of one module: the globals
// of globalsA are each kept resident by one rule, except glob_only_init,
// which only init code calls, glob_table, which only init code reads, and
// glob_hook, which only exit code reads.
const globalsA = `
#include <linux/module.h>
#include <linux/init.h>

MODULE_LICENSE("GPL");

volatile int glob_sink;

/* Suggested in the .ko: called only from init, not exported. */
noinline void glob_only_init(int v) { glob_sink = v * 3; }

/* Suggested in the .ko: read only by init code. */
const int glob_table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };

/* Not suggested: exported (a __ksymtab entry refers to it). */
noinline void glob_exported(int v) { glob_sink = v * 5; }
EXPORT_SYMBOL_GPL(glob_exported);

/* Not suggested: its address is stored in resident data. */
noinline void glob_addressed(int v) { glob_sink = v * 7; }
void (*glob_hook)(int) = glob_addressed;

/* Not suggested: called from resident code in globals_b.c. */
noinline void glob_called_from_b(int v) { glob_sink = v * 9; }

void glob_resident_b(int v);

static int __init glob_init(void)
{
	int i;

	glob_only_init(1);
	glob_exported(2);
	glob_addressed(3);
	glob_called_from_b(4);
	for (i = 0; i < 8; i++)
		glob_sink = glob_table[glob_sink & 7];
	glob_resident_b(5);
	return 0;
}

static void __exit glob_exit(void) { glob_hook(6); }

module_init(glob_init);
module_exit(glob_exit);
`

const globalsB = `
#include <linux/export.h>

void glob_called_from_b(int v);

/* Resident: exported, so it may run at any time. */
noinline void glob_resident_b(int v) { glob_called_from_b(v + 1); }
EXPORT_SYMBOL_GPL(glob_resident_b);
`

// TestFindGlobals builds a two-object module with the real kbuild of each
// series and checks the rule for global symbols: in each .o none is
// suggested; in the .ko exactly the three that only init (or exit) code reaches.
func TestFindGlobals(t *testing.T) {
	for _, find := range []func() (kernels.Target, error){kernels.Find61, kernels.Find612} {
		tg := requireTarget(t, find)
		t.Run(tg.Release, func(t *testing.T) {
			dir := t.TempDir()
			for name, src := range map[string]string{
				"globals_a.c": globalsA, "globals_b.c": globalsB,
				"Kbuild": "obj-m := glob.o\nglob-y := globals_a.o globals_b.o\n",
			} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res, err := kbuild.Build(context.Background(), dir, tg.Options())
			if err != nil {
				t.Fatal(err)
			}
			for _, obj := range []string{"globals_a.o", "globals_b.o"} {
				sugg, err := Find(mustOpen(t, filepath.Join(dir, obj)))
				if err != nil {
					t.Fatal(err)
				}
				if len(sugg) != 0 {
					t.Errorf("%s: %+v, want nothing (globals of a .o are never suggested)", obj, sugg)
				}
			}
			o := mustOpen(t, res.Modules[0])
			sugg, err := Find(o)
			if err != nil {
				t.Fatal(err)
			}
			want := []Suggestion{
				{Symbol: "glob_hook", Section: ".data", Kind: "exitdata", ReferencedFrom: []string{"glob_exit"}},
				{Symbol: "glob_table", Section: ".rodata", Kind: "initconst", ReferencedFrom: []string{"glob_init"}},
				{Symbol: "glob_only_init", Section: ".text", Kind: "init", ReferencedFrom: []string{"glob_init"}},
			}
			for i := range want {
				syms := o.Lookup(want[i].Symbol)
				if len(syms) != 1 {
					t.Fatalf("%s: %d symbols, want 1 (inlined or dropped: the fixture no longer tests it)", want[i].Symbol, len(syms))
				}
				want[i].Size = syms[0].Size
			}
			slices.SortFunc(want, func(a, b Suggestion) int {
				if a.Section != b.Section {
					return map[bool]int{true: -1, false: 1}[a.Section < b.Section]
				}
				return map[bool]int{true: -1, false: 1}[a.Symbol < b.Symbol]
			})
			if len(sugg) != len(want) {
				t.Fatalf("got %+v, want %+v", sugg, want)
			}
			for i := range want {
				g, w := sugg[i], want[i]
				if g.Symbol != w.Symbol || g.Section != w.Section || g.Kind != w.Kind || g.Size != w.Size || !slices.Equal(g.ReferencedFrom, w.ReferencedFrom) || g.File != "" {
					t.Errorf("got %+v, want %+v", g, w)
				}
			}
		})
	}
}

// TestGlobalParts: a global function is joined with the local parts of
// the one translation unit that has them without a static of that name;
// parts of a static foo, or parts in two units, are not joined.
func TestGlobalParts(t *testing.T) {
	fn := func(name string, bind elf.SymBind, file string) sectionrt.Symbol {
		return sectionrt.Symbol{Name: name, Bind: bind, Type: elf.STT_FUNC, File: file}
	}
	syms := []sectionrt.Symbol{
		{},
		fn("setup.cold", elf.STB_LOCAL, "a.c"),    // 1: setup's part
		fn("setup.part.0", elf.STB_LOCAL, "a.c"),  // 2: same group as 1
		fn("helper", elf.STB_LOCAL, "b.c"),        // 3: a static helper
		fn("helper.cold", elf.STB_LOCAL, "b.c"),   // 4: its part
		fn("twice.cold", elf.STB_LOCAL, "a.c"),    // 5
		fn("twice.cold", elf.STB_LOCAL, "b.c"),    // 6: two groups: a guess
		fn("setup", elf.STB_GLOBAL, ""),           // 7
		fn("helper", elf.STB_GLOBAL, ""),          // 8: another unit's global helper
		fn("twice", elf.STB_GLOBAL, ""),           // 9
		fn("weak_one", elf.STB_WEAK, ""),          // 10
		fn("weak_one.cold", elf.STB_LOCAL, "a.c"), // 11
	}
	members := []int32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	var keys []localKey
	var files fileIDs
	for _, i := range members {
		if syms[i].Bind == elf.STB_LOCAL {
			keys = append(keys, localKeyOf(i, &syms[i], &files))
		}
	}
	groups := localGroups(keys, new(groupIndex), nil, func(int32, int32) {})
	got := new(partIndex).globalParts(syms, members, groups)
	want := [][2]int32{{1, 7}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
