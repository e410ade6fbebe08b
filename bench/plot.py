#!/usr/bin/env python3
# Draws bench/results/ratios.png from gpuc-bench's CSV files: compile-speed ratios (peer time /
# gpuc time, whole set) and kernel-speed ratios (peer ms / gpuc ms) per kernel and backend.
# Usage: bench/plot.py RESULTS_DIR   (reads compile.csv and gpu.csv when present)
import csv
import io
import math
import os
import sys


def read_blocks(path):
    """A gpuc-bench CSV may hold several tables separated by blank lines."""
    with open(path) as f:
        text = f.read()
    return [list(csv.reader(io.StringIO(b))) for b in text.split("\n\n") if b.strip()]


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = []
    comp = os.path.join(d, "compile.csv")
    if os.path.exists(comp):
        for block in read_blocks(comp):
            if block and block[0][:1] == ["comparison"]:
                rows = [(r[0], float(r[3].rstrip("x"))) for r in block[1:]
                        if r[3] not in ("n/a", "") and not r[0].startswith("gpuc->")]
                panels.append(("Compile speed, whole set (peer time / gpuc time)", rows, True))
    gpu = os.path.join(d, "gpu.csv")
    if os.path.exists(gpu):
        with open(gpu) as f:
            rows = [r for r in csv.DictReader(f) if r["speedup"]]
        for backend in ("cuda", "vulkan"):
            sel = [(r["kernel"], float(r["speedup"])) for r in rows if r["backend"] == backend]
            if sel:
                gm = math.exp(sum(math.log(v) for _, v in sel) / len(sel))
                sel.append(("geomean", gm))
                peer = "nvcc -O3" if backend == "cuda" else "glslc -O"
                panels.append((f"{backend.upper()} kernel speed ({peer} ms / gpuc ms)", sel, False))
    if not panels:
        print("plot.py: no results in", d, file=sys.stderr)
        return 1
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 3.2 * len(panels)), squeeze=False)
    for ax, (title, rows, log) in zip(axes[:, 0], panels):
        names = [n for n, _ in rows]
        vals = [v for _, v in rows]
        colors = ["tab:green" if v >= 1 else "tab:red" for v in vals]
        ax.barh(names, vals, color=colors)
        ax.axvline(1.0, color="black", linewidth=0.8)
        if log:
            ax.set_xscale("log")
            ax.axvline(20.0, color="gray", linestyle="--", linewidth=0.8)
        for y, v in enumerate(vals):
            ax.text(v, y, f" {v:.2f}", va="center", fontsize=8)
        ax.set_title(title, fontsize=10)
        ax.invert_yaxis()
        ax.tick_params(labelsize=8)
    fig.tight_layout()
    out = os.path.join(d, "ratios.png")
    fig.savefig(out, dpi=110)
    print("wrote", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
