// A directive followed only by comments.

// want +1 "directive has no declaration under it"
//go:init-section init
/* nothing */
// more
