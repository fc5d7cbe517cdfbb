import pytest


class Batches:
    """Full reads of snapshot connectors, each done once per test session (tests only read the batches; their speed
    is bench/ingest.py's to measure)."""

    def __init__(self, snapshot_dir):
        self.snapshot_dir = snapshot_dir
        self._cache: dict[tuple, object] = {}

    def __call__(self, module, **options):
        key = (module.SOURCE, *sorted(options.items()))
        if key not in self._cache:
            self._cache[key] = module.read(self.snapshot_dir, **options)
        return self._cache[key]


@pytest.fixture(scope="session")
def snapshot_batch(snapshot_dir) -> Batches:
    """``snapshot_batch(module, **options)``: the module's read of the real snapshot, shared across tests."""
    return Batches(snapshot_dir)
