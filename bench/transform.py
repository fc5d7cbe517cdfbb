"""Benchmark the dbt transform: wall time and peak memory of a full `dbt build` and of a no-change rerun.

Usage: python bench/transform.py [MODELLENS_HOME]   (default: $MODELLENS_HOME). The home must hold a landing zone.
Peak memory is the largest resident set of the dbt process tree (resource.getrusage(RUSAGE_CHILDREN).ru_maxrss,
measured around each run; the second figure is a running maximum, so it is reported only when it grew).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT = ROOT / "dbt_project"


def dbt_build(home: Path) -> dict:
    """Run one `dbt build` against `home`; return its wall time, exit code and the children's peak RSS so far."""
    env = dict(os.environ, MODELLENS_HOME=str(home))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    start = time.perf_counter()
    proc = subprocess.run(["dbt", "build", "--profiles-dir", "."], cwd=DBT_PROJECT, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    tail = [line for line in proc.stdout.splitlines() if "Done." in line]
    return {
        "wall_s": round(wall, 2),
        "returncode": proc.returncode,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "summary": tail[-1].split("Done.")[-1].strip() if tail else proc.stdout[-500:],
    }


def main() -> None:
    home = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MODELLENS_HOME", ROOT / ".modellens"))
    if not (home / "landing").is_dir():
        sys.exit(f"no landing zone under {home}")
    full = dbt_build(home)
    rerun = dbt_build(home)
    print(json.dumps({"modellens_home": str(home), "full_build": full, "no_change_rerun": rerun}, indent=2))


if __name__ == "__main__":
    main()
