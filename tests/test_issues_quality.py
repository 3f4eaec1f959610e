"""Issue 27: the document's kind, the item range its cover declares, and the parse-quality
record that Datasette lists as "documents that need a human look", worst first.

Built from real documents: the corpus in ../shared/corpus/ (tests that need it are
skipped where it is missing) and the samples; the cover lines in the tables are copied
from those documents (the source of each is named beside it).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from protokoll import export, ingest, parsers, serve, store
from protokoll.cli import cli
from protokoll.parsers import quality

ROOT = Path(__file__).resolve().parent
SAMPLES = ROOT.parent / "samples"
EXPECTED = ROOT / "data" / "corpus"
CORPUS = ROOT.parent.parent / "shared" / "corpus"
corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/ is not here (a clone without it)")

AGENDA = "nykarleby/stadsstyrelsen_foredragningslista_26_09_2022_16_30_140208.pdf"
KF = "lomma/KF-2023-03-02.txt"
NYKARLEBY = "nykarleby/personalsektionen_protokoll_28_03_2023_15_00_159076.pdf"


def parse_text(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parsers.parse(ingest.read(path))


# --- document kind -------------------------------------------------------------------


@corpus
@pytest.mark.parametrize("source, kind", [
    (AGENDA, "agenda"),  # "Föredragningslista" on its cover
    (KF, "protocol"),  # "SAMMANTRÄDESPROTOKOLL"; "Utdragsbestyrkande" boxes on every page
    (NYKARLEBY, "protocol"),  # "Protokoll 2/2023"; item "Godkännande av föredragningslistan"
    ("riksbank/pro_penningpol_120417.pdf", "protocol"),  # "PENNINGPOLITISKT PROTOKOLL"
])
def test_kind_from_the_documents_own_title(source, kind):
    assert parsers.parse(ingest.read(CORPUS / source)).kind == kind


def test_a_sample_protocol_is_a_protocol():
    assert parsers.parse(ingest.read(SAMPLES / "lsvo-2024-12-13.md")).kind == "protocol"


@corpus
def test_kind_and_declared_range_of_every_corpus_document():
    for exp in sorted(EXPECTED.glob("*/*.json")):
        want = json.loads(exp.read_text(encoding="utf-8"))
        p = parsers.parse(ingest.read(CORPUS / want["source"]))
        assert p.kind == want["kind"], want["source"]
        assert (list(p.declared) if p.declared else None) == want["declared"], want["source"]


def _one_item_of(source: str) -> str:
    """The real cover lines and first item of a corpus protocol, as text."""
    text = (CORPUS / source).read_text(encoding="utf-8")
    return text[: text.index("KF § 26")]


@corpus
@pytest.mark.parametrize("title, kind", [
    ("PROTOKOLLSUTDRAG", "extract"),
    ("Utdrag ur protokoll", "extract"),
    ("KALLELSE", "agenda"),
    ("Kallelse till sammanträde", "agenda"),
    ("Föredragningslista", "agenda"),
    ("SAMMANTRÄDESPROTOKOLL", "protocol"),
])
def test_the_title_on_the_cover_decides(tmp_path, title, kind):
    """A real protocol's cover with its title ("SAMMANTRÄDESPROTOKOLL") replaced."""
    text = _one_item_of(KF)
    assert "SAMMANTRÄDESPROTOKOLL" in text
    assert parse_text(tmp_path, text.replace("SAMMANTRÄDESPROTOKOLL", title, 1)).kind == kind


@corpus
def test_an_extract_is_known_by_its_certification(tmp_path):
    text = _one_item_of(KF) + "\nUtdragets riktighet bestyrkes\nMaria Zingmark\n"
    assert parse_text(tmp_path, text).kind == "extract"
    assert parse_text(tmp_path, _one_item_of(KF)).kind == "protocol"


@corpus
def test_an_agendas_blocks_are_proposals():
    p = parsers.parse(ingest.read(CORPUS / AGENDA))
    kinds = [d.kind for it in p.items for d in it.decisions]
    assert kinds and set(kinds) == {"proposal"}
    assert p.meeting.body == "Stadsstyrelsen"  # still known from "Stadsstyrelsens beslut:"


