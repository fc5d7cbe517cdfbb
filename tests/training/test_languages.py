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
