"""Swedish word lists the tagging rules use, in one place (all lower case).

Adding a word here teaches the rules a new spelling; no pattern elsewhere repeats them.
"""

from __future__ import annotations

from pathlib import Path

# Money units: the multiplier to whole units of the currency, and the currency.
MONEY_UNITS = {
    "kr": (1, "SEK"), "kr.": (1, "SEK"), "kronor": (1, "SEK"), "sek": (1, "SEK"),
    ":-": (1, "SEK"), "öre": (0.01, "SEK"),
    "tkr": (1_000, "SEK"), "tsek": (1_000, "SEK"), "tusen kronor": (1_000, "SEK"),
    "mnkr": (1_000_000, "SEK"), "mkr": (1_000_000, "SEK"), "msek": (1_000_000, "SEK"),
    "miljon kronor": (1_000_000, "SEK"), "miljoner kronor": (1_000_000, "SEK"),
    "miljoner kr": (1_000_000, "SEK"), "miljon": (1_000_000, "SEK"), "miljoner": (1_000_000, "SEK"),
    "mdkr": (1_000_000_000, "SEK"), "mdr kr": (1_000_000_000, "SEK"),
    "miljard kronor": (1_000_000_000, "SEK"), "miljarder kronor": (1_000_000_000, "SEK"),
    "miljarder": (1_000_000_000, "SEK"), "miljard": (1_000_000_000, "SEK"),
    "euro": (1, "EUR"), "eur": (1, "EUR"), "€": (1, "EUR"), "cent": (0.01, "EUR"),
    "miljoner euro": (1_000_000, "EUR"), "miljarder euro": (1_000_000_000, "EUR"),
}

# Units the tokenizer splits off a number written against them ("500kr", "2,5mnkr"), and
# the units after which four digits still end a grouped number ("57 0000 kr": mistyped).
UNIT_SUFFIXES = ("kr", "tkr", "mnkr", "mdkr", "mkr", "kronor", "SEK", "sek", "€", ":-")
GROUP_UNITS = ("kr", "kronor", "tkr", "SEK")

# Words after a bare "miljoner"/"miljarder" that show it counts something else.
NOT_MONEY_AFTER_MILLIONS = ("invånare", "människor", "personer", "patienter", "besök", "ton", "liter", "timmar")


def first_names() -> frozenset[str]:
    """The first-name gazetteer, lower case: a hand-written list of common Swedish first
    names plus the first tokens of person names in the NER corpus (written by
    ``scripts/train_ner.py``). Read from ``nlp/data/`` on each call."""
    folder = Path(__file__).resolve().parent / "data"
    return frozenset(
        line.strip().lower()
        for name in ("first_names_common.txt", "first_names_corpus.txt")
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
