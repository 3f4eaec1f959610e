"""Swedish number tokenisation: "1 476 576 kr", "15 816 660,06", "-419 515" stay whole.

spaCy's tokenizer always splits on spaces, so the ``sv_numbers`` component merges a
space-grouped number back into one token right after tokenisation. The tokenizer itself
learns to split a unit glued to digits ("123664kr") and keeps "§§" together, and keeps
only the special cases that change its tokens (:func:`with_needed_special_cases`).
"""

from __future__ import annotations

import re

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from .spans import doc_text
from .vocab import GROUP_UNITS, UNIT_SUFFIXES

# A number with Swedish digit grouping: thousands separated by (no-break) spaces,
# decimals after a comma. "57 0000" (a mistyped group) is matched too, and flagged later.
_SPACE = "[ \u00a0\u202f]"
_GROUP_UNITS = "|".join(GROUP_UNITS)
GROUPED = (
    rf"(?<![\d,.:])\d{{1,3}}"
    rf"(?:(?:{_SPACE}\d{{3}})+(?!\d)|{_SPACE}\d{{4}}(?=\s?(?:{_GROUP_UNITS})\b))"
    r"(?:,\d+)?(?!\d)"
)
# GROUPED with the look-behind after the first digit, so that re skips to digits (fastre).
GROUPED_RE = re.compile(
    rf"\d(?<![\d,.:]\d)\d{{0,2}}"
    rf"(?:(?:{_SPACE}\d{{3}})+(?!\d)|{_SPACE}\d{{4}}(?=\s?(?:{_GROUP_UNITS})\b))"
    r"(?:,\d+)?(?!\d)"
)

_UNIT_SUFFIX = rf"(?<=\d)(?:{'|'.join(UNIT_SUFFIXES)})"


TOKENIZER = "protokoll.sv_tokenizer.v1"


@registry.tokenizers(TOKENIZER)
def create_tokenizer():
    """spaCy's Swedish tokenizer that also splits "123664kr" into number + unit, a sign
    or bullet from digits or a capital ("-419", "-FoU verksamhetsplan"), and keeps "§§"
    as one token, with only the special cases that change something
    (:func:`with_needed_special_cases`).
    Built in one go: setting ``prefix_search``, ``suffix_search`` or ``rules`` on a
    built tokenizer recompiles and reloads its special cases each time (0.2 s of every
    import's start-up)."""

    def tokenizer_factory(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        affixes = dict(
            prefix_search=compile_prefix_regex(["§§", r"[-−–](?=[\dA-ZÅÄÖ])", *defaults.prefixes]).search,
            suffix_search=compile_suffix_regex([_UNIT_SUFFIX, *defaults.suffixes]).search,
            infix_finditer=compile_infix_regex(defaults.infixes).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )
        return with_needed_special_cases(
            defaults.tokenizer_exceptions, lambda rules: Tokenizer(nlp.vocab, rules=rules, **affixes))

    return tokenizer_factory


def with_needed_special_cases(rules: dict, build) -> Tokenizer:
    """``build(special_cases)``, with only those of ``rules`` that change something: that
    set more than the tokens' text ("hörru" → "hör" + "ru" with the NORM "du"), or without
    which the tokenizer would split their text otherwise ("t.ex." rather than "t.ex" + ".").

    The others ("kr", "dvs", "\\n": 162 of 483) give the tokens the rules give anyway, but
    cost a lot: after the first special case in a text, spaCy's tokenizer saves no more
    words to its cache for that Doc (``has_special``, spaCy issue #1250), and "kr" is in
    almost every item. Without them the same tokens come out twice as fast.

    Whether a text splits as its special case says depends on the special cases kept
    ("°c." splits as "°" + "c." once "c." is one), so starting from those that set more
    than the text, the ones left out are checked against the tokenizer built without
    them and put back until none splits otherwise (three builds, 0.06 s).
    """
    kept = {text: tokens for text, tokens in rules.items() if any(set(t) != {ORTH} for t in tokens)}
    while True:
        tokenizer = build(kept)
        back = {text: tokens for text, tokens in rules.items()
                if text not in kept and [t.text for t in tokenizer(text)] != [t[ORTH] for t in tokens]}
        if not back:
            return tokenizer
        kept.update(back)


@Language.factory("sv_numbers", default_config={})
def make_sv_numbers(nlp: Language, name: str):
    """Merge space-grouped Swedish numbers into single tokens."""
    return merge_numbers


def merge_numbers(doc):
    spans = []
    for m in GROUPED_RE.finditer(doc_text(doc)):
        span = doc.char_span(m.start(), m.end())
        if span is not None and len(span) > 1:
            spans.append(span)
    if spans:
        with doc.retokenize() as retokenizer:
            for span in spans:
                retokenizer.merge(span)
    return doc
