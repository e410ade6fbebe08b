// An #error and an unterminated conditional: diagnostics must name this file.
#error in bad.h

#ifdef NEVER_CLOSED
int x;
