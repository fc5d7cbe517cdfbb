"""Languages a dataset id names in its subset ('mteb/tatoeba/deu-eng' -> German, English), from CLDR's English
language names (babel). Benchmarks put the language in the subset, not in the description, so without this every
language of a multilingual benchmark has the same text and a query for English data finds Turkish lists."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from babel.core import get_global


@lru_cache(maxsize=1)
def _tables() -> tuple[dict, dict, set, set, dict]:
    english = Locale("en")
    names = {code.lower(): name for code, name in english.languages.items()}
    aliases = {code.lower(): target.lower() for code, target in get_global("language_aliases").items()}
    territories = {code.lower() for code in english.territories if code.isalpha() and len(code) == 2}
    scripts = {code.lower() for code in english.scripts}
    # spelled-out names: only of ISO 639-1 languages, so that words such as 'even' or 'mono' stay words
    by_name = {name.lower(): name for code, name in english.languages.items() if len(code) == 2}
    return names, aliases, territories, scripts, by_name


def language_name(code: str) -> str | None:
    """English name of an ISO 639-1 / 639-2 / 639-3 code ('tr', 'tur', 'arb' -> Turkish, Turkish, Arabic)."""
    names, aliases, _, _, _ = _tables()
    code = code.lower()
    if code not in names:
        code = aliases.get(code, "").split("_")[0]
    return names.get(code)


def subset_of(dataset_id: str, base_id: str | None) -> str:
    """The part of a dataset id after its base id, without the '@split' ('' when there is none)."""
    head = dataset_id.split("@")[0]
    if base_id and head.lower().startswith(base_id.lower()):
        return head[len(base_id):].strip("/")
    return ""


def languages_of(dataset_id: str, base_id: str | None) -> list[str]:
    """Languages of the subset when every token of it is a language code, a script or a region
    ('eng_Latn-ben_Beng', 'sv-se', 'de-en', 'english'); [] for subsets such as 'clean', '4h' or 'helm_mmlu'."""
    _, _, territories, scripts, by_name = _tables()
    subset = subset_of(dataset_id, base_id).lower()
    tokens = [t for t in re.split(r"[-_/]", subset) if t]
    found: list[str] = []
    for i, token in enumerate(tokens):
        if i and token in territories and language_name(tokens[i - 1]):
            continue  # region of the previous language: 'sv-se', 'zh-cn', 'pa-in'
        if len(token) == 4 and token in scripts:
            continue  # script: 'eng_latn'
        name = language_name(token) if len(token) in (2, 3) else by_name.get(token)
        if name is None:
            return []
        found.append(name)
    return list(dict.fromkeys(found))


def languages_in_text(text: str | None) -> list[str]:
    """Languages a free text names by their English name ('English call-center speech' -> English)."""
    _, _, _, _, by_name = _tables()
    words = re.findall(r"[a-z]+", (text or "").lower())
    return list(dict.fromkeys(by_name[w] for w in words if w in by_name))


# ISO 639-1 codes that a model name's token may be taken for ('whisper-small-hi', 'opus-mt-en-de'): widely used
# languages whose code is not also an English word or a common abbreviation in model names ('it', 'no', 'ml', 'ms',
# 'et' of 'et al.', 'te' of textual entailment); never in timm names, whose tags ('sw_in12k', 'am_in1k') are codes of
# training recipes
NAME_CODES = frozenset("""en de fr es pt ru zh ja ko ar fa tr pl nl sv fi da cs sk hu ro bg el he th vi bn ta ur
hi mr gu kn pa sw lv lt sl hr sr ca eu gl cy uk kk uz az ka hy sq mk af zu xh yo nb""".split())


# words for languages: groups a fine-tune's name may give instead of its languages ('wav2vec2-xls-r-300m-west-slavic-cv8'), as
# ISO 639-1 codes of their members, and ASCII spellings of names; the longer name is matched first ('west slavic'
# before 'slavic')
LANGUAGE_WORDS = {
    "west slavic": "pl cs sk", "east slavic": "ru uk be", "south slavic": "bg mk sr hr bs sl",
    "slavic": "ru uk be pl cs sk bg mk sr hr bs sl", "scandinavian": "da nb nn sv is",
    "nordic": "da nb nn sv is fi", "baltic": "lv lt", "celtic": "ga cy gd br", "turkic": "tr az kk uz ky tk tt",
    "dravidian": "ta te kn ml", "indic": "hi bn mr gu pa or as ne si ur", "romance": "es fr it pt ro ca gl",
    "bantu": "sw zu xh rw ln lg", "bokmaal": "nb", "bokmal": "nb",  # and spellings without the 'å'
}


def languages_in_name(model_id: str) -> list[str]:
    """Languages a model's name (after its organisation) spells out, by English name, by a NAME_CODES code
    standing as a token of its own or by a language group: 'whisper-small-hindi', 'wav2vec2-bn-300m',
    'xls-r-west-slavic' -> Hindi; Bangla; Polish, Czech, Slovak."""
    org, _, name = model_id.lower().rpartition("/")
    coded = [] if org == "timm" else [language_name(t) for t in re.split(r"[-_.\s]+", name) if t in NAME_CODES]
    words = " ".join(re.split(r"[-_.\s]+", name))
    grouped = []
    for group, members in LANGUAGE_WORDS.items():
        if re.search(rf"\b{group}\b", words):
            words = re.sub(rf"\b{group}\b", " ", words)
            grouped += [language_name(code) for code in members.split()]
    return list(dict.fromkeys([*languages_in_text(name.replace("_", " ")), *filter(None, coded + grouped)]))
