"""Fingerprints of what a stage was built from, kept under MODELLENS_HOME/state, so unchanged inputs skip work."""

import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb

from orchestration.settings import DBT_PROJECT_DIR
from orchestration.sources.landing import atomic_write


def read_state(state: Path, name: str) -> str | None:
    """The fingerprint stage ``name`` was last built from (None when never), in the folder ``state``."""
    path = state / f"{name}.json"
    return json.loads(path.read_text())["fingerprint"] if path.exists() else None


def write_state(state: Path, name: str, fingerprint: str) -> None:
    path = state / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps({"fingerprint": fingerprint})))


def transform_fingerprint(landing: Path) -> str:
    """Every landed source's input fingerprint plus every file of the dbt project."""
    digest = hashlib.sha256()
    for manifest in sorted(landing.glob("*/manifest.json")):
        digest.update(manifest.parent.name.encode() + json.loads(manifest.read_text())["fingerprint"].encode())
    for path in sorted(p for d in ("models", "macros", "seeds", "tests") for p in (DBT_PROJECT_DIR / d).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(DBT_PROJECT_DIR)).encode() + path.read_bytes())
    digest.update((DBT_PROJECT_DIR / "dbt_project.yml").read_bytes())
    return digest.hexdigest()[:24]


@contextmanager
def warehouse_copy(live: Path):
    """Build into a copy of the warehouse ``live`` and swap it in only when the block succeeds.

    dbt reads the path from MODELLENS_WAREHOUSE (see dbt_project/profiles.yml); a killed or failed build leaves
    the live warehouse exactly as it was.
    """
    build = live.with_name("warehouse.build.duckdb")
    for suffix in ("", ".wal"):
        Path(f"{build}{suffix}").unlink(missing_ok=True)
        if Path(f"{live}{suffix}").exists():
            shutil.copy2(f"{live}{suffix}", f"{build}{suffix}")
    previous = os.environ.get("MODELLENS_WAREHOUSE")
    os.environ["MODELLENS_WAREHOUSE"] = str(build)
    try:
        yield build
    finally:
        if previous is None:
            os.environ.pop("MODELLENS_WAREHOUSE", None)
        else:
            os.environ["MODELLENS_WAREHOUSE"] = previous
    Path(f"{live}.wal").unlink(missing_ok=True)
    if Path(f"{build}.wal").exists():
        Path(f"{build}.wal").replace(f"{live}.wal")
    build.replace(live)


def table_row_counts(path: Path) -> dict[str, int]:
    """Rows of every table (not view) in a DuckDB file, by table name."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        return {t: con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0] for s, t in tables}
