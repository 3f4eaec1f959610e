"""Properties of parsers.parse that must hold for any input (hypothesis)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protokoll import ingest, parsers
from protokoll.ingest.text import text_blocks
from protokoll.records import BLOCK_KINDS, TABLE_ROW, Block, Document, Source

ROOT = Path(__file__).resolve().parent
FILES = [
    *sorted((ROOT.parent / "samples").glob("lsvo*.md")),
    *sorted((ROOT.parent / "samples").glob("*.txt")),
    *sorted((ROOT.parent / "samples").glob("*.docx")),
    *sorted((ROOT / "data" / "layouts").glob("*.txt")),
]
SOURCE = Source("generated.txt", "0" * 64, "txt")
ALPHABET = "abcåäöABCÅÄÖ §0123456789.,:;()/-–•[]X\t\n" + "att beslutar "


def doc_from_text(text: str, markdown: bool = False) -> Document:
    return Document(SOURCE, tuple(text_blocks(text, markdown=markdown)))


def ws(text: str) -> str:
    return " ".join(text.split())


def clause_in(clause: str, text: str) -> bool:
    """The clause is a substring of the text up to whitespace ("Att" may be "att")."""
    c, t = ws(clause), ws(text)
    return c in t or (c[:1] in "aA" and (("A" + c[1:]) in t or ("a" + c[1:]) in t))


def check_clauses(protocol) -> None:
    for item in protocol.items:
        for d in item.decisions:
            assert d.clauses, item.number
            for c in d.clauses:
                assert clause_in(c, item.text), (item.number, c)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=400), st.booleans())
def test_any_text_parses(text, markdown):
    protocol = parsers.parse(doc_from_text(text, markdown))
    check_clauses(protocol)


blocks = st.builds(
    Block,
    kind=st.sampled_from(BLOCK_KINDS),
    text=st.text(alphabet=ALPHABET, max_size=80),
    page=st.one_of(st.none(), st.integers(1, 50)),
    level=st.one_of(st.none(), st.integers(0, 3)),
    number=st.one_of(st.none(), st.sampled_from(["1.", "-", "a)", "•"])),
    cells=st.lists(st.text(alphabet=ALPHABET, max_size=20), max_size=5).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(blocks, max_size=40))
def test_any_blocks_parse(bs):
    protocol = parsers.parse(Document(SOURCE, tuple(bs)))
    check_clauses(protocol)


# Protocol-shaped text: headers, openers, clauses (numbered, bulleted, bare, inline),
# wrapped lines and prose in random order.
LINES = st.sampled_from([
    "§ 12 Budget", "§ 7", "Val av justerare", "3 §", "4). Information (I/D)", "9 a/ Övrigt",
    "LSVO beslutar", "Kommunstyrelsen beslutar att anta planen, samt att ge nämnden i uppdrag",
    "Stadsstyrelsens beslut:", "Förslaget godkändes.", "1. Att utse Anna Berg att justera",
    "2. att justeringen sker digitalt", "- att godkänna rapporten", "att   medel inhämtas från följande:",
    "- 400 000 kr från aktivitet 964", "fortsättning av raden.", "Beslut", "Yrkanden",
    "Lars Berg (M) yrkar avslag.", "Omröstning", "Ledamot\tJa\tNej", "Anna Berg (S)\tX\t",
    "Reservation", "Eva Lind (M) reserverar sig.", "Beslutet skickas till", "- Ekonomi",
    "Jäv", "Per Ek (C) anmäler jäv.", "Protokollsanteckning", "Text som inte är något särskilt.",
    "Plats och tid: Stadshuset, den 3 mars 2024, kl. 9.00-12.00", "Bilaga 1", "1 § Parter",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=60))
def test_protocol_shaped_text(lines):
    check_clauses(parsers.parse(doc_from_text("\n".join(lines))))


@pytest.mark.parametrize("style", ["§ {n}", "{n} §", "{n}). Punkt"])
@settings(max_examples=60, deadline=None)
@given(numbers=st.lists(st.integers(1, 300), min_size=1, max_size=25))
def test_item_numbers_as_found(style, numbers):
    text = "\n".join(
        f"{style.format(n=n)}\nRubrik nummer {n}\nLSVO beslutar\natt göra punkt {n}" for n in numbers
    )
    protocol = parsers.parse(doc_from_text(text))
    assert [i.number for i in protocol.items] == [str(n) for n in numbers]
    irregular = any(b <= a or b > a + 1 for a, b in zip(numbers, numbers[1:]))
    assert bool(protocol.warnings) == irregular, protocol.warnings
    for item, n in zip(protocol.items, numbers):
        assert item.decisions[0].clauses == (f"att göra punkt {n}",)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sample_clauses_are_in_item_text(path):
    protocol = parsers.parse(ingest.read(path))
    assert protocol.items
    check_clauses(protocol)


def test_unknown_layout_warns():
    protocol = parsers.parse(doc_from_text("Lite text.\nMer text utan struktur."))
    assert protocol.items == ()
    assert any("no items" in w for w in protocol.warnings)


def test_table_of_contents_decides_items():
    text = "\n".join([
        "Innehållsförteckning", "Avtal\t§ 5/24", "Övrigt\t§ 6/24",
        "§ 5/24", "Avtal", "Bilaga: avtalet", "§ 1 Parter", "§ 2 Avtalstid",
        "§ 6/24", "Övrigt", "LSVO beslutar", "att avsluta mötet",
    ])
    protocol = parsers.parse(doc_from_text(text))
    assert [i.number for i in protocol.items] == ["5", "6"]
    assert "§ 1 Parter" in protocol.items[0].text


def test_clause_split_across_pages_is_joined():
    blocks = (
        Block("paragraph", "LSVO beslutar", page=1),
        Block("paragraph", "att ge förvaltningen i uppdrag att utreda", page=1),
        Block("paragraph", "frågan och återkomma i mars.", page=2),
        Block("paragraph", "att godkänna rapporten", page=2),
    )
    protocol = parsers.parse(Document(SOURCE, (Block("heading", "§ 3 Rapport", page=1), *blocks)))
    assert protocol.items[0].decisions[0].clauses == (
        "att ge förvaltningen i uppdrag att utreda frågan och återkomma i mars.",
        "att godkänna rapporten",
    )


def test_word_tab_clause_as_table_row():
    row = Block(TABLE_ROW, "att\tgodkänna dagordningen", cells=("att", "godkänna dagordningen"))
    doc = Document(SOURCE, (Block("paragraph", "1). Dagordning (B)"), Block("paragraph", "Samverkansgruppen beslutar"), row))
    item = parsers.parse(doc).items[0]
    assert item.kind == "decision"
    assert item.decisions[0].clauses == ("att godkänna dagordningen",)
    assert re.search(r"att godkänna dagordningen", item.text)
