package modpost

import (
	"strings"
	"testing"
)

var parseTests = []struct {
	name string
	line string
	ok   bool
	want Warning // Raw is filled in from line
}{
	{
		name: "v6.1 vmlinux",
		line: "WARNING: modpost: vmlinux.o: section mismatch in reference: security_add_hooks_compat (section: .text) -> security_add_hooks (section: .init.text)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "vmlinux.o", FromSym: "security_add_hooks_compat", FromSec: ".text",
			ToSym: "security_add_hooks", ToSec: ".init.text", Kind: KindSectionMismatch},
	},
	{
		name: "v6.1 external module",
		line: "WARNING: modpost: /tmp/kb1/mm.o: section mismatch in reference: mm_entry (section: .text.unlikely) -> mm_setup (section: .init.text)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "/tmp/kb1/mm.o", FromSym: "mm_entry", FromSec: ".text.unlikely",
			ToSym: "mm_setup", ToSec: ".init.text", Kind: KindSectionMismatch},
	},
	{
		name: "v6.1 unknown symbols",
		line: "WARNING: modpost: vmlinux.o: section mismatch in reference: (unknown) (section: .text) -> (unknown) (section: .init.data)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "vmlinux.o", FromSec: ".text", ToSec: ".init.data", Kind: KindSectionMismatch},
	},
	{
		name: "v6.12 with offset",
		line: "WARNING: modpost: vmlinux: section mismatch in reference: foo+0x1c (section: .text) -> bar (section: .init.text)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "vmlinux", FromSym: "foo", FromOff: 0x1c, HasOff: true, FromSec: ".text",
			ToSym: "bar", ToSec: ".init.text", Kind: KindSectionMismatch},
	},
	{
		name: "v6.12 constprop symbol and module path",
		line: "WARNING: modpost: drivers/mtd/ubi/ubi: section mismatch in reference: ubi_init.constprop.0+0xbe (section: .init.text) -> ubiblock_exit (section: .exit.text)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "drivers/mtd/ubi/ubi", FromSym: "ubi_init.constprop.0", FromOff: 0xbe, HasOff: true,
			FromSec: ".init.text", ToSym: "ubiblock_exit", ToSec: ".exit.text", Kind: KindSectionMismatch},
	},
	{
		name: "v6.12 no from symbol, address target",
		line: "WARNING: modpost: lib/test_user_copy: section mismatch in reference: 0x4 (section: .text.fixup) -> 0x10 (section: .init.text)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "lib/test_user_copy", FromOff: 4, HasOff: true, FromSec: ".text.fixup",
			ToSym: "0x10", ToSec: ".init.text", Kind: KindSectionMismatch},
	},
	{
		name: "v6.5 unknown with offset",
		line: "WARNING: modpost: lib/test_user_copy: section mismatch in reference: (unknown)+0x4 (section: .text.fixup) -> (unknown) (section: .init.text)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "lib/test_user_copy", FromOff: 4, HasOff: true, FromSec: ".text.fixup",
			ToSec: ".init.text", Kind: KindSectionMismatch},
	},
	{
		name: "error level with -Werror",
		line: "ERROR: modpost: vmlinux: section mismatch in reference: einj_driver+0x8 (section: .data) -> einj_remove (section: .exit.text)",
		ok:   true,
		want: Warning{Level: "ERROR", Module: "vmlinux", FromSym: "einj_driver", FromOff: 8, HasOff: true, FromSec: ".data",
			ToSym: "einj_remove", ToSec: ".exit.text", Kind: KindSectionMismatch},
	},
	{
		name: "verbose function to function",
		line: "WARNING: modpost: vmlinux.o(.text+0x54e8): Section mismatch in reference from the function identical_pvr_fixup() to the function .init.text:of_get_flat_dt_prop()",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "vmlinux.o", FromSym: "identical_pvr_fixup", FromOff: 0x54e8, HasOff: true, FromSec: ".text",
			ToSym: "of_get_flat_dt_prop", ToSec: ".init.text", Kind: KindSectionMismatch},
	},
	{
		name: "verbose variable to function",
		line: "WARNING: modpost: nat46.o(.data+0x30): Section mismatch in reference from the variable nat46_netops to the function .init.text:nat46_ns_init()",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "nat46.o", FromSym: "nat46_netops", FromOff: 0x30, HasOff: true, FromSec: ".data",
			ToSym: "nat46_ns_init", ToSec: ".init.text", Kind: KindSectionMismatch},
	},
	{
		name: "verbose function to variable",
		line: "WARNING: modpost: vmlinux.o(.text.unlikely+0x26e64): Section mismatch in reference from the function next_platform_timer() to the variable .init.data:acpi_gtdt_desc",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "vmlinux.o", FromSym: "next_platform_timer", FromOff: 0x26e64, HasOff: true,
			FromSec: ".text.unlikely", ToSym: "acpi_gtdt_desc", ToSec: ".init.data", Kind: KindSectionMismatch},
	},
	{
		name: "verbose without modpost prefix (4.x)",
		line: "WARNING: ddbridge/octonet.o(.data+0x0): Section mismatch in reference from the variable octonet_driver to the function .init.text:octonet_probe()",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "ddbridge/octonet.o", FromSym: "octonet_driver", HasOff: true, FromSec: ".data",
			ToSym: "octonet_probe", ToSec: ".init.text", Kind: KindSectionMismatch},
	},
	{
		name: "verbose unknown references",
		line: "WARNING: modpost: vmlinux.o(__ex_table+0x10): Section mismatch in reference from the (unknown reference) (unknown) to the (unknown reference) .altinstr_replacement:(unknown)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "vmlinux.o", FromOff: 0x10, HasOff: true, FromSec: "__ex_table",
			ToSec: ".altinstr_replacement", Kind: KindSectionMismatch},
	},
	{
		name: "v6.1 export init",
		line: "WARNING: modpost: vmlinux.o: EXPORT_SYMBOL used for init/exit symbol: page_is_ram (section: .init.text)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "vmlinux.o", ToSym: "page_is_ram", ToSec: ".init.text", Kind: KindExportInit},
	},
	{
		name: "v6.1 export exit",
		line: "WARNING: modpost: /tmp/m/m.o: EXPORT_SYMBOL used for init/exit symbol: m_exit (section: .exit.text)",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "/tmp/m/m.o", ToSym: "m_exit", ToSec: ".exit.text", Kind: KindExportExit},
	},
	{
		name: "v6.19 export init",
		line: "WARNING: modpost: vmlinux: page_is_ram: EXPORT_SYMBOL used for init symbol. Remove __init or EXPORT_SYMBOL.",
		ok:   true,
		want: Warning{Level: "WARNING", Module: "vmlinux", ToSym: "page_is_ram", Kind: KindExportInit},
	},
	{
		name: "v6.19 export exit as error",
		line: "ERROR: modpost: /tmp/m/m: m_exit: EXPORT_SYMBOL used for exit symbol. Remove __exit or EXPORT_SYMBOL.",
		ok:   true,
		want: Warning{Level: "ERROR", Module: "/tmp/m/m", ToSym: "m_exit", Kind: KindExportExit},
	},
	{
		name: "summary error",
		line: "ERROR: modpost: Section mismatches detected.",
		ok:   true,
		want: Warning{Level: "ERROR", Kind: KindOther},
	},
	{
		name: "fatal summary (v5.10)",
		line: "FATAL: modpost: Section mismatches detected.",
		ok:   true,
		want: Warning{Level: "FATAL", Kind: KindOther},
	},
	{
		name: "undefined symbol",
		line: `WARNING: modpost: "foo" [/tmp/m/m.ko] undefined!`,
		ok:   true,
		want: Warning{Level: "WARNING", Kind: KindOther},
	},
	{
		name: "truncated mismatch is other",
		line: "WARNING: modpost: vmlinux: section mismatch in reference: foo+0x1c (section: .text) -> bar",
		ok:   true,
		want: Warning{Level: "WARNING", Kind: KindOther},
	},
	{name: "continuation line", line: "Set CONFIG_SECTION_MISMATCH_WARN_ONLY=y to allow them."},
	{name: "make line", line: "make[1]: *** [/usr/src/linux-headers-6.1.0-56-common/scripts/Makefile.modpost:127: /tmp/kb1/Module.symvers] Error 1"},
	{name: "other tool warning", line: "WARNING: CPU: 0 PID: 1 at kernel/foo.c:12"},
	{name: "lower case", line: "warning: modpost: vmlinux: section mismatch in reference: a+0x0 (section: .text) -> b (section: .init.text)"},
	{name: "empty", line: ""},
}

