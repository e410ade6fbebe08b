// Included by preprocessor_test RelativeAndIncludeDirs: relative to the including file.

int from_a;
