import time

import numpy as np
import pytest

from tests.training.toy_bench import HELD_MODELS, fake_embed, toy_benchmark, trained_toy
from training.features import StaticMiniLM, TextEmbedder, embedder_named, embedder_tag, minilm_embed
from training.queries import Query
from training.ranker import Ranker
from training.trainer import TrainConfig, train_ranker


@pytest.fixture(scope="module")
def ranker():
    return trained_toy()[1]


def test_save_load_round_trip_gives_identical_scores(ranker, tmp_path):
    ranker.save(tmp_path / "artifact")
    assert {p.name for p in (tmp_path / "artifact").iterdir()} == {
        "model.pt", "meta.json", "models.parquet", "datasets.parquet", "lists.parquet", "evidence.npz"}
    loaded = Ranker.load(tmp_path / "artifact", embed_fn=fake_embed)
    assert loaded.model_ids == ranker.model_ids
    query = Query("q", "brand-new-set", description="a retrieval benchmark", task="retrieval")
    list_id, names = "class-set-0|accuracy", ["orga/alpha-1-base", "never/seen-model-7b"]
    np.testing.assert_array_equal(ranker.score_catalogue(list_id), loaded.score_catalogue(list_id))
    np.testing.assert_array_equal(ranker.score_pairs(names, None, query), loaded.score_pairs(names, None, query))
    assert ranker.rank(query, k=5) == loaded.rank(query, k=5)


def test_rank_echoes_every_candidate_as_spelled(ranker):
    candidates = ["ORGA/Alpha-3-Base", "BETA-14", "orgb/beta-2-base", "someone/unknown-model", HELD_MODELS[0],
                  "orgb/beta-2-base"]
    out = ranker.rank(Query("q", "RETRI-SET-1-V1", metric="accuracy", candidates=tuple(candidates)))
    assert sorted(name for name, _ in out) == sorted(candidates)
    scores = [s for _, s in out]
    assert scores == sorted(scores, reverse=True) and all(np.isfinite(scores))
    # 'RETRI-SET-1-V1' is an alias of retri-set-1, where beta models win; aliases resolve to the catalogue entry
    by_name = dict(out)
    assert by_name["BETA-14"] > by_name["ORGA/Alpha-3-Base"]
    assert by_name["BETA-14"] == pytest.approx(ranker.score_pairs(["orgb/beta-14-base"], "retri-set-1|accuracy")[0])


def test_rank_without_candidates_returns_top_k_of_catalogue_fast(ranker):
    out = ranker.rank(Query("q", "class-set-0"), k=5)
    assert len(out) == 5 and all(name in ranker.model_ids for name, _ in out)
    assert all(name.startswith("orga/alpha") for name, _ in out)  # alpha models win classification
    start = time.perf_counter()
    for _ in range(50):
        ranker.rank(Query("q", "class-set-0", metric="accuracy"), k=10)
    assert (time.perf_counter() - start) / 50 < 0.01


def test_unseen_dataset_query_uses_metadata(ranker):
    query = Query("q", "my-new-benchmark", description="a classification benchmark", task="classification",
                  modality="text", metric="accuracy", higher_is_better=True)
    top = ranker.rank(query, k=5)
    assert sum(name.startswith("orga/alpha") for name, _ in top) >= 4


def test_wrong_embedder_is_refused(ranker, tmp_path):
    loaded = Ranker.load(ranker.save(tmp_path / "a"))  # trained with the fake embedder, loaded without one
    assert len(loaded.rank(Query("q", "class-set-0"), k=3)) == 3  # no new text: no encoder
    with pytest.raises(ValueError, match="embed_fn"):
        loaded.score_pairs(["brand/new-model"], "class-set-0|accuracy")


def test_real_minilm_loads_offline_and_caches(tmp_path):
    texts = ["image classification on ImageNet", "a convolutional image classifier", "legal contract question"]
    embedder = TextEmbedder(minilm_embed, tmp_path)
    vectors = embedder(texts)
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]

    def must_not_run(texts):
        pytest.fail("cached texts were embedded again")

    must_not_run.tag = minilm_embed.tag
    np.testing.assert_array_equal(TextEmbedder(must_not_run, tmp_path)(texts[::-1]), vectors[::-1])