func TestParseLine(t *testing.T) {
	for _, tt := range parseTests {
		for _, eol := range []string{"", "\r", "\n", "\r\n"} {
			got, ok := ParseLine(tt.line + eol)
			if ok != tt.ok {
				t.Errorf("%s (eol %q): ok = %v, want %v", tt.name, eol, ok, tt.ok)
				continue
			}
			want := tt.want
			if ok {
				want.Raw = tt.line
			}
			if got != want {
				t.Errorf("%s (eol %q):\n got %+v\nwant %+v", tt.name, eol, got, want)
			}
		}
	}
}

func TestParse(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n"} {
		var log []string
		var want []Warning
		for _, tt := range parseTests {
			log = append(log, tt.line)
			if tt.ok {
				w := tt.want
				w.Raw = tt.line
				want = append(want, w)
			}
		}
		got, err := Parse(strings.NewReader(strings.Join(log, eol)))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("eol %q: got %d warnings, want %d", eol, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("eol %q: warning %d:\n got %+v\nwant %+v", eol, i, got[i], want[i])
			}
		}
	}
}

func TestParseLongLine(t *testing.T) {
	long := strings.Repeat("x", 2<<20)
	_, err := Parse(strings.NewReader(long))
	if err == nil {
		t.Fatal("want an error for a 2 MiB line")
	}
}