# --- the range the cover declares ---------------------------------------------------


@pytest.mark.parametrize("lines, declared", [
    (["Paragrafer: § 1 - § 3"], ("1", "3")),  # lomma/BUN_2023-01-10
    (["Paragraf: § 26 - § 40"], ("26", "40")),  # lomma/BUN_2023-05-16
    (["Paragrafer:\t§1-§12"], ("1", "12")),  # lomma/KS_2025-01-22 (label and value cells)
    (["Paragraf:\t§ 20-§ 30"], ("20", "30")),  # lomma/KFN_2025-05-19
    (["Paragraf: §91-§125"], ("91", "125")),  # lomma/KF-2022-12-01
    (["Paragraf:                           Digital justering, 2024-05-31", "",
      "                                    §53-§71"], ("53", "71")),  # lomma/KF-2024-05-30
    (["Ärenden 13-24"], ("13", "24")),  # nykarleby personalsektionen 28.3.2023
    (["Ärenden §§ 15-38"], ("15", "38")),  # nykarleby personalsektionen 29.5.2023
    (["Ärenden 10§–19§"], ("10", "19")),  # nykarleby rådet för funktionshindrade
    (["Ärenden 16 – 22 §"], ("16", "22")),  # nykarleby ungdomsfullmäktige 9.5.2023
    (["Underskrifter Sekreterare ........................ Paragrafer 1-12"], ("1", "12")),  # hogsby
    (["Paragrafer §27-§45"], ("27", "45")),  # the example
    (["§§ 88–92"], ("88", "92")),  # the example
    (["Ärenden som skall behandlas"], None),  # nykarleby föredragningslista
    (["Paragraf:\tDigital justering, 2024-06-25"], None),  # lomma/BUN_2024-06-18, without its range
    (["Fredrik Karström (M), Ordförande, §§ 2–3"], None),  # lomma/BUN_2023-01-10: who attended
    (["Thomas Eneström §§ 33-45"], None),  # lomma/BUN_2024-06-18: a justerare's items
])
def test_declared_range_from_real_cover_lines(tmp_path, lines, declared):
    text = "KOMMUNSTYRELSEN\n\n" + "\n".join(lines) + "\n\nNärvarande ledamöter\nAnna Berg (M)\n"
    assert parse_text(tmp_path, text).declared == declared


def test_the_self_check_counts_missing_extra_repeated_and_undecided():
    q = quality.check(["13", "14", "14", "16", "3a", "25"], [True, True, True, False, True, False],
                      declared=("13", "17"), warnings=("OCR (Tesseract, Swedish) on 1 of 5 pages",))
    assert q.missing == ("15", "17") and q.extra == ("3a", "25") and q.repeated == ("14",)
    assert q.undecided == ("16", "25") and q.declared_count == 5 and q.found == 6
    assert q.score == 3 * (2 + 2 + 1) + 2 + 1
    clean = quality.check(["1", "2", "3a", "3b"], [True] * 4, declared=("1", "3"))
    assert clean.score == 0 and not clean.missing and not clean.extra
    assert quality.check([], [], declared=None).score == quality.NO_ITEMS


