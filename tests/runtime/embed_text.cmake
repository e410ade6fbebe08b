# Writes a text file into a C++ header as a raw string literal, so tests carry their kernel sources
# in the binary (no source-tree paths at run time): cmake -DIN=f -DOUT=h -DNAME=sym -P this.
file(READ ${IN} text)
file(WRITE ${OUT} "// Generated from ${IN}. Do not edit.\n#pragma once\ninline constexpr const char ${NAME}[] = R\"gpuc_src(${text})gpuc_src\";\n")
