package verify

import "github.com/initsec/initsec/sectionrt"

// checkMismatch is the section-mismatch check; a variable for tests.
var checkMismatch = sectionrt.CheckMismatch
