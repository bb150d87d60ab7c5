"""Time `sync` of a 20,000-task project against the server's own export of it.

The script starts a local Label Studio server (the test suite's helper) and imports
the first 20,000 UMSAB tasks with their annotations. After one synchronous export
(``GET /api/projects/{id}/export``) it runs ``--repeats`` rounds of the server's
snapshot export (create + download, the path regionkit uses) and a full regionkit
sync, in alternating order. It prints the best time of each, regionkit's ratio to the
fastest server export, and the time regionkit spends beyond its own export (parsing,
hashing, writing). Other load on the machine disturbs that last number less than the
export itself. Finally it adds 100 annotations and times ``sync --since-last``.

Run: REGIONKIT_LABEL_STUDIO_BIN=.venv-labelstudio/bin/label-studio \
     .venv/bin/python benchmarks/sync_server_20k.py [--tasks 20000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "tests"))

from labelstudio_server import start_server  # noqa: E402
from regionkit.config import LabelStudioSettings  # noqa: E402
from regionkit.labelstudio import RegionField, ServerSource, sync_snapshot  # noqa: E402
from regionkit.labelstudio.server import EXPORT_ANNOTATION_FILTER, EXPORT_SERIALIZATION  # noqa: E402


def import_tasks(client, count: int) -> int:
    """Create a project with ``count`` UMSAB tasks and their ground-truth annotations; return its id."""
    config = (REPOSITORY / "samples" / "umsab" / "labeling-config.xml").read_text(encoding="utf-8")
    with gzip.open(
        REPOSITORY / "samples" / "umsab" / "umsab-export.json.gz", "rt", encoding="utf-8"
    ) as handle:
        exported = json.load(handle)[:count]
    tasks = [
        {
            "data": task["data"],
            "annotations": [
                {"result": annotation["result"], "ground_truth": annotation["ground_truth"]}
                for annotation in task["annotations"]
            ],
        }
        for task in exported
    ]
    project = client.projects.create(title=f"Benchmark {count}", label_config=config)
    for start in range(0, len(tasks), 5000):
        client.projects.import_tasks(id=project.id, request=tasks[start : start + 5000])
    return project.id


def server_snapshot_export(client, project_id: int) -> float:
    """Time the server's snapshot export, created and downloaded with plain HTTP calls."""
    http = client._client_wrapper.httpx_client
    start = time.perf_counter()
    body = {
        "title": "baseline",
        "serialization_options": EXPORT_SERIALIZATION,
        "annotation_filter_options": EXPORT_ANNOTATION_FILTER,
    }
    created = http.request(f"/api/projects/{project_id}/exports/", method="POST", json=body).json()
    while created.get("status") not in ("completed", "failed"):
        time.sleep(1)
        created = http.request(
            f"/api/projects/{project_id}/exports/{created['id']}", method="GET"
        ).json()
    size = 0
    path = f"/api/projects/{project_id}/exports/{created['id']}/download"
    with http.stream(path, method="GET", params={"exportType": "JSON"}) as response:
        for chunk in response.iter_bytes(1 << 20):
            size += len(chunk)
    seconds = time.perf_counter() - start
    http.request(f"/api/projects/{project_id}/exports/{created['id']}", method="DELETE")
    print(f"  server snapshot export: {seconds:.1f} s, {size / 1e6:.1f} MB", flush=True)
    return seconds


def server_sync_export(client, project_id: int) -> float:
    """Time the server's synchronous export of all tasks."""
    http = client._client_wrapper.httpx_client
    start = time.perf_counter()
    size = 0
    params = {"exportType": "JSON", "download_all_tasks": "true"}
    with http.stream(f"/api/projects/{project_id}/export", method="GET", params=params) as response:
        for chunk in response.iter_bytes(1 << 20):
            size += len(chunk)
    seconds = time.perf_counter() - start
    print(f"  server sync export:     {seconds:.1f} s, {size / 1e6:.1f} MB", flush=True)
    return seconds


