// A block comment that is not closed.

// want +1 "unterminated block comment"
/* never closed
//go:init-section init
