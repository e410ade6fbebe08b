// Shadows the built-in <limits.h>: -I directories are searched first.
#define FROM_I_DIR 1
