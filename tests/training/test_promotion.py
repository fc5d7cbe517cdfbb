"""Promotion: a worse candidate never becomes champion, and the previous champion can be restored."""

import torch

from training import paths, promotion, registry
from training.data import load_benchmark
from training.ranker import Ranker


def crippled(ranker: Ranker) -> Ranker:
    """The same architecture and catalogue with random weights: it ranks no better than chance."""
    torch.manual_seed(0)
    with torch.no_grad():
        for param in ranker.module.parameters():
            param.normal_(0.0, 1.0)
    return Ranker(ranker.module, ranker.catalogue, ranker.meta)


def test_crippled_candidate_stays_challenger_and_champion_can_be_restored(pipeline_home):
    registry.open_home()
    bench = load_benchmark(paths.warehouse_path())
    champion = registry.alias_version(registry.CHAMPION)
    bad = crippled(registry.load_ranker(registry.model_uri()))
    candidate = registry.log_and_register(bad, {"crippled": True}, {}, bench.evals, "crippled").version

    outcome = promotion.promote_latest(bench, margin=0.0)

    assert not outcome.promoted
    assert outcome.candidate_metrics["ndcg@10"] < outcome.champion_metrics["ndcg@10"]
    assert registry.alias_version(registry.CHAMPION) == champion
    assert registry.alias_version(registry.CHALLENGER) == candidate

    registry.set_champion(candidate)  # an operator's mistake ...
    assert registry.alias_version(registry.PREVIOUS) == champion
    assert registry.restore_previous_champion() == champion  # ... undone
    assert registry.alias_version(registry.CHAMPION) == champion


def test_benchmark_fingerprint_ignores_row_order(pipeline_home):
    bench = load_benchmark(paths.warehouse_path())
    shuffled = bench.evals.sample(frac=1.0, random_state=1).reset_index(drop=True)
    assert type(bench)(shuffled, bench.models, bench.datasets, bench.metrics).fingerprint() == bench.fingerprint()
    changed = shuffled.assign(value=shuffled["value"].where(shuffled.index != 0, shuffled["value"] + 1))
    assert type(bench)(changed, bench.models, bench.datasets, bench.metrics).fingerprint() != bench.fingerprint()
