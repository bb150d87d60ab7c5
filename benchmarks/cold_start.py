"""Measure the CLI's cold start: `regionkit --help` against a bare `python -c pass`.

Both commands run in fresh processes with the same interpreter, alternating, and
the script prints the median of each, the difference and the ratio. The goal is
less than 0.3 s above bare Python.

Usage: python benchmarks/cold_start.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

HEAVY_MODULES = ("tensorflow", "great_expectations", "pandas", "sklearn", "matplotlib", "label_studio_sdk")


def time_command(command: list[str]) -> float:
    """Run ``command`` once with output discarded and return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def heavy_modules_loaded() -> list[str]:
    """Return the heavy modules that building the CLI app imports (should be none)."""
    probe = (
        "import sys, regionkit.cli as cli; cli.build_app(); "
        f"print(','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    return [name for name in output.stdout.strip().split(",") if name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each command")
    arguments = parser.parse_args()

    bare = [sys.executable, "-c", "pass"]
    cli = [sys.executable, "-m", "regionkit", "--help"]
    time_command(cli)  # warm the file-system cache and the bytecode cache

    bare_times, cli_times = [], []
    for _ in range(arguments.repeat):
        bare_times.append(time_command(bare))
        cli_times.append(time_command(cli))

    bare_median = statistics.median(bare_times)
    cli_median = statistics.median(cli_times)
    print(f"python -c pass      median {bare_median * 1000:7.1f} ms  ({arguments.repeat} runs)")
    print(f"regionkit --help    median {cli_median * 1000:7.1f} ms  ({arguments.repeat} runs)")
    print(f"difference          {(cli_median - bare_median) * 1000:7.1f} ms  (goal < 300 ms)")
    print(f"ratio               {cli_median / bare_median:7.1f}x bare Python")
    print(f"heavy modules imported by the CLI: {', '.join(heavy_modules_loaded()) or 'none'}")


if __name__ == "__main__":
    main()
