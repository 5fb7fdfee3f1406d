package annotate

import (
	"strings"
	"testing"
)

var hasTrailerTests = []struct {
	name     string
	src      string
	ok       bool
	lastLine int
}{
	{"plain", "int x;\n#include \"x.initsec.h\"\n", true, 3},
	{"no final newline", "int x;\n#include \"x.initsec.h\"", true, 3},
	{"spaces", "int x;\n  #  include   \"x.initsec.h\"  \n", true, 3},
	{"no space before the name", "#include\"x.initsec.h\"\n", true, 2},
	{"comments and blank lines after", "#include \"x.initsec.h\" // trailer\n\n/* end */\n\n\n", true, 4},
	{"comment inside the line", "# /* c */ include /* d */ \"x.initsec.h\"\n", true, 2},
	{"continued line", "#include \\\n\t\"x.initsec.h\"\n", true, 3},
	{"angle brackets", "#include <x.initsec.h>\n", false, 2},
	{"other header", "#include \"linux/module.h\"\n", false, 2},
	{"code after it", "#include \"x.initsec.h\"\nint y;\n", false, 3},
	{"preprocessor line after it", "#include \"x.initsec.h\"\n#endif\n", false, 3},
	{"include_next", "#include_next \"x.initsec.h\"\n", false, 2},
	{"inside a block comment", "int x;\n/*\n#include \"x.initsec.h\"\n*/\n", false, 5},
	{"inside a string", "const char *s = \"\\\n#include \\\"x.initsec.h\\\"\";\n", false, 3},
	{"empty", "", false, 1},
	{"only blank lines", "\n\n  \n", false, 1},
}

func TestHasTrailer(t *testing.T) {
	for _, le := range lineEndings {
		for _, tt := range hasTrailerTests {
			src := strings.ReplaceAll(tt.src, "\n", le.nl)
			ok, line := HasTrailer([]byte(src), "x.initsec.h")
			if ok != tt.ok || line != tt.lastLine {
				t.Errorf("%s/%s: HasTrailer = %v, %d; want %v, %d", le.name, tt.name, ok, line, tt.ok, tt.lastLine)
			}
		}
	}
}
