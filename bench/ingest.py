"""Ingest benchmark: read every snapshot connector in full, one after another, and print JSON figures.

Each source is read in a fresh Python process, so its peak memory (``ru_maxrss``, which includes the
interpreter and its imports: ``baseline_rss_mb`` is the part measured before the read) is its own.

    .venv/bin/python bench/ingest.py [--snapshot-dir DIR] [SOURCE ...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from orchestration.sources import registry  # noqa: E402
from training import paths  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(source: str, snapshot_dir: Path) -> dict:
    """Read one source in this process and return its figures."""
    connector = registry.connector(source)
    baseline = _rss_mb()
    start = time.perf_counter()
    batch = connector.read(snapshot_dir)
    seconds = time.perf_counter() - start
    return {
        "records_read": batch.read_count, "loaded": len(batch.records), "quarantined": len(batch.quarantine),
        "reconciles": batch.read_count == len(batch.records) + len(batch.quarantine),
        "seconds": round(seconds, 3), "records_per_second": round(batch.read_count / seconds) if seconds else None,
        "peak_rss_mb": round(_rss_mb(), 1), "baseline_rss_mb": round(baseline, 1),
    }


def run(sources: list[str], snapshot_dir: Path) -> dict:
    """Measure each source in its own subprocess; add totals."""
    per_source = {}
    for source in sources:
        child = subprocess.run([sys.executable, __file__, "--one", source, "--snapshot-dir", str(snapshot_dir)],
                               capture_output=True, text=True, check=True)
        per_source[source] = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"{source}: {per_source[source]['seconds']}s", file=sys.stderr, flush=True)
    figures = list(per_source.values())
    read = sum(f["records_read"] for f in figures)
    seconds = sum(f["seconds"] for f in figures)
    totals = {
        "records_read": read, "loaded": sum(f["loaded"] for f in figures),
        "quarantined": sum(f["quarantined"] for f in figures), "reconciles": all(f["reconciles"] for f in figures),
        "seconds": round(seconds, 3), "records_per_second": round(read / seconds) if seconds else None,
        "peak_rss_mb": max((f["peak_rss_mb"] for f in figures), default=None),
    }
    return {"snapshot_dir": str(snapshot_dir), "sources": per_source, "totals": totals}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", help="snapshot sources to read (default: all)")
    parser.add_argument("--snapshot-dir", type=Path, default=paths.snapshot_dir())
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child mode: measure one source in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.snapshot_dir)))
        return
    unknown = set(args.sources) - set(registry.SNAPSHOT_CONNECTORS)
    if unknown:
        parser.error(f"not snapshot sources: {sorted(unknown)}")
    print(json.dumps(run(args.sources or list(registry.SNAPSHOT_CONNECTORS), args.snapshot_dir), indent=2))


if __name__ == "__main__":
    main()
