#!/usr/bin/env python3
# Regenerates the CHECK lines of SPIR-V golden files (tests/spirv/golden/*.spvasm) from gpuc's
# current output. Usage: update_golden.py GPUC GOLDEN... (or: GPUC_REGEN_GOLDEN=1 ctest -R
# spirv_golden). Each golden file starts with "; RUN: <gpuc arguments>" (paths relative to the
# source tree); everything below the header comment is rewritten.
#
# The CHECK lines are made robust: numeric ids become {{[0-9]+}}; debug names, decorations and
# the types/constants/globals section are CHECK-DAG (their order is not the contract); the mode
# setting instructions and function bodies are CHECK in order.
import os
import re
import subprocess
import sys

DAG_OPS = ("OpName", "OpMemberName", "OpDecorate", "OpMemberDecorate")


def check_lines(text):
    out = []
    in_functions = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(";"):
            if line.startswith("; Version:"):
                out.append("; CHECK: " + line)
            continue
        pattern = re.sub(r"%[0-9]+\b", "%{{[0-9]+}}", line)
        op = line.split("=", 1)[1].split()[0] if "=" in line.split('"')[0] else line.split()[0]
        if op == "OpFunction":
            in_functions = True
        if in_functions:
            kind = "CHECK"
        elif op in DAG_OPS or op.startswith("OpType") or op.startswith("OpConstant") \
                or op.startswith("OpSpecConstant") or op == "OpVariable":
            kind = "CHECK-DAG"
        else:
            kind = "CHECK"
        out.append("; %s: %s" % (kind, pattern))
    return out


def regenerate(gpuc, path, source_dir):
    with open(path) as f:
        lines = f.read().splitlines()
    header = []
    for line in lines:
        if line.startswith("; CHECK"):
            break
        header.append(line)
    run = next(l for l in header if l.startswith("; RUN: "))[len("; RUN: "):].split()
    result = subprocess.run([gpuc] + run + ["-o", "-"], cwd=source_dir, capture_output=True,
                            text=True)
    if result.returncode != 0:
        sys.exit("gpuc failed on %s:\n%s" % (path, result.stderr))
    with open(path, "w") as f:
        f.write("\n".join(header + check_lines(result.stdout)) + "\n")


def main():
    gpuc = sys.argv[1]
    source_dir = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for path in sys.argv[2:]:
        regenerate(gpuc, path, source_dir)
        print("regenerated", path)


if __name__ == "__main__":
    main()
