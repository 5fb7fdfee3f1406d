package sectionrt

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestMismatchMutations runs CheckMismatch under every rule set on
// deterministic random corruptions of a gcc-built object (bit flips, random
// bytes, 0xff runs): each must end with findings or an error, never both,
// never a panic. It covers ground the fuzzer reaches slowly on this machine.
// How long it takes is BenchmarkMismatchMutations' business: a wall-clock
// bound here would fail on a busy machine, and a hang is caught by go
// test's -timeout.
func TestMismatchMutations(t *testing.T) {
	base := readFile(t, compileC(t, "mm.c", mismatchSource, "-fno-pie"))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 5000; i++ {
		o, err := NewObject(bytes.NewReader(mutate(rng, base)), "fuzz.o")
		if err != nil {
			continue
		}
		for _, v := range RuleVersions {
			rs, _ := Rules(v)
			fs, err := CheckMismatch(o, rs)
			if err != nil && fs != nil {
				t.Fatalf("iteration %d, rules %s: findings and an error %v", i, v, err)
			}
		}
	}
}

// BenchmarkMismatchMutations measures opening and checking one corrupted
// object under every rule set, the unit of work of TestMismatchMutations.
func BenchmarkMismatchMutations(b *testing.B) {
	base := readFile(b, compileC(b, "mm.c", mismatchSource, "-fno-pie"))
	rng := rand.New(rand.NewPCG(3, 4))
	mutants := make([][]byte, 256)
	for i := range mutants {
		mutants[i] = mutate(rng, base)
	}
	rules := make([]*RuleSet, len(RuleVersions))
	for i, v := range RuleVersions {
		rules[i], _ = Rules(v)
	}
	i := 0
	for b.Loop() {
		o, err := NewObject(bytes.NewReader(mutants[i%len(mutants)]), "fuzz.o")
		i++
		if err != nil {
			continue
		}
		for _, rs := range rules {
			CheckMismatch(o, rs)
		}
	}
}

// mutate returns a copy of base with 1 to 8 corruptions: a bit flipped, a
// byte replaced, or a run of eight 0xff bytes.
func mutate(rng *rand.Rand, base []byte) []byte {
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
	return d
}
