"""The last day to appeal a decision (issue 31): the ANSLAG/BEVIS block, OJ items, the date
rule of kommunallagen 13 kap. 5 § with lag (1930:173), the store, the register, the export
and the canned query "beslut som fortfarande kan överklagas" on a real Datasette server.

Every expected date below was worked out by hand from the calendar and the documents: the
posting day + 21 days (three weeks: same weekday), then the next working day where that
day is a Saturday, Sunday, public holiday, midsommarafton, julafton or nyårsafton.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from protokoll import appeal, export, ingest, parsers, pipeline, store
from protokoll.background import serving
from protokoll.parsers import posting as posting_parser
from protokoll.parsers.lines import Line
from protokoll.records import Item, Posting, Protocol, to_dict
from protokoll.store.migrations import NOT_READ

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "appeal"
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not (CORPUS / "lomma").is_dir(), reason="no shared corpus")
# tests/data/appeal/ks-oj.txt: KS 2025-03-12, posted 2025-03-19 (a Wednesday); § 31 marked
# "OJ" beside its heading, § 32 "att paragrafen förklaras omedelbart justerad".
OJ_FIXTURE = DATA / "ks-oj.txt"
# tests/data/appeal/sn-midsommar.txt: SN 2025-05-27, its ANSLAGSBEVIS on the last page,
# "Datum då anslaget sätts upp: 2025-05-30" (a Friday).
MIDSUMMER_FIXTURE = DATA / "sn-midsommar.txt"


# --- the date rule ---------------------------------------------------------------------

@pytest.mark.parametrize("posted, last", [
    # Wed 2024-10-30 + 3 weeks = Wed 2024-11-20, a working day.
    ("2024-10-30", "2024-11-20"),
    # Fri 2024-05-31 + 21 = Fri 2024-06-21 midsommarafton; Sat 22 midsommardagen, Sun 23 -> Mon 24.
    ("2024-05-31", "2024-06-24"),
    # Fri 2025-05-30 + 21 = Fri 2025-06-20 midsommarafton; Sat 21 midsommardagen, Sun 22 -> Mon 23.
    ("2025-05-30", "2025-06-23"),
    # Sat 2025-05-31 + 21 = Sat 2025-06-21 midsommardagen; Sun 22 -> Mon 2025-06-23.
    ("2025-05-31", "2025-06-23"),
    # Tue 2024-12-03 + 21 = Tue 2024-12-24 julafton; 25 juldagen, 26 annandag jul -> Fri 2024-12-27.
    ("2024-12-03", "2024-12-27"),
    # Wed 2024-12-04 + 21 = Wed 2024-12-25 juldagen; 26 annandag jul -> Fri 2024-12-27.
    ("2024-12-04", "2024-12-27"),
    # Tue 2024-12-10 + 21 = Tue 2024-12-31 nyårsafton; Wed 2025-01-01 nyårsdagen -> Thu 2025-01-02.
    ("2024-12-10", "2025-01-02"),
    # Fri 2025-03-28 + 21 = Fri 2025-04-18 långfredagen; Sat 19, Sun 20 påskdagen,
    # Mon 21 annandag påsk -> Tue 2025-04-22.
    ("2025-03-28", "2025-04-22"),
    # Mon 2024-03-11 + 21 = Mon 2024-04-01 annandag påsk -> Tue 2024-04-02.
    ("2024-03-11", "2024-04-02"),
    # Thu 2025-03-27 + 21 = Thu 2025-04-17 skärtorsdagen: a working day (not a helgdag).
    ("2025-03-27", "2025-04-17"),
    # Fri 2023-12-15 + 21 = Fri 2024-01-05 trettondagsafton: a working day.
    ("2023-12-15", "2024-01-05"),
    # Mon 2024-12-16 + 21 = Mon 2025-01-06 trettondedag jul -> Tue 2025-01-07.
    ("2024-12-16", "2025-01-07"),
    # Tue 2024-04-09 + 21 = Tue 2024-04-30 valborgsmässoafton: a working day.
    ("2024-04-09", "2024-04-30"),
    # Wed 2024-04-10 + 21 = Wed 2024-05-01 första maj -> Thu 2024-05-02.
    ("2024-04-10", "2024-05-02"),
    # Thu 2025-05-08 + 21 = Thu 2025-05-29 Kristi himmelsfärdsdag -> Fri 2025-05-30.
    ("2025-05-08", "2025-05-30"),
    # Fri 2025-05-16 + 21 = Fri 2025-06-06 nationaldagen; Sat, Sun -> Mon 2025-06-09.
    ("2025-05-16", "2025-06-09"),
    # Sat 2024-11-02 (alla helgons dag) + 21 = Sat 2024-11-23; Sun -> Mon 2024-11-25.
    ("2024-11-02", "2024-11-25"),
])
def test_the_last_day_is_three_weeks_on_or_the_next_working_day(posted, last):
    assert appeal.last_day(posted) == last
    assert appeal.last_day(datetime.date.fromisoformat(posted)) == last


def test_the_calendar_is_the_public_holidays_and_the_three_eves_of_lag_1930_173():
    import holidays

    assert set(appeal.CATEGORIES) <= set(holidays.SE.supported_categories)
    eves = holidays.SE(years=2025, categories=("de_facto",))
    assert sorted(eves) == [datetime.date(2025, 6, 20), datetime.date(2025, 12, 24), datetime.date(2025, 12, 31)]
    assert not appeal.is_working_day(datetime.date(2025, 6, 20))  # midsommarafton
    assert appeal.is_working_day(datetime.date(2025, 4, 30))  # valborgsmässoafton (bank: from 2 pm)


@pytest.mark.parametrize("body, municipal", [
    ("Kommunfullmäktige", True), ("Kommunstyrelsen", True), ("Barn- och utbildningsnämnden", True),
    ("Regionstyrelsen", True), ("Regionfullmäktige", True), ("Kommunstyrelsens arbetsutskott", True),
    ("BUN", True), (None, True), ("Förbundsdirektionen", True),
    ("Direktionen", False), ("Samverkansgruppen", False), ("Ungdomsfullmäktige", False),
])
def test_which_bodies_decisions_can_be_appealed(body, municipal):
    assert appeal.municipal(body) is municipal


def test_an_oj_items_own_posting_gives_its_own_last_day():
    protocol = ("2025-04-09", None)
    assert appeal.item_deadline(protocol, Item(number="30", label="§ 30")) == protocol
    assert appeal.item_deadline(protocol, Item(number="31", label="§ 31", immediate=True)) == (None, appeal.IMMEDIATE)
    # Thu 2025-03-13 + 21 = Thu 2025-04-03.
    own = Item(number="31", label="§ 31", immediate=True, posted="2025-03-13")
    assert appeal.item_deadline(protocol, own) == ("2025-04-03", None)
    assert appeal.item_deadline((None, appeal.NOT_MUNICIPAL), own) == (None, appeal.NOT_MUNICIPAL)


# --- the parser on real protocols ------------------------------------------------------

def parse(path: Path):
    return parsers.parse(ingest.read(path))


@needs_corpus
@pytest.mark.parametrize("name, posted, taken_down, kept_at, last", [
    # "Anslaget sätts upp: 2024-10-30" (Wed) -> Wed 2024-11-20.
    ("KF-2024-10-24.txt", "2024-10-30", "2024-11-21", "Lomma kommun", "2024-11-20"),
    # Fri 2024-05-31 -> Fri 2024-06-21 is midsommarafton -> Mon 2024-06-24 (the notice itself
    # came down on Saturday 2024-06-22, after its three weeks).
    ("KF-2024-05-30.txt", "2024-05-31", "2024-06-22", "Lomma kommun", "2024-06-24"),
    # Older layout: "Datum när anslaget sätts upp: 2023-01-19" (Thu) -> Thu 2023-02-09.
    ("BUN_2023-01-10.txt", "2023-01-19", "2023-02-10", "Kommunhuset i Lomma", "2023-02-09"),
    # Thu 2024-06-27 -> Thu 2024-07-18.
    ("BUN_2024-06-18.txt", "2024-06-27", "2024-07-19", "Lomma kommun", "2024-07-18"),
    # Wed 2023-12-20 -> Wed 2024-01-10 (over Christmas: the last day itself is a working day).
    ("SN_2023-12-12.txt", "2023-12-20", "2024-01-11", "Lomma kommun", "2024-01-10"),
    # Thu 2022-12-08 -> Thu 2022-12-29.
    ("KF-2022-12-01.txt", "2022-12-08", "2022-12-30", "Kommunhuset i Lomma", "2022-12-29"),
    # Mon 2025-02-10 -> Mon 2025-03-03.
    ("KFN_2025-02-03.txt", "2025-02-10", "2025-03-04", "Lomma kommun", "2025-03-03"),
    # Wed 2025-04-30 -> Wed 2025-05-21.
    ("KS_2025-04-23.txt", "2025-04-30", "2025-05-22", "Lomma kommun", "2025-05-21"),
])
def test_the_posting_of_lomma_protocols(name, posted, taken_down, kept_at, last):
    p = parse(CORPUS / "lomma" / name)
    assert p.posting == Posting(posted=posted, taken_down=taken_down, kept_at=kept_at)
    assert appeal.deadline(p) == (last, None)
    assert not any(it.immediate for it in p.items)


@needs_corpus
def test_every_lomma_protocol_states_its_posting():
    files = sorted((CORPUS / "lomma").glob("*.txt"))
    assert len(files) == 23
    for path in files:
        p = parse(path)
        assert p.posting and p.posting.posted and p.posting.kept_at, path.name
        # Lomma takes the notice down the day after the three weeks (posted + 22 days).
        posted = datetime.date.fromisoformat(p.posting.posted)
        assert p.posting.taken_down == (posted + datetime.timedelta(days=22)).isoformat(), path.name


@needs_corpus
def test_hogsby_form_with_labels_broken_over_lines():
    # "Datum för | Datum för" / "anslags uppsättande 2007-01-11 anslags nedtagande 2007-02-01" /
    # "Förvaringsplats" / "för protokollet Kommunhuset, Högsby". Thu 2007-01-11 -> Thu 2007-02-01.
    p = parse(CORPUS / "hogsby" / "hogsby-ks-2007-01-08.pdf")
    assert p.posting == Posting(posted="2007-01-11", taken_down="2007-02-01", kept_at="Kommunhuset, Högsby")
    assert appeal.deadline(p) == ("2007-02-01", None)


@needs_corpus
def test_no_appeal_for_the_riksbank_nor_nykarleby():
    riksbank = parse(CORPUS / "riksbank" / "protokoll-fran-det-penningpolitiska-motet-den-19-mars-2025.pdf")
    assert riksbank.posting is None
    assert appeal.deadline(riksbank) == (None, appeal.NOT_MUNICIPAL)
    # "Denna paragraf förklaras omedelbart justerad." (§ 4, the policy rate decision)
    assert [it.number for it in riksbank.items if it.immediate] == ["4"]
    # Finland: another law, no notice of justering in the protocol.
    nykarleby = parse(CORPUS / "nykarleby" / "valfardsnamnden_protokoll_15_09_2022_18_00_139758.pdf")
    assert nykarleby.posting is None
    assert appeal.deadline(nykarleby) == (None, appeal.NO_POSTING)


def test_the_samples_state_no_posting():
    lsvo = parse(SAMPLES / "lsvo-2024-12-13.md")
    assert lsvo.posting is None and appeal.deadline(lsvo) == (None, appeal.NO_POSTING)
    aldras = parse(SAMPLES / "aldras.txt")
    assert aldras.posting is None and appeal.deadline(aldras) == (None, appeal.NOT_MUNICIPAL)


def test_oj_items_in_the_fixture():
    p = parse(OJ_FIXTURE)
    assert p.posting == Posting(posted="2025-03-19", taken_down="2025-04-10", kept_at="Kommunhuset")
    assert [(it.number, it.immediate) for it in p.items] == [("30", False), ("31", True), ("32", True)]
    # Wed 2025-03-19 + 21 = Wed 2025-04-09.
    deadline = appeal.deadline(p)
    assert deadline == ("2025-04-09", None)
    assert [appeal.item_deadline(deadline, it) for it in p.items] == [
        ("2025-04-09", None), (None, appeal.IMMEDIATE), (None, appeal.IMMEDIATE)]
    # The JSON of `protokoll parse --json` (and of a stored reading) gives them back.
    again = Protocol.from_dict(json.loads(json.dumps(to_dict(p))))
    assert again == p and again.posting == p.posting and again.items[1].immediate


def test_a_notice_on_the_last_page_before_a_midsummer_weekend():
    p = parse(MIDSUMMER_FIXTURE)
    assert p.posting == Posting(posted="2025-05-30", taken_down="2025-06-24",
                                kept_at="Socialförvaltningen, Kommunhuset")
    assert appeal.deadline(p) == ("2025-06-23", None)


@pytest.mark.parametrize("lines, want", [
    (["Anslaget sätts upp:\t2024-10-30", "Anslaget tas ned:\t2024-11-21"], Posting("2024-10-30", "2024-11-21")),
    (["Datum då anslaget sätts upp", "2024-10-30", "Förvaringsplats för protokollet:", "Stadshuset"],
     Posting("2024-10-30", None, "Stadshuset")),
    (["Justeringen har tillkännagivits genom anslag den 30 oktober 2024"], Posting("2024-10-30")),
    (["Justeringen har tillkännagivits genom anslag på kommunens anslagstavla."], None),
    (["Investeringsanslaget tas ned med 2 mnkr 2025-01-01."], None),
])
def test_posting_phrasings(lines, want):
    assert posting_parser.posting([Line(t, "paragraph") for t in lines]) == want


@pytest.mark.parametrize("heading, text, oj", [
    ("KS § 31 OJ", "", True), ("§ 12 (OJ)", "", True), ("§ 12 Ojämlikhet i hälsa", "", False),
    ("§ 5", "Paragrafen förklaras omedelbart justerad.", True),
    ("§ 5", "Paragrafen justerades omedelbart.", True),
    ("§ 5", "Beslutet har fattats efter omedelbar justering.", True),
    ("§ 5", "Paragrafen justeras inte omedelbart.", False),
    ("§ 5", "Åtgärder bör omedelbart vidtas.", False),
])
def test_oj_markers_and_phrases(heading, text, oj):
    assert posting_parser.immediate(heading, text) is oj


# --- store, register, export -----------------------------------------------------------

def load(db_path: Path, paths) -> None:
    db = store.open(db_path)
    for path in paths:
        store.save(db, pipeline.process(path), imported_at="2025-03-01T12:00:00+00:00")
    db.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("appeal") / "protokoll.db"
    files = [OJ_FIXTURE, MIDSUMMER_FIXTURE, SAMPLES / "lsvo-2024-12-13.md"]
    if (CORPUS / "lomma").is_dir():
        files.append(CORPUS / "lomma" / "KF-2024-10-24.txt")
    load(path, files)
    return path


def register_rows(db_path: Path) -> list[dict]:
    db = store.open_read(db_path)
    rows = [dict(zip(("source", "paragraph", "kind", "last", "note"), r)) for r in db.execute(
        "SELECT source, paragraph, decision_kind, appeal_last_day, appeal_note FROM decision_register")]
    db.close()
    return rows


def test_meetings_and_items_carry_the_posting_and_the_last_day(loaded):
    db = store.open_read(loaded)
    meetings = {Path(src).name: rest for src, *rest in db.execute(
        "SELECT documents.path, posted, taken_down, kept_at, appeal_last_day, appeal_note FROM meetings "
        "JOIN documents ON documents.id = meetings.document_id")}
    assert meetings["ks-oj.txt"] == ["2025-03-19", "2025-04-10", "Kommunhuset", "2025-04-09", None]
    assert meetings["sn-midsommar.txt"][3:] == ["2025-06-23", None]
    assert meetings["lsvo-2024-12-13.md"] == [None, None, None, None, appeal.NO_POSTING]
    items = db.execute("SELECT label, immediate, items.appeal_last_day, items.appeal_note FROM items JOIN meetings "
                       "ON meetings.id = items.meeting_id WHERE meetings.date = '2025-03-12' ORDER BY position")
    assert items.fetchall() == [("KS § 30", 0, "2025-04-09", None), ("KS § 31", 1, None, appeal.IMMEDIATE),
                                ("KS § 32", 1, None, appeal.IMMEDIATE)]
    db.close()


def test_the_register_view_carries_the_last_day(loaded):
    by_file: dict[str, set] = {}
    for r in register_rows(loaded):
        by_file.setdefault(Path(r["source"]).name, set()).add((r["paragraph"], r["kind"], r["last"], r["note"]))
    assert by_file["ks-oj.txt"] == {("KS § 30", "decision", "2025-04-09", None),
                                    ("KS § 31", "decision", None, appeal.IMMEDIATE),
                                    ("KS § 32", "decision", None, appeal.IMMEDIATE)}
    assert by_file["sn-midsommar.txt"] == {("SN § 41", "decision", "2025-06-23", None),
                                           ("SN § 42", "decision", "2025-06-23", None)}
    assert {r[2:] for r in by_file["lsvo-2024-12-13.md"]} == {(None, appeal.NO_POSTING)}
    if "KF-2024-10-24.txt" in by_file:
        kf = by_file["KF-2024-10-24.txt"]
        assert {r[2:] for r in kf if r[1] == "decision"} == {("2024-11-20", None)}
        assert {r[2:] for r in kf if r[1] == "proposal"} <= {(None, appeal.PROPOSAL)}


def test_the_export_carries_the_last_day(loaded):
    db = store.open_read(loaded)
    rows = export.register(db)
    db.close()
    assert list(export.COLUMNS).index("appeal_last_day") == list(export.COLUMNS).index("outcome") + 1
    text = export.to_csv(rows).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    got = {(r["paragraph"], r["appeal_last_day"], r["appeal_note"]) for r in table if "KS §" in r["paragraph"]}
    assert got == {("KS § 30", "2025-04-09", ""), ("KS § 31", "", appeal.IMMEDIATE), ("KS § 32", "", appeal.IMMEDIATE)}
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(rows))).active
    header = [c.value for c in sheet[1]]
    column = header.index("appeal_last_day")
    values = {row[header.index("paragraph")]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["SN § 41"] == datetime.datetime(2025, 6, 23)  # a typed date cell
    assert values["KS § 31"] is None


def test_a_migrated_database_says_why_it_has_no_last_day(tmp_path, loaded):
    # A version 6 database (its DDL kept in tests/data/store) with a meeting: the posting
    # is not stored there, so nothing is guessed.
    import sqlite3
    path = tmp_path / "v6.db"
    conn = sqlite3.connect(path)
    conn.executescript((Path(__file__).parent / "data" / "store" / "schema-v6.sql").read_text())
    conn.execute("INSERT INTO documents (id, sha256, kind) VALUES ('d', 'x', 'protocol')")
    conn.execute("INSERT INTO meetings (id, document_id, body) VALUES ('m', 'd', 'Kommunstyrelsen')")
    conn.execute("INSERT INTO items (id, meeting_id, label, text) VALUES ('i', 'm', '§ 1', "
                 "'Paragrafen förklaras omedelbart justerad.')")
    conn.commit()
    conn.close()
    db = store.open(path)
    assert db.execute("SELECT posted, appeal_last_day, appeal_note FROM meetings").fetchall() == [(None, None, NOT_READ)]
    assert db.execute("SELECT immediate, appeal_last_day, appeal_note FROM items").fetchall() == [(None, None, None)]
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO decisions (id, item_id, kind) VALUES ('dd', 'i', 'decision')")
    conn.execute("INSERT INTO clauses (id, decision_id, item_id, text) VALUES ('c', 'dd', 'i', 'att anta')")
    conn.commit()
    conn.close()
    assert db.execute("SELECT appeal_last_day, appeal_note FROM decision_register").fetchall() == [(None, NOT_READ)]
    db.close()


# --- the canned query on a real server -------------------------------------------------

def dated_oj_protocol(folder: Path, posted: datetime.date) -> Path:
    """The OJ fixture moved in time: posted on ``posted``, the meeting a week before (each
    copy is its own meeting)."""
    day = datetime.timedelta(days=1)
    text = OJ_FIXTURE.read_text(encoding="utf-8")
    for old, new in (("2025-03-12", posted - 7 * day), ("2025-03-18", posted - day),
                     ("2025-03-19", posted), ("2025-04-10", posted + 22 * day)):
        text = text.replace(old, new.isoformat())
    path = folder / f"ks-oj-{posted.isoformat()}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def open_db(folder: Path) -> tuple[Path, dict[str, datetime.date]]:
    """A database with the OJ protocol posted today, 21 days ago (its last day today or the
    next working day: still open) and 60 days ago (passed), and the samples."""
    today = datetime.datetime.now(datetime.timezone.utc).date()
    posted = {"today": today, "three weeks ago": today - datetime.timedelta(days=21),
              "passed": today - datetime.timedelta(days=60)}
    path = folder / "protokoll.db"
    load(path, [*(dated_oj_protocol(folder, d) for d in posted.values()), MIDSUMMER_FIXTURE,
                SAMPLES / "lsvo-2024-12-13.md"])
    return path, posted


def test_canned_query_lists_exactly_the_decisions_still_open(tmp_path):
    path, posted = open_db(tmp_path)
    with serving(path) as base:
        with urllib.request.urlopen(f"{base}/protokoll/overklagbara.json?_shape=array") as r:
            rows = json.load(r)
        with urllib.request.urlopen(f"{base}/protokoll/decision_register") as r:
            register_page = r.read().decode()
    # Only § 30 of the two copies whose last day has not passed: §§ 31-32 are OJ (their own
    # posting is not stated), the copy posted 60 days ago and the midsummer fixture have passed.
    today, ago = posted["today"], posted["three weeks ago"]
    assert [(r["date"], r["paragraph"], r["appeal_last_day"]) for r in rows] == [
        ((today - datetime.timedelta(days=7)).isoformat(), "KS § 30", appeal.last_day(today)),
        ((ago - datetime.timedelta(days=7)).isoformat(), "KS § 30", appeal.last_day(ago)),
    ]
    assert appeal.last_day(ago) >= today.isoformat()  # 21 days ago: open today, the last day
    assert rows[0]["clause"] == "att anta reviderade riktlinjer för bidrag till föreningar."
    assert 'href="overklagbara"' in register_page


# --- a decision to propose to another body: preparatory, not appealable (KL 13:2) --------

@needs_corpus
def test_a_boards_decision_to_propose_to_the_council_has_no_last_day(tmp_path):
    """Lomma KS 2025-04-23 (posted Wed 2025-04-30 -> Wed 2025-05-21): § 49 and § 51 read
    "Beslut: Kommunstyrelsen föreslår kommunfullmäktige besluta: - att …", the board's
    decision to propose, which only prepares the council's (kommunallagen 13 kap. 2 §):
    no last day, and the note says why. § 54 ("Beslut: Kommunstyrelsen beslutar - att Lomma
    kommun lämnar följande yttrande …") is the board's own decision: the protocol's day.
    BUN 2023-05-16 § 40 quotes its arbetsutskott proposing to the nämnd itself under its
    "Beslut:": that is the nämnd's decision ("Datum när anslaget sätts upp: 2023-05-25", Thu -> Thu
    2023-06-15)."""
    ks, bun = CORPUS / "lomma" / "KS_2025-04-23.txt", CORPUS / "lomma" / "BUN_2023-05-16.txt"
    decisions = {it.label: it.decisions for it in parse(ks).items}
    assert [d.proposed_to for d in decisions["KS § 49"]] == ["kommunfullmäktige"]
    assert [d.proposed_to for d in decisions["KS § 51"]] == ["kommunfullmäktige"]
    assert [d.proposed_to for d in decisions["KS § 54"]] == [None]
    bun_40 = next(it for it in parse(bun).items if it.label == "BUN § 40")
    assert [d.proposed_to for d in bun_40.decisions] == ["barn- och utbildningsnämnden"]
    assert not appeal.preparatory(bun_40.decisions[0], "Barn- och utbildningsnämnden")

    db_path = tmp_path / "p.db"
    load(db_path, [ks, bun])
    rows = {(Path(r["source"]).name, r["paragraph"]): (r["last"], r["note"]) for r in register_rows(db_path)}
    preparatory = (None, appeal.PREPARATORY + "kommunfullmäktige")
    assert rows[("KS_2025-04-23.txt", "KS § 49")] == preparatory
    assert rows[("KS_2025-04-23.txt", "KS § 51")] == preparatory
    assert rows[("KS_2025-04-23.txt", "KS § 54")] == ("2025-05-21", None)
    assert rows[("BUN_2023-05-16.txt", "BUN § 40")] == ("2023-06-15", None)
