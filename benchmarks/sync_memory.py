"""Peak memory of `sync` on the UMSAB export against a 4x larger copy of it.

Each size runs in a fresh subprocess that reports its peak RSS (ru_maxrss), the
tracemalloc peak of Python allocations during the sync, and the in-memory size
of the resulting tables. The streaming parser keeps the file out of memory, so
the peak should grow with the tables, not with the file.

Run: .venv/bin/python benchmarks/sync_memory.py
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
EXPORT = REPOSITORY / "samples" / "umsab" / "umsab-export.json.gz"
CONFIG = REPOSITORY / "samples" / "umsab" / "labeling-config.xml"

CHILD = r"""
import json, resource, sys, time, tracemalloc
from regionkit.labelstudio import FileSource, RegionField, load_snapshot, sync_snapshot
path, config, out = sys.argv[1:4]
tracemalloc.start()
start = time.perf_counter()
result = sync_snapshot(source=FileSource(path, config), region=RegionField("locale"), out=out, show_progress=False)
seconds = time.perf_counter() - start
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
snapshot = load_snapshot(out)
tables = int(snapshot.tasks.memory_usage(deep=True).sum() + snapshot.annotations.memory_usage(deep=True).sum())
print(json.dumps({"tasks": result.n_tasks, "seconds": seconds, "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "tracemalloc_peak_mib": peak / 2**20, "tables_mib": tables / 2**20}))
"""


def make_larger(source: Path, target: Path, factor: int) -> None:
    """Write ``factor`` copies of the export's tasks, with new task and annotation ids, streaming."""
    import ijson

    with gzip.open(target, "wt", encoding="utf-8") as output:
        output.write("[")
        first = True
        for copy in range(factor):
            with gzip.open(source, "rb") as handle:
                for task in ijson.items(handle, "item", use_float=True):
                    offset = copy * 1_000_000
                    task["id"] += offset
                    for annotation in task.get("annotations", []):
                        annotation["id"] += offset
                    output.write(("" if first else ",") + json.dumps(task, ensure_ascii=False))
                    first = False
        output.write("]")


def measure(path: Path, work: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(CONFIG), str(work / f"snapshot-{path.stem}")],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        larger = work / "umsab-x4.json.gz"
        make_larger(EXPORT, larger, 4)
        rows = [
            ("1x", EXPORT.stat().st_size, measure(EXPORT, work)),
            ("4x", larger.stat().st_size, measure(larger, work)),
        ]
    print(
        f"{'file':<5} {'MB gz':>7} {'tasks':>7} {'s':>6} {'maxrss MiB':>11} {'py peak MiB':>12} {'tables MiB':>11}"
    )
    for name, size, row in rows:
        print(
            f"{name:<5} {size / 1e6:>7.1f} {row['tasks']:>7} {row['seconds']:>6.1f} {row['maxrss_mib']:>11.0f} "
            f"{row['tracemalloc_peak_mib']:>12.0f} {row['tables_mib']:>11.0f}"
        )
    one, four = rows[0][2], rows[1][2]
    print(
        f"ratio 4x/1x: maxrss {four['maxrss_mib'] / one['maxrss_mib']:.2f}, "
        f"python peak {four['tracemalloc_peak_mib'] / one['tracemalloc_peak_mib']:.2f}, "
        f"tables {four['tables_mib'] / one['tables_mib']:.2f}"
    )


if __name__ == "__main__":
    main()
