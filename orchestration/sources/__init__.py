"""Leaderboard connectors: one plain module per source format (no dagster imports).

Each connector module exposes ``SOURCE`` (its name), ``snapshot_files(snapshot_dir)`` (the files it reads,
used for the input fingerprint) and ``read(snapshot_dir) -> SourceBatch``.
"""