def regionkit_sync(
    settings, project_id: int, out: Path, *, since_last: bool = False
) -> tuple[float, float]:
    """Run a regionkit sync; return its total seconds and the seconds its server export took."""
    from regionkit.labelstudio import server_sync

    export_seconds = []
    original = server_sync.export_project

    def timed_export(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            export_seconds.append(time.perf_counter() - start)

    server_sync.export_project = timed_export
    try:
        start = time.perf_counter()
        result = sync_snapshot(
            source=ServerSource((project_id,), settings),
            region=RegionField("locale"),
            out=out,
            since_last=since_last,
            show_progress=False,
        )
        seconds = time.perf_counter() - start
    finally:
        server_sync.export_project = original
    pulled = result.changed_tasks if result.changed_tasks is not None else result.n_tasks
    print(
        f"  regionkit sync ({result.mode}): {seconds:.1f} s, of which server export {sum(export_seconds):.1f} s, "
        f"{result.n_tasks} tasks, {pulled} pulled",
        flush=True,
    )
    return seconds, sum(export_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="  %(name)s: %(message)s")
    logging.getLogger("regionkit.labelstudio.server_sync").setLevel(logging.INFO)

    from label_studio_sdk import LabelStudio

    executable = Path(
        os.environ.get(
            "REGIONKIT_LABEL_STUDIO_BIN", REPOSITORY / ".venv-labelstudio/bin/label-studio"
        )
    )
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        server = start_server(executable.resolve(), work)
        try:
            client = LabelStudio(base_url=server.url, api_key=server.token, timeout=900)
            start = time.perf_counter()
            project_id = import_tasks(client, arguments.tasks)
            print(
                f"imported {arguments.tasks} tasks in {time.perf_counter() - start:.0f} s",
                flush=True,
            )
            settings = LabelStudioSettings(url=server.url, api_key=server.token)

            sync_time = server_sync_export(client, project_id)
            snapshot_times, regionkit_times, overheads = [], [], []
            for round_number in range(arguments.repeats):
                print(f"round {round_number + 1}", flush=True)
                # Alternate which of the two runs first, so that neither always follows the other.
                if round_number % 2 == 0:
                    snapshot_times.append(server_snapshot_export(client, project_id))
                total, exporting = regionkit_sync(settings, project_id, work / "snapshot")
                if round_number % 2 == 1:
                    snapshot_times.append(server_snapshot_export(client, project_id))
                regionkit_times.append(total)
                overheads.append(total - exporting)

            changed = [
                task.id for _, task in zip(range(100), client.tasks.list(project=project_id))
            ]
            result = [
                {
                    "from_name": "sentiment",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["neutral"]},
                }
            ]
            for task_id in changed:
                client.annotations.create(id=task_id, result=result)
            incremental, _ = regionkit_sync(
                settings, project_id, work / "snapshot", since_last=True
            )
        finally:
            server.stop()

    best_server = min(min(snapshot_times), sync_time)
    best_regionkit = min(regionkit_times)
    median_overhead = sorted(overheads)[len(overheads) // 2]
    print()
    print(f"tasks: {arguments.tasks}, repeats: {arguments.repeats}")
    print(f"server sync export:     {sync_time:.1f} s (once)")
    print(
        f"server snapshot export: best {min(snapshot_times):.1f} s, all {', '.join(f'{t:.1f}' for t in snapshot_times)}"
    )
    print(
        f"regionkit full sync:    best {best_regionkit:.1f} s, all {', '.join(f'{t:.1f}' for t in regionkit_times)}"
    )
    print(f"regionkit time beyond its server export: median {median_overhead:.1f} s")
    print(
        f"ratio regionkit / fastest server export (best of each): {best_regionkit / best_server:.2f} (goal <= 1.2)"
    )
    print(
        f"ratio with regionkit's own export time: {(best_server + median_overhead) / best_server:.2f}"
    )
    print(f"regionkit --since-last after 100 changed tasks: {incremental:.1f} s")


if __name__ == "__main__":
    main()
