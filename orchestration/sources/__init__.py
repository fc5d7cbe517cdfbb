"""Leaderboard connectors: one plain module per source format (no dagster imports).

Each connector module exposes ``SOURCE`` (its name), ``snapshot_files(snapshot_dir)`` (the files it reads,
used for the input fingerprint) and ``read(snapshot_dir) -> SourceBatch``. Shared pieces: ``records`` (the
schema and record ids), ``values`` (parse_value), ``tables`` (quarantine rows, the tolerant readers and the one
record builder, ``Collector``) and ``model_index`` (the Papers-with-Code model-index format).
"""
