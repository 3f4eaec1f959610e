"""Swedish number tokenisation: "1 476 576 kr", "15 816 660,06", "-419 515" stay whole.

spaCy's tokenizer always splits on spaces, so the ``sv_numbers`` component merges a
space-grouped number back into one token right after tokenisation. The tokenizer itself
learns to split a unit glued to digits ("123664kr") and keeps "§§" together.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.util import compile_prefix_regex, compile_suffix_regex

from .spans import doc_text

# A number with Swedish digit grouping: thousands separated by (no-break) spaces,
# decimals after a comma. "57 0000" (a mistyped group) is matched too, and flagged later.
_SPACE = "[ \u00a0\u202f]"
GROUPED = (
    rf"(?<![\d,.:])\d{{1,3}}"
    rf"(?:(?:{_SPACE}\d{{3}})+(?!\d)|{_SPACE}\d{{4}}(?=\s?(?:kr|kronor|tkr|SEK)\b))"
    r"(?:,\d+)?(?!\d)"
)
# GROUPED with the look-behind after the first digit, so that re skips to digits (fastre).
GROUPED_RE = re.compile(
    rf"\d(?<![\d,.:]\d)\d{{0,2}}"
    rf"(?:(?:{_SPACE}\d{{3}})+(?!\d)|{_SPACE}\d{{4}}(?=\s?(?:kr|kronor|tkr|SEK)\b))"
    r"(?:,\d+)?(?!\d)"
)

_PLAIN_WHITESPACE = ("\n", "\t", " ")  # tokenizer special cases that change nothing
_UNIT_SUFFIX = r"(?<=\d)(?:kr|tkr|mnkr|mdkr|mkr|kronor|SEK|sek|€|:-)"


def customize_tokenizer(nlp: Language) -> None:
    """Split "123664kr" into number + unit, a sign or bullet from digits or a capital
    ("-419", "-FoU verksamhetsplan"), and keep "§§" as one token."""
    suffixes = [_UNIT_SUFFIX, *nlp.Defaults.suffixes]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    prefixes = ["§§", r"[-−–](?=[\dA-ZÅÄÖ])", *nlp.Defaults.prefixes]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    # After the first special case in a text, spaCy's tokenizer caches nothing more for
    # that Doc (``has_special``, spaCy issue #1250). "\n", "\t" and " " are special
    # cases that give the very token the rules give anyway, and "\n" is on every line:
    # without them every token stays the same and the cache works (3-5x faster).
    nlp.tokenizer.rules = {k: v for k, v in nlp.tokenizer.rules.items() if k not in _PLAIN_WHITESPACE}


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
