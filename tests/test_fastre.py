"""The fast forms of the tagging patterns (nlp/fastre.py) find exactly what the
readable reference patterns find, on sample text and on generated text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protokoll.nlp import dates, money, orgs, tokens
from protokoll.nlp.fastre import Alternatives, Anchored, Leading, guarded

PIECES = [
    *"0123456789 -.,:/\n\t()§€−–", "kr", "KR", "sek", "SEK", "EUR", "tkr", "mnkr", "miljoner kronor",
    "januari", "Januari", "DECEMBER", "dec.", "mars", "13:e", " 2024", "1998", "2024-12-13", "2024-\n12-13",
    "1 476 576", "57 0000", "Region Blekinge", "Landstinget", " område Nära vård", "Karlshamns kommun",
    "kommun", "Kommunen", "nämnd", "Socialnämnden", "styrelsens", "förvaltning", "x- och ", " och ",
    "Enheten för kvalitet", " (KoU)", "AB", "Ab", "Nordic", "Pensionärsrådet", "Interkommunala forumet",
    "(S)", "(SD)", "SKR", "Sveriges Kommuner och Regioner", "Försäkringskassan", "fou-verksamheten",
    "LSVO beslutar", "PSVOs möte", "İ", "K", "å", "Ö", "a", "b", "x",
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def spans(matches, lower=False):
    return [(m.span(), {k: (v.lower() if lower else v) for k, v in m.groupdict().items() if v}) for m in matches]


@settings(max_examples=400, deadline=None)
@given(texts)
def test_date_patterns(text):
    low = text.lower()
    for (rule, slow), (_, fast, case_insensitive) in zip(dates._PATTERNS, dates._FAST):
        if case_insensitive and len(low) != len(text):
            continue  # find_dates uses the slow pattern then
        source = low if case_insensitive else text
        assert spans(fast.finditer(source)) == spans(slow.finditer(text), lower=case_insensitive), rule


@settings(max_examples=400, deadline=None)
@given(texts)
def test_money_patterns(text):
    same_length = len(text.lower()) == len(text)  # else find_amounts runs AMOUNT_RE itself
    assert spans(money.find_amounts(text)) == spans(money.AMOUNT_RE.finditer(text), lower=same_length)
    assert spans(tokens.GROUPED_RE.finditer(text)) == spans(re.finditer(tokens.GROUPED, text))


@settings(max_examples=400, deadline=None)
@given(texts)
def test_org_patterns(text):
    low = text.lower()
    for rule, slow in orgs.PATTERNS:
        if rule == "org-known":
            if len(low) == len(text):
                assert spans(orgs._FAST[rule].finditer(low)) == spans(slow.finditer(text), lower=True)
        else:
            assert spans(orgs._FAST[rule].finditer(text)) == spans(slow.finditer(text)), rule


@pytest.mark.parametrize("text, expected", [
    ("a -1 2", ["-1", "2"]),
    ("x-1", ["1"]),          # the sign alternative is refused after a letter; the digit one is not
    ("-12-3", ["-12", "3"]),
])
def test_alternatives_like_one_regex(text, expected):
    alt = Alternatives(r"-(?<!\w-)\d+", r"\d+")
    assert [m.group() for m in alt.finditer(text)] == expected
    assert [m.group() for m in re.finditer(r"(?<!\w)-\d+|\d+", text)] == expected


def test_guarded_and_anchored():
    assert [m.start() for m in re.finditer(guarded(["ab", "b"], r"\w"), "ab b xb")] == [0, 3]
    anchored = Anchored(r"(?<![\w-])\w+nämnd(?!\w)", ["nämnd"])
    text = "Kultur-nämnd, Socialnämnd. nämnder Byggnämnd"
    assert [m.group() for m in anchored.finditer(text)] == ["Socialnämnd", "Byggnämnd"]


@pytest.fixture(scope="module")
def blank():
    import spacy

    return spacy.blank("sv")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | texts)
def test_capitalised_tokens_are_the_tokens_that_start_upper_case(blank, text):
    from protokoll.nlp.spans import capitalised

    doc = blank.make_doc(text)
    assert capitalised(doc) == [t.i for t in doc if t.text[:1].isupper()]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | texts, st.integers(-2, 62), st.integers(1, 8))
def test_make_span_is_char_span_expand(blank, text, start, width):
    from protokoll.nlp.spans import make_span, register_extensions

    register_extensions()

    def bounds(span):
        return None if span is None else (span.start, span.end, span.label_)

    doc = blank.make_doc(text)
    span = make_span(doc, start, start + width, "ORG", rule="x")
    assert bounds(span) == bounds(doc.char_span(start, start + width, label="ORG", alignment_mode="expand"))
    assert span is None or span._.rule == "x"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abx -", max_size=40))
def test_leading_is_finditer(text):
    pattern = rf"(?:{guarded(['aba', 'ab', 'b'], r'[a-z]')}|x-)(?:x|b)?"
    assert spans(Leading(pattern, ["aba", "ab", "b", "x-"]).finditer(text)) == spans(re.finditer(pattern, text))
