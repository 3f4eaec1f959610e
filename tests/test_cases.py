"""Cases across meetings (issue 31): a diarienummer's case key (parsers/dnr.py), the
organisation a protocol names itself by (parsers/organisation.py), the ``cases`` table
and ``items.case_id`` (protokoll/store/cases.py), the register's ``case_key`` and the case
page ``/<db>/arende/<id>`` (protokoll/web/cases.py) from a real Datasette server.

The spellings are the documents' own (samples, ``../shared/corpus/``); the Lomma cases
that run across meetings were found by reading the protocols; ``data/cases/`` holds one
case through three meetings (committee, kommunstyrelsen, kommunfullmäktige) and another
municipality's case with the same number (its README says what each file shows).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from protokoll import store
from protokoll.background import serving
from protokoll.parsers.dnr import case_key
from protokoll.parsers.organisation import organisation
from protokoll.store import cases

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
CASES = Path(__file__).parent / "data" / "cases"
PROTOKOLL = str(Path(sys.executable).parent / "protokoll")


@pytest.mark.parametrize("written, key", [
    ("Dnr KS 2024/388", "KS 2024:388"),  # the example
    ("KS KF/2025:35", "KF 2025:35"),  # Lomma KS/KF: kommunstyrelsen's diary, the council's series
    ("KS/KF 2025:7", "KF 2025:7"),
    ("KS KF/2024:167", "KF 2024:167"),  # Lomma KF-2024-05-30 § 55 ...
    ("KF/2024:167", "KF 2024:167"),  # ... and BUN_2024-06-18 § 41: the same case
    ("KF /2024:167", "KF 2024:167"),  # BUN_2024-06-18's list of items
    ("KS KF /2024:356", "KF 2024:356"),  # KS_2025-01-22
    ("KS KS/2024:127", "KS 2024:127"),  # KS_2025-01-22: the register's own series
    ("BUN/ 2024:188", "BUN 2024:188"),  # BUN_2024-11-19
    ("Diarienummer: BUN/2024:215", "BUN 2024:215"),  # BUN_2024-11-19
    ("Diarienummer: KFN/2025:27", "KFN 2025:27"),  # KFN_2025-05-19
    ("Dnr: KS 2023.123", "KS 2023:123"),
    ("KF/2006.366", "KF 2006:366"),  # Högsby KS 2007-01-08 § 3 b
    ("SU/2006.47", "SU 2006:47"),  # Högsby § 10
    ("NKBY/302/00.01.03.01/2022", "NKBY 2022:302"),  # Nykarleby: number, classification, year
    ("NKBY/115/01.02.04/2023", "NKBY 2023:115"),
    ("Dnr KS 2025/0112", "KS 2025:112"),  # leading zeros
    ("KS-2024–388", "KS 2024:388"),  # dash and en-dash
    ("ks 2024 / 388", "KS 2024:388"),  # case and spaces
    ("Dnr SI 2023:5928", "SI 2023:5928"),  # KFN_2025-05-19
    ("KNSLI/20014197", "KNSLI/20014197"),  # Högsby § 2: no year to read, the text is the key
    ("Dnr LAI 23–001", "LAI 23-001"),  # KS_2025: a two-digit year is not guessed
    ("", None),
    (None, None),
])
def test_case_key_of_real_spellings(written, key):
    assert case_key(written) == key


def test_different_registers_are_different_cases():
    assert case_key("BUN/2024:36") != case_key("KS KF/2024:36")
    assert case_key("KS 2024/388") != case_key("KS 2023/388") != case_key("KS 2024/389")


@pytest.mark.parametrize("front, lines, want", [
    (["HÖGSBY KOMMUN Protokoll 1(14 )"], [], "Högsby kommun"),  # the letterhead
    (["Plats: Lomma kommun, Stora sessionssalen"], [], "Lomma kommun"),
    (["Protokollets förvaringsplats: Lomma kommun"], [], "Lomma kommun"),
    ([], ["Nykarleby stad beviljar", "Nykarleby stads budget", "Nykarleby kommun", "Vasa stad"], "Nykarleby stad"),
    ([], ["Riksbanken höjer", "Riksbanken", "SVERIGES RIKSBANK"], "Sveriges riksbank"),
    # a joint group naming its members' organisations about as often: none is its own
    ([], ["Region Blekinge", "Region Blekinge", "Karlskrona kommun"], None),
    # people's organisations in an attendance list are no letterhead (rule 1)
    (["Mats Berggren, Region Blekinge", "Gunilla Råberg, Karlskrona kommun"], [], None),
    # named once, as a party to one matter (data/layouts/stadsstyrelsen-fi.txt): not enough
    ([], ["Parter är Staden Sjöstad och Grannby kommun."], None),
    ([], [], None),
])
def test_organisation_rule(front, lines, want):
    assert organisation(front, front + lines) == want


@pytest.mark.parametrize("lines", [
    ["Lomma kommun", "Kommunstyrelsen", "LOMMA KOMMUN", "Region Skåne"],
    ["İstanbul", "Lomma kommun", "Lomma kommuns", "x"],  # "İ" is two characters lower-cased
    ["a\nLomma kommun", "Lomma kommun", "Region Skåne"],  # a line holding a line break
    ["Riksbanken", "", "Riksbanken höjer räntan"],
    ["kommun"] * 3 + ["Lomma kommun"],
])
def test_organisation_scans_the_same_lines_as_line_by_line(lines):
    """Rule 2 looks for the names only in the lines holding an anchor word, found in the
    whole text at once (organisation._anchored): the same lines as a test of each line."""
    from protokoll.parsers import organisation as o

    assert o._anchored(lines) == [t for t in lines if any(w in t.lower() for w in o._ANCHORS)]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus/ is not here")
    db = tmp_path_factory.mktemp("corpus") / "c.db"
    done = subprocess.run([PROTOKOLL, "ingest", str(CORPUS / "lomma"), str(CORPUS / "hogsby"),
                           str(CORPUS / "nykarleby" / "personalsektionen_protokoll_28_03_2023_15_00_159076.pdf"),
                           str(CORPUS / "nykarleby" / "ungdomsfullmaktige_protokoll_30_01_2023_16_15_153457.pdf"),
                           "--db", str(db), "--workers", "2", "-q"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return db


def _case_items(conn, key, organisation_="Lomma kommun"):
    return conn.execute(
        "SELECT meetings.date, meetings.body, items.label, items.dnr FROM items "
        "JOIN meetings ON meetings.id = items.meeting_id JOIN cases ON cases.id = items.case_id "
        "WHERE cases.key = ? AND cases.organisation IS ? ORDER BY meetings.date, items.position",
        [key, organisation_]).fetchall()


def test_corpus_organisations(corpus_db):
    conn = sqlite3.connect(corpus_db)
    got = dict(conn.execute(
        "SELECT documents.path, meetings.organisation FROM meetings JOIN documents ON documents.id = meetings.document_id"))
    by_name = {Path(p).name: o for p, o in got.items()}
    assert {o for n, o in by_name.items() if n.endswith(".txt")} == {"Lomma kommun"}
    assert by_name["hogsby-ks-2007-01-08.pdf"] == "Högsby kommun"
    assert by_name["personalsektionen_protokoll_28_03_2023_15_00_159076.pdf"] == "Nykarleby stad"
    # names itself only by its web address: unknown, so its cases stay its own
    assert by_name["ungdomsfullmaktige_protokoll_30_01_2023_16_15_153457.pdf"] is None


def test_lomma_cases_across_meetings(corpus_db):
    conn = sqlite3.connect(corpus_db)
    # Lena Wahlgren's resignation: the council's decision (KF § 55) and the barn- och
    # utbildningsnämnd choosing her successor in its arbetsutskott (BUN § 41), one case
    # written two ways.
    assert _case_items(conn, "KF 2024:167") == [
        ("2024-05-30", "Kommunfullmäktige", "KF § 55", "KS KF/2024:167"),
        ("2024-06-18", "Barn- och utbildningsnämnden", "BUN § 41", "KF/2024:167"),
    ]
    row = conn.execute("SELECT dnr, first_date, last_date, items, meetings, bodies FROM cases "
                       "WHERE key = 'KF 2024:167' AND organisation = 'Lomma kommun'").fetchone()
    assert row == ('["KF/2024:167", "KS KF/2024:167"]', "2024-05-30", "2024-06-18", 2, 2,
                   '["Kommunfullmäktige", "Barn- och utbildningsnämnden"]')
    # The socialnämnd's budget 2024: preliminary budget, goals revised, budget revised.
    assert _case_items(conn, "SN 2023:13") == [
        ("2023-06-20", "Socialnämnden", "SN § 35", "SN/2023:13"),
        ("2023-10-10", "Socialnämnden", "SN § 54", "SN/2023:13"),
        ("2023-12-12", "Socialnämnden", "SN § 70", "SN/2023:13"),
    ]
    # Kommunstyrelsen's "Meddelanden och delegationsbeslut" is one case all year.
    assert [r[:3] for r in _case_items(conn, "KF 2025:6")] == [
        ("2025-01-22", "Kommunstyrelsen", "KS § 4"), ("2025-04-23", "Kommunstyrelsen", "KS § 46")]
    # The barn- och utbildningsnämnd's own BUN/2024:36 is no case of the council's series.
    assert {r[1] for r in _case_items(conn, "BUN 2024:36")} == {"Barn- och utbildningsnämnden"}
    assert _case_items(conn, "KF 2024:36") == []


def test_corpus_cases_add_up(corpus_db):
    conn = sqlite3.connect(corpus_db)
    assert conn.execute("SELECT count(*) FROM items WHERE dnr IS NOT NULL AND case_id IS NULL").fetchone() == (0,)
    assert conn.execute("SELECT sum(items) FROM cases").fetchone() == \
        conn.execute("SELECT count(*) FROM items WHERE case_id IS NOT NULL").fetchone()
    # the register's case_key is the item's case's key
    assert conn.execute("SELECT count(*) FROM decision_register r JOIN cases c ON c.id = r.case_id "
                        "WHERE r.case_key IS NOT c.key").fetchone() == (0,)
    # Högsby's KF/2006.366 (five items of one meeting) is Högsby's, not Lomma's KF series
    assert _case_items(conn, "KF 2006:366", "Högsby kommun")[0][2] == "KS § 3 b"
    assert len(_case_items(conn, "KF 2006:366", "Högsby kommun")) == 5
    # the Nykarleby meeting with an unknown organisation: each key its own meeting's
    scoped = conn.execute("SELECT count(DISTINCT items.meeting_id), count(*) FROM cases "
                          "JOIN items ON items.case_id = cases.id WHERE cases.organisation IS NULL "
                          "GROUP BY cases.id").fetchall()
    assert scoped and all(meetings == 1 for meetings, _ in scoped)


@pytest.fixture(scope="module")
def three_meetings(tmp_path_factory):
    """data/cases imported by ``protokoll ingest``: Ekeby's three meetings and Västerby's one."""
    db = tmp_path_factory.mktemp("cases") / "cases.db"
    done = subprocess.run([PROTOKOLL, "ingest", str(CASES / "ekeby"), str(CASES / "vasterby"),
                           "--db", str(db), "--workers", "1", "-q"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return db


def test_one_case_through_three_meetings(three_meetings):
    conn = sqlite3.connect(three_meetings)
    rows = conn.execute("SELECT organisation, key, dnr, first_date, last_date, items, meetings, bodies "
                        "FROM cases WHERE key = 'KS 2025:112' ORDER BY organisation").fetchall()
    assert rows == [
        ("Ekeby kommun", "KS 2025:112", '["KS 2025/0112", "KS 2025/112"]', "2025-03-11", "2025-04-24", 3, 3,
         '["Barn- och utbildningsnämnden", "Kommunstyrelsen", "Kommunfullmäktige"]'),
        # two organisations with the same key stay two cases
        ("Västerby kommun", "KS 2025:112", '["KS 2025/112"]', "2025-05-06", "2025-05-06", 1, 1,
         '["Kommunstyrelsen"]'),
    ]
    register = conn.execute("SELECT date, paragraph, dnr, case_key FROM decision_register "
                            "WHERE case_key = 'KS 2025:112' ORDER BY date").fetchall()
    assert register == [("2025-03-11", "BUN § 14", "KS 2025/0112", "KS 2025:112"),
                        ("2025-04-02", "KS § 45", "KS 2025/112", "KS 2025:112"),
                        ("2025-04-24", "KF § 30", "KS 2025/112", "KS 2025:112"),
                        ("2025-05-06", "KS § 60", "KS 2025/112", "KS 2025:112")]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""


def test_case_page_from_a_real_server(three_meetings):
    conn = sqlite3.connect(three_meetings)
    (ekeby,) = conn.execute("SELECT id FROM cases WHERE organisation = 'Ekeby kommun' AND key = 'KS 2025:112'").fetchone()
    (other,) = conn.execute("SELECT id FROM cases WHERE organisation = 'Västerby kommun'").fetchone()
    with serving(three_meetings, archive=CASES) as base:
        status, text = _get(f"{base}/cases/arende/{ekeby}.json")
        assert status == 200
        found = json.loads(text)
        assert [(i["date"], i["body"], i["label"]) for i in found["items"]] == [
            ("2025-03-11", "Barn- och utbildningsnämnden", "BUN § 14"),
            ("2025-04-02", "Kommunstyrelsen", "KS § 45"),
            ("2025-04-24", "Kommunfullmäktige", "KF § 30")]
        assert found["items"][2]["decisions"][0]["clauses"] == ["att anta förskoleplan 2026–2030."]
        # KS § 45: "Beslut: Kommunstyrelsen föreslår kommunfullmäktige besluta": the board's
        # decision to propose, named as such (the council's KF § 30 decides)
        assert [d["proposed_to"] for i in found["items"] for d in i["decisions"]] == [
            None, "kommunfullmäktige", None]
        assert found["spellings"] == ["KS 2025/0112", "KS 2025/112"]
        status, page = _get(f"{base}/cases/arende/{ekeby}")
        assert status == 200
        assert page.index("BUN § 14") < page.index("KS § 45") < page.index("KF § 30")
        assert page.count("förslag till kommunfullmäktige") == 1
        assert "Ekeby kommun" in page and "skolskjuts" not in page  # Västerby's case is not here
        for item in found["items"]:  # every link works: the item's row page and its source file
            assert item["item_url"] in page and item["source_url"] in page
            assert _get(base + item["item_url"])[0] == 200
            status, source = _get(base + item["source_url"].split("#")[0])
            assert status == 200 and item["label"] in source
        status, other_page = _get(f"{base}/cases/arende/{other}")
        assert status == 200 and "skolskjuts" in other_page and "förskoleplan" not in other_page
        assert _get(f"{base}/cases/arende/0123456789abcdef")[0] == 404
        # linked from the cases table, the register's case_key cells and an item's row page
        case_link = f'href="/cases/arende/{ekeby}"'
        assert case_link in _get(f"{base}/cases/cases")[1]
        assert case_link in _get(f"{base}/cases/decision_register?case_key=KS+2025%3A112")[1]
        assert case_link in _get(base + found["items"][0]["item_url"])[1]


def test_unknown_organisation_keeps_its_cases_to_its_meeting(tmp_path):
    """The Västerby protocol without its municipality's name: the same number in Ekeby's
    cases is not joined, nor with another meeting whose organisation is unknown."""
    text = (CASES / "vasterby" / "KS_2025-05-06.txt").read_text()
    unnamed = text.replace("Plats: Västerby kommun, Stadshusets sammanträdesrum", "Plats: Stadshusets sammanträdesrum")
    assert "kommun" not in unnamed.split("KS § 60")[0].lower().replace("kommunstyrelsen", "")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "KS_2025-05-06.txt").write_text(unnamed)
    (tmp_path / "a" / "KS_2025-05-13.txt").write_text(unnamed.replace("2025-05-06", "2025-05-13").replace(
        "skolskjuts", "färdtjänst"))
    shutil.copytree(CASES / "ekeby", tmp_path / "ekeby")
    db = tmp_path / "u.db"
    done = subprocess.run([PROTOKOLL, "ingest", str(tmp_path / "a"), str(tmp_path / "ekeby"), "--db", str(db), "-q",
                           "--workers", "1"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT organisation, items, meetings FROM cases WHERE key = 'KS 2025:112' "
                        "ORDER BY organisation IS NULL, organisation").fetchall() == [
        ("Ekeby kommun", 3, 3), (None, 1, 1), (None, 1, 1)]


def test_deleting_a_meeting_updates_its_case(tmp_path):
    shutil.copytree(CASES / "ekeby", tmp_path / "ekeby")
    db = tmp_path / "d.db"
    run = [PROTOKOLL, "ingest", str(tmp_path / "ekeby"), "--db", str(db), "-q", "--workers", "1"]
    assert subprocess.run(run, capture_output=True).returncode == 0
    (tmp_path / "ekeby" / "KF-2025-04-24.txt").unlink()
    assert subprocess.run([*run, "--prune"], capture_output=True).returncode == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT last_date, items, meetings FROM cases WHERE key = 'KS 2025:112'").fetchall() == [
        ("2025-04-02", 2, 2)]
    assert conn.execute("SELECT count(*) FROM cases WHERE key = 'KS 2025:14'").fetchone() == (0,)  # KF § 29's


def test_a_version_6_database_gets_its_case_keys_from_the_stored_numbers(three_meetings, tmp_path):
    """The v6 → v7 backfill: ``case_id`` and ``cases`` from ``items.dnr`` exactly; the
    organisation, which no table kept, unknown, so each case is its meeting's."""
    path = tmp_path / "v6.db"
    conn = sqlite3.connect(path)
    conn.executescript((Path(__file__).parent / "data" / "store" / "schema-v6.sql").read_text())
    conn.execute("ATTACH DATABASE ? AS fresh", [str(three_meetings)])
    for (table,) in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' "
                                 "AND name NOT LIKE '%_fts%' AND name != '_meta'").fetchall():
        have = {r[1] for r in conn.execute(f"PRAGMA main.table_info([{table}])")}
        columns = ", ".join(f'"{c}"' for c in have)
        conn.execute(f"INSERT INTO main.[{table}] ({columns}) SELECT {columns} FROM fresh.[{table}]")
    conn.commit()
    conn.close()
    db = store.open(path)
    assert store.schema_version(db) == 7
    items = db.execute("SELECT items.case_id, items.dnr, items.meeting_id FROM items").fetchall()
    assert items and all(c == cases.case_id(None, m, d) for c, d, m in items)
    assert db.execute("SELECT key, items, meetings, organisation FROM cases WHERE key = 'KS 2025:112' "
                      "ORDER BY first_date").fetchall() == [("KS 2025:112", 1, 1, None)] * 4
    fresh = sqlite3.connect(three_meetings)
    assert sorted(db.execute("SELECT clause_id, case_key FROM decision_register").fetchall()) == \
        sorted(fresh.execute("SELECT clause_id, case_key FROM decision_register").fetchall())


def test_cases_do_not_depend_on_the_order_of_import(tmp_path):
    """The council's file first, or the committee's: the same cases rows."""
    files = sorted((CASES / "ekeby").glob("*.txt"))  # BUN, KF, KS
    tables = []
    for name, order in (("forward", files), ("backward", files[::-1])):
        db = tmp_path / f"{name}.db"
        for path in order:  # one import per file: the order of commits is this one
            done = subprocess.run([PROTOKOLL, "ingest", str(path), "--db", str(db), "-q", "--workers", "1"],
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        conn = sqlite3.connect(db)
        tables.append(sorted(conn.execute("SELECT * FROM cases").fetchall()))
        conn.close()
    assert tables[0] == tables[1]
    assert ("KS 2025:112", 3) in {(r[2], r[6]) for r in tables[0]}
