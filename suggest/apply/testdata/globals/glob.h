/* Declarations of the globals; a declaration needs no __init. */
int glob_setup(int v);
extern const int glob_table[8];
int glob_twice(int v);
int glob_macro(int v);
void glob_exported(int v);
