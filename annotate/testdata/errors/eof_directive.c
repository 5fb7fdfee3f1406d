// A directive at the end of the file.

// want +1 "directive has no declaration under it"
//go:init-section init
