package sectionrt

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"
)

// TestMismatchMutations runs CheckMismatch under every rule set on
// deterministic random corruptions of a gcc-built object (bit flips, random
// bytes, 0xff runs): each must finish quickly with findings or an error,
// never panic. It covers ground the fuzzer reaches slowly on this machine.
func TestMismatchMutations(t *testing.T) {
	base := readFile(t, compileC(t, "mm.c", mismatchSource, "-fno-pie"))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 5000; i++ {
		d := bytes.Clone(base)
		for j := 0; j < 1+rng.IntN(8); j++ {
			switch rng.IntN(3) {
			case 0:
				d[rng.IntN(len(d))] ^= byte(1 << rng.IntN(8))
			case 1:
				d[rng.IntN(len(d))] = byte(rng.Uint32())
			case 2:
				k := rng.IntN(len(d) - 8)
				for b := 0; b < 8; b++ {
					d[k+b] = 0xff
				}
			}
		}
		start := time.Now()
		o, err := NewObject(bytes.NewReader(d), "fuzz.o")
		if err == nil {
			for _, v := range RuleVersions {
				rs, _ := Rules(v)
				fs, err := CheckMismatch(o, rs)
				if err != nil && fs != nil {
					t.Fatalf("iteration %d: findings and an error %v", i, err)
				}
			}
		}
		if el := time.Since(start); el > 200*time.Millisecond {
			t.Fatalf("iteration %d took %v", i, el)
		}
	}
}
