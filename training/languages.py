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
