"""Peak memory per split seed: seedfold on diabetes/ols at growing seed counts, peak resident
memory from /usr/bin/time, and the slope between the smallest and the largest run.

Usage: python benches/compare/memory.py SEEDFOLD_BINARY [SEEDS ...]
"""
import re
import subprocess
import sys
import tempfile

binary = sys.argv[1]
counts = [int(s) for s in sys.argv[2:]] or [2000, 20000, 80000]
peaks = []
with tempfile.TemporaryDirectory() as work:
    for seeds in counts:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M %e", binary, "run", "--dataset", "diabetes",
             "--model", "ols", "--seeds", str(seeds), "--out", f"{work}/r{seeds}",
             "--quiet"],
            capture_output=True, text=True, check=True)
        kb, seconds = re.findall(r"^(\d+) ([\d.]+)$", done.stderr, re.M)[-1]
        peaks.append(int(kb))
        print(f"| {seeds:,} | {int(kb) / 1024:.1f} | {float(seconds):.2f} |")
slope = (peaks[-1] - peaks[0]) / (counts[-1] - counts[0])
print(f"peak memory grows by {slope:.2f} KB per split seed ({counts[0]:,} to {counts[-1]:,} seeds)")