# --- stored, and shown worst first ----------------------------------------------------


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory):
    """`protokoll ingest` of a folder with a real protocol, a real agenda, a real
    Nykarleby protocol and a file that cannot be read."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/ is not here (a clone without it)")
    root = tmp_path_factory.mktemp("quality")
    archive = root / "archive"
    archive.mkdir()
    for source in (KF, AGENDA, NYKARLEBY):
        shutil.copy(CORPUS / source, archive / Path(source).name)
    (archive / "trasig.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    db = root / "arkiv.db"
    r = CliRunner().invoke(cli, ["ingest", str(archive), "--db", str(db), "--no-tag", "-w", "1"])
    assert r.exit_code == 1, r.output  # one file failed
    return db


def test_every_stored_document_has_a_quality_row(archive_db):
    con = sqlite3.connect(archive_db)
    rows = {Path(path).name: (kind, qkind, score, first, last, found, missing, reasons) for
            path, kind, qkind, score, first, last, found, missing, reasons in con.execute(
                "SELECT d.path, d.kind, q.kind, q.score, q.declared_first, q.declared_last, q.found, "
                "q.missing, q.reasons FROM documents d JOIN quality q ON q.document_id = d.id")}
    assert set(rows) == {Path(s).name for s in (KF, AGENDA, NYKARLEBY)}
    assert rows[Path(KF).name] == ("protocol", "protocol", 0, "24", "30", 7, "[]", "")
    agenda = rows[Path(AGENDA).name]
    assert agenda[:2] == ("agenda", "agenda") and agenda[2] > 0 and agenda[3] is None
    nyk = rows[Path(NYKARLEBY).name]
    assert nyk[:2] == ("protocol", "protocol") and nyk[3:5] == ("13", "24") and nyk[2] > 0
    assert con.execute("SELECT count(*) FROM documents WHERE status = 'failed' AND kind IS NULL").fetchone() == (1,)


def test_an_agenda_never_enters_the_decision_register(archive_db):
    db = store.open(archive_db)
    agenda_id = db.execute("SELECT id FROM documents WHERE kind = 'agenda'").fetchone()[0]
    assert db.execute(
        "SELECT count(*) FROM clauses JOIN decisions ON decisions.id = clauses.decision_id "
        "JOIN items ON items.id = decisions.item_id JOIN meetings ON meetings.id = items.meeting_id "
        "WHERE meetings.document_id = ?", [agenda_id]).fetchone()[0] > 0  # its proposals are stored
    register = export.register(db)
    assert register and not [r for r in register if r["source"].endswith(Path(AGENDA).name)]
    assert {r["source"] for r in register} >= {str(p) for (p,) in db.execute(
        "SELECT path FROM documents WHERE kind = 'protocol' AND path LIKE '%KF-2023-03-02.txt'")}


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def test_datasette_lists_the_documents_that_need_a_look_worst_first(archive_db):
    ds = serve.datasette(archive_db)
    r = get(ds, "/arkiv/documents_to_check.json?_shape=array")
    assert r.status_code == 200, r.text
    rows = r.json()
    names = [Path(row["source"]).name for row in rows]
    scores = [row["score"] for row in rows]
    assert names[0] == "trasig.pdf" and rows[0]["status"] == "failed"  # worst: not read at all
    assert set(names) == {"trasig.pdf", Path(AGENDA).name, Path(NYKARLEBY).name}  # KF is fine
    assert scores == sorted(scores, reverse=True) and min(scores) > 0
    html = get(ds, "/arkiv/documents_to_check").text
    assert "Dokument att granska" in html and html.index("trasig.pdf") < html.index(Path(NYKARLEBY).name)
    canned = get(ds, "/arkiv/granska.json?body=&_shape=array").json()
    assert [Path(row["source"]).name for row in canned] == names
    assert all(row["reasons"] for row in canned)


def test_a_database_from_before_the_quality_table_opens_and_gets_rows(tmp_path):
    path = tmp_path / "old.db"
    db = store.open(path)
    store.save(db, parsers.parse(ingest.read(SAMPLES / "aldras.txt")))
    db.execute("DROP VIEW documents_to_check")
    db.execute("DROP VIEW decision_register")  # it reads documents.kind; version 3 had its own
    db.execute("DROP TABLE quality")
    db.execute("ALTER TABLE documents DROP COLUMN kind")
    db.execute("UPDATE _meta SET value = '3' WHERE key = 'schema_version'")
    db.conn.commit()
    db.close()
    db = store.open(path)  # schema 3 -> 4
    assert store.schema_version(db) == store.SCHEMA_VERSION
    (found, first, kind), = db.execute("SELECT found, declared_first, kind FROM quality").fetchall()
    assert found == db["items"].count > 0 and first is None and kind is None
    assert db.execute("SELECT count(*) FROM decision_register").fetchone()[0] > 0
