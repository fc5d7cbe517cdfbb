"""`modellens pipeline` twice on the same inputs: wall time of both runs, and proof the second changed nothing.

MODELLENS_HOME=/tmp/fresh python bench/pipeline.py
"""

import json
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def run(*args: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run([str(BIN / "modellens"), *args], check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t0, out


def versions() -> list[str]:
    from mlflow import MlflowClient

    from training import registry

    registry.open_home()
    return sorted(v.version for v in MlflowClient().search_model_versions("name='modellens'"))


def main() -> None:
    first, _ = run("pipeline")
    _, stats_first = run("stats", "--json")
    versions_first = versions()
    second, _ = run("pipeline")
    _, stats_second = run("stats", "--json")
    print(
        json.dumps(
            {
                "first_run_seconds": round(first, 1),
                "second_run_seconds": round(second, 1),
                "second_over_first": round(second / first, 3),
                "stats_identical": json.loads(stats_first) == json.loads(stats_second),
                "model_versions_after_first": versions_first,
                "model_versions_after_second": versions(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
