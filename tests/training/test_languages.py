"""Languages named by dataset subsets reach the dataset text, so language subsets of one benchmark differ."""

import pytest

from training.features import dataset_text
from training.languages import language_name, languages_of


@pytest.mark.parametrize("dataset_id, base, expected", [
    ("mteb/tatoeba/deu-eng", "mteb/tatoeba", ["German", "English"]),
    ("mteb/minds14/en-gb@train", "mteb/minds14", ["English"]),
    ("mteb/sibfleurs/arb_arab@train", "mteb/sibfleurs", ["Arabic"]),
    ("mteb/flores/eng_latn-ben_beng", "mteb/flores", ["English", "Bangla"]),
    ("mozilla-foundation/common_voice_8_0/sv-se", "mozilla-foundation/common_voice_8_0", ["Swedish"]),
    ("x/english", "x", ["English"]),
    ("librispeech_asr/clean", "librispeech_asr", []),
    ("gift-eval/electricity/1h", "gift-eval/electricity", []),
    ("helm/mmlu/helm_mmlu", "helm/mmlu", []),
    ("imdb", "imdb", []),
    ("imdb", None, []),
])
def test_subset_languages(dataset_id, base, expected):
    assert languages_of(dataset_id, base) == expected


def test_three_letter_codes_resolve_through_aliases():
    assert (language_name("tr"), language_name("tur"), language_name("xx")) == ("Turkish", "Turkish", None)


def test_language_subsets_get_distinct_texts():
    meta = {"base_dataset_id": "mteb/multilingualsentimentclassification", "description": "Sentiment of reviews."}
    turkish = dataset_text("mteb/multilingualsentimentclassification/tur", meta)
    english = dataset_text("mteb/multilingualsentimentclassification/eng", meta)
    assert turkish == "Language: Turkish. Sentiment of reviews." and english.startswith("Language: English.")
    assert dataset_text("imdb", {"description": "Movie reviews."}) == "Movie reviews."


def _two_language_benchmark():
    import pandas as pd

    from training.data import Benchmark

    models = [{"model_id": f"org/{lang}-asr-{i}", "family": f"{lang}asr", "params": 1e8 * (i + 1)}
              for lang in ("en", "nl") for i in range(4)]
    datasets = [{"dataset_id": f"voices/{lang}{split}", "base_dataset_id": "voices", "description": "read speech",
                 "task": "speech-recognition", "modality": "audio"}
                for lang in ("en", "nl") for split in ("", "@test")]
    evals = [{"model_id": m["model_id"], "dataset_id": d["dataset_id"], "metric_id": "wer",
              "list_id": f"{d['dataset_id']}|wer", "value": 10.0 - i, "higher_is_better": False,
              "signed_value": i - 10.0, "z_score": 0.0}
             for d in datasets for i, m in enumerate(models) if m["model_id"].split("/")[1][:2] == d["dataset_id"][7:9]]
    metrics = pd.DataFrame({"metric_id": ["wer"], "higher_is_better": [False]})
    return Benchmark.from_frames(pd.DataFrame(evals), pd.DataFrame(models), pd.DataFrame(datasets), metrics)


def test_ranker_prefers_models_with_records_in_the_query_language():
    from tests.training.toy_bench import fake_embed
    from training.trainer import TrainConfig, train_ranker

    ranker = train_ranker(_two_language_benchmark(), TrainConfig(epochs=2, dim=8), embed_fn=fake_embed)
    english = ranker.list_context(None, {"dataset_id": "my-calls", "description": "English phone calls"})
    dutch = ranker.list_context("voices/nl|wer", None)
    assert sorted(ranker._language_index) == ["Dutch", "English"]
    for context, speaks in ((english, "en"), (dutch, "nl")):
        match = ranker.features(context)["language"]
        assert all(match[i] == (1.0 if m.split("/")[1][:2] == speaks else -1.0)
                   for i, m in enumerate(ranker.model_ids))
    unnamed = ranker.list_context(None, {"dataset_id": "my-calls", "description": "phone calls"})
    assert not ranker.features(unnamed)["language"].any()
