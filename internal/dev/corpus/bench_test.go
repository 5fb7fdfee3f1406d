package corpus

import (
	"runtime"
	"testing"

	"github.com/initsec/initsec/internal/verify"
)

// BenchmarkVerify61 checks every module of Debian's 6.1 kernel per
// iteration, in process (`go run mage.go bench` times the CLI against
// modpost).
func BenchmarkVerify61(b *testing.B) {
	rel, ok := FindRelease("6.1.")
	if !ok {
		b.Skip("no Linux 6.1 modules with headers (apt-get install -y linux-image-amd64 linux-headers-amd64)")
	}
	files, err := Tree(rel.Tree)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rs := verify.Files(files, verify.Options{Placement: "never", Jobs: runtime.GOMAXPROCS(0)})
		for _, r := range rs {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	b.ReportMetric(float64(len(files)), "modules/op")
}
