"""Languages named by dataset subsets reach the dataset text, so language subsets of one benchmark differ."""

import numpy as np
import pytest

from training.features import dataset_text
from training.languages import language_name, languages_in_name, languages_of


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


def _language_benchmark():
    """English and Dutch ASR specialists (records in one language each), two multilingual models with records in
    English, German, French and Spanish but not Dutch, a Hindi fine-tune by its name and a paper-only method (PwC),
    both with English records."""
    import pandas as pd

    from training.data import Benchmark

    speaks = {f"org/{lang}-asr-{i}": {lang} for lang in ("en", "nl") for i in range(4)}
    speaks |= {f"org/poly-asr-{i}": {"en", "de", "fr", "es"} for i in range(2)}
    speaks |= {"org/whisper-small-hindi": {"en"}, "pwc/dnn-hmm": {"en"}}
    models = [{"model_id": m, "family": m.split("/")[1][:-2], "params": 1e8 * (i + 1)}
              for i, m in enumerate(speaks)]
    datasets = [{"dataset_id": f"voices/{lang}{split}", "base_dataset_id": "voices", "description": "read speech",
                 "task": "speech-recognition", "modality": "audio"}
                for lang in ("en", "nl", "de", "fr", "es") for split in ("", "@test")]
    evals = [{"model_id": m["model_id"], "dataset_id": d["dataset_id"], "metric_id": "wer",
              "list_id": f"{d['dataset_id']}|wer", "value": 10.0 - i, "higher_is_better": False,
              "signed_value": i - 10.0, "z_score": 0.0}
             for d in datasets for i, m in enumerate(models) if d["dataset_id"][7:9] in speaks[m["model_id"]]]
    metrics = pd.DataFrame({"metric_id": ["wer"], "higher_is_better": [False]})
    return Benchmark.from_frames(pd.DataFrame(evals), pd.DataFrame(models), pd.DataFrame(datasets), metrics)


def test_ranker_prefers_models_with_records_in_the_query_language(monkeypatch):
    import training.ranker
    from tests.training.toy_bench import fake_embed
    from training.queries import Query
    from training.trainer import TrainConfig, train_ranker

    ranker = train_ranker(_language_benchmark(), TrainConfig(epochs=2, dim=8), embed_fn=fake_embed)
    english = ranker.list_context(None, Query("q", "my-calls", description="English phone calls"))
    dutch = ranker.list_context("voices/nl|wer", None)
    assert sorted(ranker._language_index) == ["Dutch", "English", "French", "German", "Hindi", "Spanish"]
    kind = {"en": "en", "nl": "nl", "poly": "poly", "whisper": "hindi", "dnn": "paper"}
    expected = {"english": {"en": 1.0, "nl": -1.0, "poly": 1.0, "hindi": -1.0, "paper": 1.0},  # the name decides
                "dutch": {"en": -1.0, "nl": 1.0, "poly": 0.0, "hindi": -1.0, "paper": -1.0}}  # poly: no penalty
    for name, context in (("english", english), ("dutch", dutch)):
        match = ranker.features(context)["language"]
        assert {m: match[i] for i, m in enumerate(ranker.model_ids)} == \
            {m: expected[name][kind[m.split("/")[1].split("-")[0]]] for m in ranker.model_ids}
    ids = ranker.catalogue.datasets["dataset_id"].tolist()
    english_text = ranker._apart_from_other_languages(np.ones(len(ids)), english.languages)
    assert {d: v for d, v in zip(ids, english_text)} == {d: 1.0 if d.startswith("voices/en") else 0.9 for d in ids}
    unnamed = ranker.list_context(None, Query("q", "my-calls", description="phone calls"))
    assert np.array_equal(ranker._apart_from_other_languages(np.ones(len(ids)), unnamed.languages), np.ones(len(ids)))
    assert not ranker.features(unnamed)["language"].any()
    # 12 models: without the 6 of other languages fewer than 10 remain, so only the paper-only method goes
    assert [m for m, ok in zip(ranker.model_ids, ranker.allowed(dutch, Query("q", "voices/nl"))) if not ok] == ["pwc/dnn-hmm"]
    monkeypatch.setattr(training.ranker, "MIN_LANGUAGE_MODELS", 6)
    allowed = dict(zip(ranker.model_ids, ranker.allowed(dutch, Query("q", "voices/nl"))))
    assert [m for m, ok in allowed.items() if not ok] == \
        [*(f"org/en-asr-{i}" for i in range(4)), "org/whisper-small-hindi", "pwc/dnn-hmm"]
    monkeypatch.setattr(training.ranker, "MIN_OBTAINABLE_MODELS", 12)  # too few others: the paper-only one stays
    assert dict(zip(ranker.model_ids, ranker.allowed(english, Query("q", "my-calls"))))["pwc/dnn-hmm"]


@pytest.mark.parametrize("model_id, expected", [
    ("x/whisper-small-hindi", ["Hindi"]),
    ("x/wav2vec2-large-xlsr-53-bn", ["Bangla"]),
    ("helsinki-nlp/opus-mt-en-de", ["English", "German"]),
    ("x/wav2vec2_large_turkish", ["Turkish"]),
    ("nbailab/nb-wav2vec2-1b-bokmaal", ["Norwegian Bokmål"]),
    ("pwc/tan-et-al.", []),  # 'et al.', not Estonian
    ("timm/resnet50.am_in1k", []),  # a timm recipe tag, not Amharic
    ("x/bert-base-uncased", []),
    ("x/it5-small", []),
    ("comodoro/wav2vec2-xls-r-300m-west-slavic-cv8", ["Polish", "Czech", "Slovak"]),  # a group, not all Slavic
    ("nbailab/wav2vec2-xls-r-1b-npsc-bokmaal-low-27k", ["Norwegian Bokmål"]),
    ("x/xlsr-nordic-asr", ["Danish", "Norwegian Bokmål", "Norwegian Nynorsk", "Swedish", "Icelandic", "Finnish"]),
    ("x/slavic-bert", ["Russian", "Ukrainian", "Belarusian", "Polish", "Czech", "Slovak", "Bulgarian", "Macedonian",
                       "Serbian", "Croatian", "Bosnian", "Slovenian"]),
])
def test_languages_in_model_names(model_id, expected):
    assert languages_in_name(model_id) == expected