func TestFormat(t *testing.T) {
	v61 := KernelVersion{6, 1, 0}
	v612 := KernelVersion{6, 12, 0}
	tests := []struct {
		line       string
		want61     string
		want612    string
		roundTrips bool // the line is in one of the two rendered forms
	}{
		{
			line:    "WARNING: modpost: vmlinux.o: section mismatch in reference: security_add_hooks_compat (section: .text) -> security_add_hooks (section: .init.text)",
			want61:  "WARNING: modpost: vmlinux.o: section mismatch in reference: security_add_hooks_compat (section: .text) -> security_add_hooks (section: .init.text)",
			want612: "WARNING: modpost: vmlinux: section mismatch in reference: security_add_hooks_compat+0x0 (section: .text) -> security_add_hooks (section: .init.text)",
		},
		{
			line:    "WARNING: modpost: vmlinux: section mismatch in reference: foo+0x1c (section: .text) -> bar (section: .init.text)",
			want61:  "WARNING: modpost: vmlinux.o: section mismatch in reference: foo (section: .text) -> bar (section: .init.text)",
			want612: "WARNING: modpost: vmlinux: section mismatch in reference: foo+0x1c (section: .text) -> bar (section: .init.text)",
		},
		{
			line:    "WARNING: modpost: lib/x: section mismatch in reference: 0x4 (section: .text.fixup) -> 0x10 (section: .init.text)",
			want61:  "WARNING: modpost: lib/x.o: section mismatch in reference: (unknown) (section: .text.fixup) -> 0x10 (section: .init.text)",
			want612: "WARNING: modpost: lib/x: section mismatch in reference: 0x4 (section: .text.fixup) -> 0x10 (section: .init.text)",
		},
		{
			line:    "WARNING: modpost: nat46.o(.data+0x30): Section mismatch in reference from the variable nat46_netops to the function .init.text:nat46_ns_init()",
			want61:  "WARNING: modpost: nat46.o: section mismatch in reference: nat46_netops (section: .data) -> nat46_ns_init (section: .init.text)",
			want612: "WARNING: modpost: nat46: section mismatch in reference: nat46_netops+0x30 (section: .data) -> nat46_ns_init (section: .init.text)",
		},
		{
			line:    "ERROR: modpost: vmlinux.o: EXPORT_SYMBOL used for init/exit symbol: page_is_ram (section: .init.text)",
			want61:  "ERROR: modpost: vmlinux.o: EXPORT_SYMBOL used for init/exit symbol: page_is_ram (section: .init.text)",
			want612: "ERROR: modpost: vmlinux: page_is_ram: EXPORT_SYMBOL used for init symbol. Remove __init or EXPORT_SYMBOL.",
		},
		{
			line:    "WARNING: modpost: m: m_exit: EXPORT_SYMBOL used for exit symbol. Remove __exit or EXPORT_SYMBOL.",
			want61:  "WARNING: modpost: m.o: EXPORT_SYMBOL used for init/exit symbol: m_exit (section: .exit.*)",
			want612: "WARNING: modpost: m: m_exit: EXPORT_SYMBOL used for exit symbol. Remove __exit or EXPORT_SYMBOL.",
		},
		{
			line:    "ERROR: modpost: Section mismatches detected.",
			want61:  "ERROR: modpost: Section mismatches detected.",
			want612: "ERROR: modpost: Section mismatches detected.",
		},
	}
	for _, tt := range tests {
		w, ok := ParseLine(tt.line)
		if !ok {
			t.Fatalf("not parsed: %s", tt.line)
		}
		if got := w.Format(v61); got != tt.want61 {
			t.Errorf("Format(6.1) of %s\n got %s\nwant %s", tt.line, got, tt.want61)
		}
		if got := w.Format(v612); got != tt.want612 {
			t.Errorf("Format(6.12) of %s\n got %s\nwant %s", tt.line, got, tt.want612)
		}
		if got := w.String(); got != tt.want612 {
			t.Errorf("String() = %s, want %s", got, tt.want612)
		}
		// Rendered lines parse back to the same facts.
		for _, s := range []string{tt.want61, tt.want612} {
			back, ok := ParseLine(s)
			if !ok || back.Kind != w.Kind || back.ToSym != w.ToSym {
				t.Errorf("re-parse of %q: %+v", s, back)
			}
		}
	}
	// The 6.4/6.5 boundary.
	w, _ := ParseLine(tests[1].line)
	if got := w.Format(KernelVersion{6, 4, 16}); got != tests[1].want61 {
		t.Errorf("Format(6.4.16) = %s", got)
	}
	if got := w.Format(KernelVersion{6, 5, 0}); got != tests[1].want612 {
		t.Errorf("Format(6.5.0) = %s", got)
	}
}

func FuzzParseLine(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		w, ok := ParseLine(line)
		if !ok {
			if w != (Warning{}) {
				t.Fatalf("not a message but got %+v", w)
			}
			return
		}
		if w.Level == "" || w.Kind == "" {
			t.Fatalf("message without level or kind: %+v", w)
		}
		if w.Kind == KindSectionMismatch && (w.FromSec == "" || w.ToSec == "") {
			t.Fatalf("mismatch without sections: %+v", w)
		}
		_ = w.Format(KernelVersion{6, 1, 0})
		_ = w.String()
	})
}
