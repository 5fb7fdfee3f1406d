package target

import "testing"

func TestCompareVersions(t *testing.T) {
	// Cases from deb-version(7) and dpkg's own test suite (lib/dpkg/t/t-version.c).
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0},
		{"1.0", "1.1", -1},
		{"1.10", "1.9", 1},
		{"1.0~rc1", "1.0", -1},
		{"1.0~~", "1.0~", -1},
		{"1.0", "1.0a", -1},
		{"1.0a", "1.0+", -1},
		{"1:0.1", "2.0", 1},
		{"0:1.0", "1.0", 0},
		{"1.0-1", "1.0-1~deb12u1", 1},
		{"6.12.117-1~deb12u1", "6.12.117-1", -1},
		{"6.1.100-3", "6.1.99-10", 1},
		{"12.2.0-14+deb12u1", "12.2.0-14", 1},
		{"1.0-a.1", "1.0-a.01", 0},
		{"2:1.0", "10:0.1", -1},
	} {
		if got := CompareVersions(c.a, c.b); got != c.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := CompareVersions(c.b, c.a); got != -c.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}
