"""Pure builders of dbt command lines (tested on their own)."""

from __future__ import annotations


def dbt_build_args(full_refresh: bool = False, fail_fast: bool = False) -> list[str]:
    """``dbt build`` (seeds, models and tests in DAG order) with the run's options."""
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if fail_fast:
        args.append("--fail-fast")
    return args
