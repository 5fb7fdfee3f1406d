package modpost

import (
	"cmp"
	"testing"
)

func TestCompareReleases(t *testing.T) {
	ordered := []string{
		"5.10.0-28-amd64",
		"6.1.0-9-amd64",
		"6.1.0-56-amd64",
		"6.1.0-56-cloud-amd64",
		"6.9.0",
		"6.12.0-rc1",
		"6.12.117+deb12-amd64",
		"6.19.0",
	}
	for i := range ordered {
		for j := range ordered {
			got := CompareReleases(ordered[i], ordered[j])
			want := cmp.Compare(i, j)
			if got != want {
				t.Errorf("CompareReleases(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestVersionParsing(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want KernelVersion
		bad  bool
	}{
		{in: "6.1", want: KernelVersion{6, 1, 0}},
		{in: "6.1.192", want: KernelVersion{6, 1, 192}},
		{in: "6.1.0-56-amd64", want: KernelVersion{6, 1, 0}},
		{in: "6.12.0-rc1+", want: KernelVersion{6, 12, 0}},
		{in: "v6.1", bad: true},
		{in: "6", bad: true},
		{in: "", bad: true},
	} {
		got, err := ParseKernelVersion(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseKernelVersion(%q) = %v, %v", tt.in, got, err)
		}
	}
	a, b := KernelVersion{6, 1, 192}, KernelVersion{6, 12, 0}
	if !a.Less(b) || b.Less(a) || a.Compare(a) != 0 || b.Compare(a) != 1 || a.String() != "6.1.192" {
		t.Error("KernelVersion ordering or String is wrong")
	}
}
