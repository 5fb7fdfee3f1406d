package suggest

import (
	"io"
	"testing"

	"github.com/initsec/initsec/internal/modfile"
	"github.com/initsec/initsec/sectionrt"
)

// BenchmarkSeededView times, one core, initsec suggest's path for the
// modules of the installed 6.1 tree with a seed, their files held open:
// the view, the seed screen and the Object made from the view (object),
// and then Seeded.Find on it (find). cpu-ns/run is the process's CPU
// time for the whole set: go test -bench SeededView -run XXX ./suggest.
func BenchmarkSeededView(b *testing.B) {
	type file struct {
		r    io.ReaderAt
		size int64
	}
	var s sectionrt.Screen
	var files []file
	for _, path := range installedModules(b) {
		f, size, ok := modfile.OpenRaw(path)
		if !ok {
			b.Fatalf("%s: cannot open", path)
		}
		if Clean(&s, f, size) {
			f.Close()
			continue
		}
		files = append(files, file{f, size})
		b.Cleanup(func() { f.Close() })
	}
	for _, find := range []bool{false, true} {
		b.Run(map[bool]string{false: "object", true: "find"}[find], func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				for _, f := range files {
					v, ok := s.View(f.r, f.size)
					if !ok {
						b.Fatal("no view")
					}
					_, sd := ScreenView(v)
					o, err := v.Object("x")
					if err != nil {
						b.Fatal(err)
					}
					if find {
						if _, err := sd.Find(o); err != nil {
							b.Fatal(err)
						}
					} else {
						sd.Release()
					}
					v.Recycle(o)
				}
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/run")
		})
	}
}
