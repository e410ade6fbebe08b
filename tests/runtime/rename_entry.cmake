# Renames a GLSL module's entry point "main" to the kernel's name (the launch ABI names each
# GLCompute entry point after its kernel): cmake -DIN=a.spvasm -DOUT=b.spvasm -DNAME=k -P this.
file(READ ${IN} text)
string(REPLACE "\"main\"" "\"${NAME}\"" text "${text}")
file(WRITE ${OUT} "${text}")