def test_batched_query_contexts_equal_one_at_a_time(ranker):
    """The pools' contexts (dataset similarities in blocks) are the query path's, for catalogue and new lists."""
    queries = [Query("a", "class-set-0", metric="accuracy"), Query("b", "brand-new-set", description="a retrieval set"),
               Query("c", "RETRI-SET-1-V1"), Query("d", "class-set-3")]
    batched = list(ranker.query_contexts(queries))
    assert len(batched) == len(queries)
    for query, context in zip(queries, batched):
        single = ranker.query_context(query)
        np.testing.assert_allclose(context.dataset_sims, single.dataset_sims, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(context.vec, single.vec)
        assert (context.task, context.modality, context.warm, context.family, context.languages) == \
            (single.task, single.modality, single.warm, single.family, single.languages)
    assert [s for s, _ in ranker.rank(queries[0], k=5, context=ranker.catalogue_context(batched[0]))] == \
        [s for s, _ in ranker.rank(queries[0], k=5)]


def test_training_caches_every_card_and_dataset_text(tmp_path):
    """Cards and descriptions share one cache file when one embedder embeds both: a second writer of the same file
    had kept only the dataset texts, so every rerun embedded the cards again."""
    ranker = train_ranker(toy_benchmark(), TrainConfig(epochs=1, dim=8, max_minutes=1), cache_dir=tmp_path,
                          embed_fn=fake_embed)
    texts = set(ranker.catalogue.model_texts) | set(ranker.catalogue.dataset_texts)
    (cache,) = tmp_path.glob("text_emb.*.npz")
    with np.load(cache) as saved:
        assert set(saved["keys"]) == {TextEmbedder.key(t) for t in texts}


def test_two_embedders_over_one_cache_keep_each_others_vectors(tmp_path):
    first, second = TextEmbedder(fake_embed, tmp_path), TextEmbedder(fake_embed, tmp_path)  # both load an empty cache
    mine, theirs = first(["a model card"]), second(["a dataset description"])

    def must_not_run(texts):
        pytest.fail("cached texts were embedded again")

    must_not_run.tag = embedder_tag(fake_embed)
    both = TextEmbedder(must_not_run, tmp_path)(["a model card", "a dataset description"])
    np.testing.assert_array_equal(both, np.concatenate([mine, theirs]))


def test_static_minilm_embeds_by_tokens_and_distils_each_token_once():
    static = StaticMiniLM()
    texts = ["image classification on ImageNet", "a convolutional image classifier", "legal contract question", ""]
    vectors = static(texts)
    assert vectors.shape == (4, 384) and np.isfinite(vectors).all()
    np.testing.assert_allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, rtol=1e-5)
    assert not vectors[3].any()  # a text without tokens has no direction
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    distilled = len(static._vectors)
    again = static(["classification image"])  # known tokens only: nothing new to distil
    assert len(static._vectors) == distilled
    np.testing.assert_allclose(again[0], static(["image classification"])[0], rtol=1e-6)  # a bag of tokens
    assert embedder_named(static.tag).tag == static.tag and embedder_named(minilm_embed.tag) is minilm_embed


def test_a_source_family_blend_applies_to_its_lists_only(ranker):
    """A list of a family with its own fitted blend is scored with it; other families fall back to 'all'."""
    models = [f"orga/alpha-{i}-base" for i in (14, 0, 9)]
    query = Query("q", "class-set-10")
    saved = ranker.blend_weights
    try:
        ranker.blend_weights = {"cold": {"all": {"latent": 1.0}, "nowhere": {"size": 1.0}}}
        latent = ranker.score_pairs(models, None, query)
        ranker.blend_weights = {"cold": {"all": {"latent": 1.0}, "other": {"size": 1.0}}}
        by_size = ranker.score_pairs(models, None, query)
    finally:
        ranker.blend_weights = saved
    assert list(np.argsort(-by_size)) == [0, 2, 1]  # params grow with the index in the toy benchmark
    assert not np.allclose(latent, by_size)


def test_the_latent_score_is_the_modules_own(ranker):
    """The Ranker scores with TwoTowerRanker.score_matrix: its latent feature of a catalogue list equals the
    module's full-sort prediction for that list."""
    import torch

    row = ranker.catalogue.lists["list_id"].tolist().index("class-set-0|accuracy")
    with torch.no_grad():
        expected = ranker.module.full_sort_predict(torch.tensor([row]))[0].numpy()
    latent = ranker.features(ranker.list_context("class-set-0|accuracy"))["latent"]
    np.testing.assert_allclose(latent, expected, rtol=1e-5, atol=1e-6)
