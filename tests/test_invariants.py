"""Issue 8's fuzzing invariants that test_parse_props.py and test_nlp.py do not assert.

Arbitrary text never raises in the normalisers or the tagger; item numbers are found in
the text; clause offsets stored in the database lie inside their item and point at the
clause (up to spacing and case); money is never negative unless a minus is written.
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_parse_props import ALPHABET, LINES, doc_from_text

from protokoll import nlp as tagging
from protokoll import parsers, store
from protokoll.ingest.text import text_blocks
from protokoll.records import Document, Source

MINUS = "-−–"
# Text that looks like amounts and dates, so the normalisers' paths are taken, not only "no match".
NUMBERS = st.text(alphabet="0123456789 ,.-−–:/€kKrRsSEKmnotdbeuå\u00a0", max_size=40)
MONEY_WORDS = st.sampled_from(["kr", "kronor", "tkr", "mnkr", "mdkr", "miljoner", "SEK", "€", "euro", "öre", ""])
AMOUNTS = st.builds(lambda sign, n, unit: f"{sign}{n} {unit}", st.sampled_from(["", "-", "−", "– "]), NUMBERS,
                    MONEY_WORDS)
ANY_TEXT = st.one_of(st.text(max_size=200), NUMBERS, AMOUNTS, st.text(alphabet=ALPHABET, max_size=200))
FAST = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def rules():
    return tagging.load(use_model=False)


@settings(max_examples=400, **FAST)
@given(ANY_TEXT)
def test_parse_amount_never_negative_unless_written_with_a_minus(text):
    try:
        value, currency, warnings = tagging.parse_amount(text)
    except ValueError:  # the documented answer for "no amount here"
        return
    assert currency in ("SEK", "EUR")
    assert all(isinstance(w, str) and "\n" not in w for w in warnings)
    if value < 0:
        assert any(m in text for m in MINUS), (text, value)


@settings(max_examples=400, **FAST)
@given(ANY_TEXT, st.sampled_from([None, "2024-12-13"]))
def test_parse_date_never_raises_and_gives_iso_dates(text, meeting):
    value = tagging.parse_date(text, meeting=meeting)
    dates = [] if value is None else [value] if isinstance(value, str) else [value["start"], value["end"]]
    for d in dates:
        assert len(d) == 10 and d[4] == d[7] == "-", (text, value)


@settings(max_examples=150, **FAST)
@given(st.lists(st.one_of(LINES, AMOUNTS, st.text(alphabet=ALPHABET, max_size=60)), max_size=30))
def test_tagging_any_text_keeps_offsets_and_signs(rules, lines):
    protocol = tagging.tag(parsers.parse(doc_from_text("\n".join(lines))), rules)
    for e in protocol.entities:
        if e.item_index is None:
            continue
        # the entity's item number; a number found twice is kept twice (with a warning)
        texts = [i.text for i in protocol.items if i.number == protocol.item_of(e).number]
        assert any(0 <= e.start <= e.end <= len(t) and t[e.start:e.end] == e.text for t in texts), e
        text = next(t for t in texts if t[e.start:e.end] == e.text)
        if e.label == "MONEY" and e.value is not None and e.value < 0:
            assert e.text[:1] in MINUS or text[max(0, e.start - 1):e.start] in MINUS, e


@settings(max_examples=200, **FAST)
@given(st.lists(st.one_of(LINES, st.text(alphabet=ALPHABET, max_size=60)), max_size=40))
def test_item_numbers_are_found_in_the_text(lines):
    text = "\n".join(lines)
    squeezed = "".join(text.split())
    for item in parsers.parse(doc_from_text(text)).items:
        assert "".join(item.number.split()) in squeezed, (item.number, text)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("invariants") / "props.db"
    return store.open(path), path


@settings(max_examples=60, **FAST)
@given(st.lists(st.one_of(LINES, AMOUNTS), min_size=1, max_size=40))
def test_stored_clause_offsets_lie_inside_their_item(db, lines):
    database, path = db
    text = "\n".join(lines)
    source = Source("generated.txt", hashlib.sha256(text.encode()).hexdigest(), "txt")
    protocol = parsers.parse(Document(source, tuple(text_blocks(text))))
    store.save(database, protocol)  # new bytes for the same path: replaces the previous example
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            "select c.text, c.start, c.[end], i.text from clauses c join items i on i.id = c.item_id"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) == sum(len(d.clauses) for i in protocol.items for d in i.decisions)
    for clause, start, end, item_text in rows:
        if start is None:  # a clause found only up to whitespace has no offsets
            assert end is None
            continue
        assert 0 <= start <= end <= len(item_text), (clause, start, end)
        # the span is the clause up to the spacing and case the parser normalised (store._find)
        assert " ".join(item_text[start:end].split()).lower() == " ".join(clause.split()).lower(), (clause, start)


def test_stored_entity_offsets_point_into_their_item(rules, tmp_path):
    text = "\n".join(["§ 12 Budget", "LSVO beslutar", "att godkänna", "§ 12 Budget", "LSVO beslutar",
                      "att anslå 500 kr till projektet"])
    source = Source("repeated.txt", hashlib.sha256(text.encode()).hexdigest(), "txt")
    protocol = tagging.tag(parsers.parse(Document(source, tuple(text_blocks(text)))), rules)
    assert [i.number for i in protocol.items] == ["12", "12"] and protocol.warnings
    assert any(e.label == "MONEY" for e in protocol.entities)
    store.save(store.open(tmp_path / "repeated.db"), protocol)
    con = sqlite3.connect(tmp_path / "repeated.db")
    try:
        rows = con.execute(
            "select e.text, e.start, e.[end], i.text from entities e join items i on i.id = e.item_id").fetchall()
        amounts = con.execute("select c.text, c.amount from clauses c order by c.item_id, c.position").fetchall()
    finally:
        con.close()
    assert rows
    for entity, start, end, item_text in rows:
        assert item_text[start:end] == entity, (entity, start, end, item_text)
    assert ("att anslå 500 kr till projektet", 500) in amounts


@pytest.mark.parametrize("line", ["0––1 kr", "E€–1 kr"])
def test_a_dash_glued_inside_a_word_is_not_a_minus_sign(rules, line):
    """Regression (found by the test above): the span grew to the whole token and kept
    the value -1, though no minus sign opens it."""
    protocol = tagging.tag(parsers.parse(doc_from_text("\n".join(["§ 12 Budget", "Val av justerare", line]))), rules)
    money = [e for e in protocol.entities if e.label == "MONEY"]
    assert [(e.value, e.currency) for e in money] == [(1, "SEK")]
