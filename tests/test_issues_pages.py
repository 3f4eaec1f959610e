"""Page links point to the clause (issue 28): a clause's "s. N" is the page it stands on.

Real files, read by the real ingest and parser, saved by the real store; the pages below
were read by eye in the documents (``pdftotext -layout -f N -l N``, ``pdftoppm -r 60``,
and for layout text the form-feed-separated pages).
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from pathlib import Path

import pytest

from protokoll import ingest, parsers, serve, store
from protokoll.records import Protocol, to_dict
from test_issues_ocr import _pdf as scanned_pdf

ROOT = Path(__file__).resolve().parent
SAMPLES = ROOT.parent / "samples"
CORPUS = ROOT.parent.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/ is not here (a clone without it)")
LSVO = SAMPLES / "lsvo-2024-12-13.pdf"


@pytest.fixture(scope="module")
def lsvo() -> Protocol:
    return parsers.parse(ingest.read(LSVO))


def saved(tmp_path: Path, *protocols: Protocol, name: str = "protokoll.db") -> Path:
    path = tmp_path / name
    db = store.open(path)
    for p in protocols:
        store.save(db, p)
    db.close()
    return path


def register(path: Path, where: str = "1", args=()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            f"SELECT paragraph, clause, page FROM decision_register WHERE {where} "
            "ORDER BY item_position, decision_position, clause_position", args).fetchall()


def pages_of(rows, start: str) -> list[int]:
    return [page for _, clause, page in rows if clause.startswith(start)]


# --- the sample: § 97/24 starts on page 3 and runs to page 15 --------------------------

def test_lsvo_600000_decisions_link_to_pages_11_and_14(tmp_path, lsvo):
    # pdftotext -layout -f 11 -l 11: under "För regionens 0,50 årsarbetare:" "LSVO beslutar
    # att rekommendera regiondirektören att tillsätta medel på 600 000 kr till regionanställd
    # Programledare …"; -f 14 -l 14: the same words twice, "… 600 000 kr till regionanställd
    # Projektledare …" and "… 600 000 kr till kommunanställd Projektledare …". Page 3 has
    # only the heading "§ 97/24" and its introduction.
    rows = register(saved(tmp_path, lsvo), "paragraph = '§ 97/24'")
    assert pages_of(rows, "att rekommendera regiondirektören att tillsätta medel på 600 000 kr") == [11, 14, 14]
    # "att medel rekvideras av Region Blekinge, område Nära vård." stands twice: page 11 (the
    # regional programme leader) and page 14 (the regional project leader); the second is
    # its own place, not the first one's.
    assert pages_of(rows, "att medel rekvideras av Region Blekinge, område Nära vård") == [11, 14]
    # Page 12: "att 246 096 kr rekvireras av" six municipalities and the region.
    assert pages_of(rows, "att 246 096 kr rekvireras av") == [12] * 6
    # The last clause of § 97, "att medel rekvireras av Karlshamns kommun.", opens page 15.
    assert rows[-1][1:] == ("att medel rekvireras av Karlshamns kommun.", 15)
    # § 95/24 and § 96/24 stand whole on page 3.
    assert register(saved(tmp_path, lsvo, name="b.db"), "paragraph IN ('§ 95/24', '§ 96/24')") == [
        ("§ 95/24", "att godkänna för sammanträdet upprättad föredragningslista", 3),
        ("§ 96/24", "att godkänna protokoll för LSVO 2024-09-27", 3),
    ]


def test_item_keeps_the_page_of_its_heading(tmp_path, lsvo):
    path = saved(tmp_path, lsvo)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT page FROM items WHERE label = '§ 97/24'").fetchone() == (3,)
        pages = conn.execute(
            "SELECT min(c.page), max(c.page) FROM clauses c JOIN items i ON i.id = c.item_id "
            "WHERE i.label = '§ 97/24'").fetchone()
    assert pages == (11, 15)


def test_item_maps_its_text_to_pages(lsvo):
    item = next(it for it in lsvo.items if it.label == "§ 97/24")
    # The text's first line is on page 3 (the heading's page), and each of pages 4-15 starts
    # a line further on: 13 pages, offsets rising.
    assert item.pages[0] == (0, 3)
    assert [p for _, p in item.pages] == list(range(3, 16))
    assert [o for o, _ in item.pages] == sorted(o for o, _ in item.pages)
    at = item.text.index("regionanställd Programledare för Uppdrag Psykisk hälsa")
    assert item.page_at(at) == 11
    assert item.page_at(len(item.text) - 1) == 15
    # to_dict / from_dict keep the map (the JSON of `protokoll parse --json`).
    assert Protocol.from_dict(to_dict(lsvo)) == lsvo


def test_formats_without_pages_have_no_clause_pages(tmp_path):
    p = parsers.parse(ingest.read(SAMPLES / "lsvo-2024-12-13.docx"))
    assert all(it.pages == () for it in p.items)
    rows = register(saved(tmp_path, p))
    assert rows and {page for *_, page in rows} == {None}
    with sqlite3.connect(tmp_path / "protokoll.db") as conn:
        assert conn.execute("SELECT count(*) FROM clauses WHERE page IS NOT NULL").fetchone() == (0,)


def test_without_clause_pages_the_register_falls_back_to_the_item_page(tmp_path, lsvo):
    # A protocol parsed before items had page maps (e.g. JSON of an older `parse --json`).
    old = dataclasses.replace(lsvo, items=tuple(
        dataclasses.replace(it, pages=(), decisions=tuple(dataclasses.replace(d, page=None) for d in it.decisions))
        for it in lsvo.items))
    rows = register(saved(tmp_path, old), "paragraph = '§ 97/24'")
    assert {page for *_, page in rows} == {3}


def test_an_older_database_gets_the_column_and_falls_back(tmp_path, lsvo):
    path = saved(tmp_path, lsvo)
    with sqlite3.connect(path) as conn:  # as a database made before clauses had pages
        conn.execute("DROP VIEW decision_register")
        conn.execute("ALTER TABLE clauses DROP COLUMN page")
        conn.execute("UPDATE _meta SET value = '3' WHERE key = 'schema_version'")
    store.open(path).close()
    with sqlite3.connect(path) as conn:
        assert "page" in [r[1] for r in conn.execute("PRAGMA table_info(clauses)")]
    rows = register(path, "paragraph = '§ 97/24'")
    assert len(rows) == 40 and {page for *_, page in rows} == {3}


# --- Datasette: the source link of a register row ----------------------------------------

def test_register_source_link_opens_the_clause_page(tmp_path, lsvo):
    path = saved(tmp_path, lsvo)
    with sqlite3.connect(path) as conn:
        doc = conn.execute("SELECT id FROM documents").fetchone()[0]
    ds = serve.datasette(path, archive=SAMPLES)
    html = asyncio.run(ds.client.get(
        "/protokoll/decision_register?paragraph=%C2%A7+97%2F24&clause__contains=600+000+kr+till")).text
    # The three "… 600 000 kr till …" clauses: pages 11, 14, 14 (see the first test).
    assert html.count(f'href="/-/source/protokoll/{doc}#page=11"') == 1
    assert html.count(f'href="/-/source/protokoll/{doc}#page=14"') == 2
    assert "#page=3" not in html
    assert f"{LSVO.name}, s. 14</a>" in html  # the cell's label: the file and the clause's page


# --- scanned pages: OCR keeps the page of each line --------------------------------------

def _scan(src: Path, pages: list[int]) -> bytes:
    """Pages (0-based) of ``src`` rendered as a scanner gives them: 150 dpi greyscale JPEG."""
    return scanned_pdf(src, pages, scan=True)


@pytest.mark.slow
def test_scanned_pages_give_clause_pages(tmp_path):
    # aldras.pdf: item "4). Trygg och säker in-och utskrivning" is headed at the foot of
    # page 2; its one decision "att stå bakom förslaget om de nya uppdaterade
    # Blekingerutinerna …" stands on page 4. Scanned pages 2-4 are pages 1-3 of the scan.
    scan = tmp_path / "aldras-2-4.pdf"
    scan.write_bytes(_scan(SAMPLES / "aldras.pdf", [1, 2, 3]))
    doc = ingest.read(scan)
    assert any("OCR" in w for w in doc.warnings)
    p = parsers.parse(doc)
    rows = register(saved(tmp_path, p), "paragraph = '4).'")
    assert [(clause[:30], page) for _, clause, page in rows] == [("att stå bakom förslaget om de ", 3)]
    with sqlite3.connect(tmp_path / "protokoll.db") as conn:
        assert conn.execute("SELECT page FROM items WHERE label = '4).'").fetchone() == (1,)


# --- the corpus: long items of real protocols --------------------------------------------

def corpus_register(tmp_path: Path, name: str) -> Path:
    return saved(tmp_path, parsers.parse(ingest.read(CORPUS / name)), name=Path(name).stem + ".db")


@needs_corpus
def test_lomma_layout_text_clause_pages(tmp_path):
    # Layout text, pages split by form feeds (page N = the N-th form-feed-separated part).
    # KF-2023-10-26: "KF § 102  KS KF/2023:109" heads page 13; the budget decision's points
    # ("- Kommunfullmäktige fastställer budget för år 2024 …" to "… skattesatsen för år 2024
    # fastställs till 19,64 procent.") all stand on page 26, and nowhere on pages 13-25.
    rows = register(corpus_register(tmp_path, "lomma/KF-2023-10-26.txt"), "paragraph = 'KF § 102'")
    assert len(rows) == 9 and {page for *_, page in rows} == {26}
    # BUN_2024-02-06: "BUN § 11" heads page 17; the yrkanden and votes fill pages 17-19; the
    # four decisions "- Att avslå förslaget att …" stand on page 20.
    rows = register(corpus_register(tmp_path, "lomma/BUN_2024-02-06.txt"), "paragraph = 'BUN § 11'")
    assert pages_of(rows, "att avslå förslaget") == [20] * 4
    # KS_2025-01-22: "KS § 9" heads page 15; "- att godkänna bilagt förslag till köpeavtal …"
    # and the two "tillägg" clauses stand on page 16.
    rows = register(corpus_register(tmp_path, "lomma/KS_2025-01-22.txt"), "paragraph = 'KS § 9'")
    assert pages_of(rows, "att godkänna bilagt förslag") == [16] * 3


@needs_corpus
@pytest.mark.slow
def test_nykarleby_clause_pages_on_ocr_patched_pages(tmp_path):
    # personalsektionen 28.03.2023: pages 43 and 44 have a garbled text layer (their words
    # read by OCR). Rendered: page 43 (printed "Sida 40") heads "24 § Anhållan om individuellt
    # tillägg …" and holds the first treatment (24.10.2022), whose proposal is the same
    # "Personalsektionen godkänner anhållan." Page 44 ("Sida 41") holds this meeting's
    # treatment (28.3.2023): "Stadsdirektör Martin Norrgårds förslag: Personalsektionen
    # godkänner anhållan." and "Personalsektionens beslut: Stadsdirektörens förslag godkändes."
    path = corpus_register(tmp_path, "nykarleby/personalsektionen_protokoll_28_03_2023_15_00_159076.pdf")
    assert register(path, "paragraph = '24 §'") == [
        ("24 §", "Personalsektionen godkänner anhållan.", 44),
        ("24 §", "Stadsdirektörens förslag godkändes.", 44),
    ]
    # "17 § Uppvaktningar och gåvor" heads page 10; the proposal "Personalsektionen antecknar
    # ärendet för kännedom." is the last line of page 10, the decision "Ärendet antecknades
    # för kännedom." the first of page 11.
    assert [page for *_, page in register(path, "paragraph = '17 §'")] == [10, 11]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT page FROM items WHERE label = '24 §'").fetchone() == (43,)
