"""Issue 31, people: ``person_votes`` and the person page.

Two sources, expectations read from the documents:

* ``data/people/kf-2025-03-27.txt`` (see its README): the only roll call by name we have;
  the real documents keep no member's vote in their text.
* Four Lomma kommunfullmäktige protocols from ``../shared/corpus/lomma`` (KF 2022-09-22,
  2023-03-02, 2023-06-01, 2023-10-26): the same members meeting after meeting. Pia
  Johnson (S) is an ordinary member in each attendance list (KF-2022-09-22.txt line 94,
  KF-2023-03-02.txt line 87, KF-2023-06-01.txt line 85, KF-2023-10-26.txt line 92), so
  she attended 4 of these 4 meetings. KF 2023-03-02 never names her in an item (only as
  justerare on the cover), so the store gives that attendance row no person id: the page
  finds it by her name. She declared jäv in KF 2022-09-22 § 69 (line 246) and KF
  2023-06-01 § 67 (line 373), and reserved herself in KF 2023-10-26 § 102 (line 1269).
  No roll call by name: she has no votes.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from protokoll.background import serving

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "people" / "kf-2025-03-27.txt"
LOMMA = ROOT.parent / "shared" / "corpus" / "lomma"
KF = ("KF-2022-09-22.txt", "KF-2023-03-02.txt", "KF-2023-06-01.txt", "KF-2023-10-26.txt")
PROTOKOLL = str(Path(sys.executable).parent / "protokoll")
needs_corpus = pytest.mark.skipif(not LOMMA.is_dir(), reason="../shared/corpus/ is not here (a clone without it)")

# § 13 of the fixture, in the order of its lists: JA, then NEJ, then avstår.
ROLL_CALL = [("Anna Andersson", "yes"), ("Karin Svensson", "yes"), ("Maria Ek", "yes"), ("Eva Holm", "yes"),
             ("Lars Berg", "no"), ("Per Olsson", "no"), ("Nils Dahl", "no"), ("Sven Lind", "abstain")]


def _ingest(db: Path, *paths: Path) -> None:
    done = subprocess.run([PROTOKOLL, "ingest", *map(str, paths), "--db", str(db), "-q"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """The fixture and (where the corpus is here) the four Lomma KF protocols, in one
    archive directory, imported into ``people.db`` beside it."""
    root = tmp_path_factory.mktemp("people")
    files = root / "archive"
    files.mkdir()
    shutil.copy(FIXTURE, files / FIXTURE.name)
    if LOMMA.is_dir():
        for name in KF:
            shutil.copy(LOMMA / name, files / name)
    _ingest(root / "people.db", files)
    return files


@pytest.fixture(scope="module")
def db(archive) -> sqlite3.Connection:
    conn = sqlite3.connect(archive.parent / "people.db")
    conn.row_factory = sqlite3.Row
    return conn


@pytest.fixture(scope="module")
def server(archive):
    with serving(archive.parent / "people.db", archive=archive) as base:
        yield base + "/people"


def _person(db, name: str) -> str:
    (row,) = db.execute("SELECT id FROM people WHERE name = ?", [name]).fetchall()
    return row["id"]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _text(html: str) -> str:
    body = re.sub(r"<(script|style)[\s\S]*?</\1>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


# --- person_votes ---------------------------------------------------------------------


def test_person_votes_are_the_roll_call_member_by_member(db):
    rows = db.execute(
        "SELECT pv.name, pv.vote, pv.person_id, i.label FROM person_votes pv JOIN items i ON i.id = pv.item_id "
        "ORDER BY pv.position").fetchall()
    assert [(r["name"], r["vote"]) for r in rows] == ROLL_CALL
    assert {r["label"] for r in rows} == {"KF § 13"}
    # What the document prints: 4 JA, 3 NEJ, 1 AVSTÅR, the same as the names give.
    (votes,) = db.execute("SELECT yes, no, abstain, yes_means FROM votes WHERE item_id IN "
                          "(SELECT item_id FROM person_votes)").fetchall()
    assert tuple(votes)[:3] == (4, 3, 1)
    assert votes["yes_means"] == "bifall till kommunstyrelsens förslag"
    # "How did Eva Holm vote": one query.
    assert db.execute("SELECT vote FROM person_votes WHERE person_id = ?",
                      [_person(db, "Eva Holm")]).fetchone()[0] == "yes"


def test_a_member_has_the_person_id_she_has_in_the_attendance(db):
    rows = db.execute(
        "SELECT pv.name, pv.person_id, a.person_id AS attending, a.status FROM person_votes pv "
        "JOIN items i ON i.id = pv.item_id JOIN attendance a ON a.meeting_id = i.meeting_id AND a.name = pv.name "
        "ORDER BY pv.position").fetchall()
    assert len(rows) == len(ROLL_CALL)  # every voter is in that meeting's attendance list
    assert all(r["person_id"] and r["person_id"] == r["attending"] for r in rows)
    # Nils Dahl votes as the tjänstgörande ersättare he is.
    assert [r["status"] for r in rows if r["name"] == "Nils Dahl"] == ["substitute"]
    assert db.execute("SELECT count(*) FROM person_votes WHERE name = 'Ulla Sjö'").fetchone()[0] == 0


@needs_corpus
def test_the_same_person_id_across_meetings(db):
    pia = _person(db, "Pia Johnson")
    rows = db.execute(
        "SELECT m.date, a.person_id FROM attendance a JOIN meetings m ON m.id = a.meeting_id "
        "WHERE a.name = 'Pia Johnson' ORDER BY m.date").fetchall()
    assert [r["date"] for r in rows] == ["2022-09-22", "2023-03-02", "2023-06-01", "2023-10-26"]
    # Named in the items of three of them: the same id; not named in KF 2023-03-02's items.
    assert [r["person_id"] for r in rows] == [pia, None, pia, pia]
    jav = db.execute("SELECT m.date, i.label FROM conflicts c JOIN items i ON i.id = c.item_id "
                     "JOIN meetings m ON m.id = i.meeting_id WHERE c.person_id = ? ORDER BY m.date", [pia]).fetchall()
    assert [tuple(r) for r in jav] == [("2022-09-22", "KF § 69"), ("2023-06-01", "KF § 67")]


# --- the person page ------------------------------------------------------------------


def test_the_page_of_a_voter_shows_her_vote_what_it_meant_and_working_links(db, server):
    eva = _person(db, "Eva Holm")
    status, html = _get(f"{server}/person/{eva}")
    assert status == 200
    text = _text(html)
    assert "<h1>Eva Holm</h1>" in html
    assert "attended 1 of 1 meetings" in text
    vote = re.search(r'<table class="votes">([\s\S]*?)</table>', html).group(1)
    assert "KF § 13 Försäljning av fastigheten Ekeby 4:12" in _text(vote)
    assert ">JA<" in vote and "NEJ<" not in vote.split("</thead>")[1]
    assert "bifall till kommunstyrelsens förslag" in vote and "avslag på kommunstyrelsens förslag" in vote
    # Jäv in § 14; no reservation.
    assert "KF § 14 Bidrag till Ekeby idrottsförening" in _text(re.search(r'<ul class="conflicts">([\s\S]*?)</ul>',
                                                                         html).group(1))
    assert "Inga reservationer" in text
    # The item link opens the item's row page, the source link the protocol's text.
    item = re.search(r'<a class="item" href="([^"]+)"', vote).group(1)
    status, page = _get(server.rsplit("/", 1)[0] + item)
    assert status == 200 and "Försäljning av fastigheten Ekeby 4:12" in page
    source = re.search(r'<a class="source" href="([^"#]+)(#page=2)?"', vote).group(1)
    status, page = _get(server.rsplit("/", 1)[0] + source)
    assert status == 200 and "Omröstningen utfaller" in page


def test_each_voter_has_her_vote_in_swedish(db, server):
    words = {"yes": "JA", "no": "NEJ", "abstain": "AVSTÅR"}
    for name, vote in ROLL_CALL:
        found = json.loads(_get(f"{server}/person/{_person(db, name)}.json")[1])
        assert [(v["paragraph"], v["vote"], v["vote_word"]) for v in found["votes"]] == [
            ("KF § 13", vote, words[vote])], name


@needs_corpus
def test_the_page_of_a_member_across_meetings(db, server):
    pia = _person(db, "Pia Johnson")
    status, html = _get(f"{server}/person/{pia}")
    assert status == 200
    text = _text(html)
    assert "Kommunfullmäktige : närvarande vid 4 av 4 sammanträden" in text
    rows = re.search(r'<table class="attendance">([\s\S]*?)</table>', html).group(1).split("<tr>")[2:]
    assert [re.search(r"\d{4}-\d\d-\d\d", r).group(0) for r in rows] == [
        "2022-09-22", "2023-03-02", "2023-06-01", "2023-10-26"]
    assert all("närvarande" in r and "<td>S</td>" in r for r in rows)  # her party, meeting after meeting
    # No roll call names her, yet her page is there.
    assert "Inga namngivna omröstningar" in text
    reserved = _text(re.search(r'<ul class="reservations">([\s\S]*?)</ul>', html).group(1))
    assert "2023-10-26" in reserved and "KF § 102 Beslut om fastställande av budget för år 2024" in reserved
    jav = _text(re.search(r'<ul class="conflicts">([\s\S]*?)</ul>', html).group(1))
    assert "2022-09-22 · Kommunfullmäktige · KF § 69" in jav and "2023-06-01 · Kommunfullmäktige · KF § 67" in jav


def test_a_bad_id_is_404(server):
    assert _get(f"{server}/person/0000000000000000")[0] == 404
    assert _get(f"{server}/person/0000000000000000.json")[0] == 404
    assert _get(f"{server.rsplit('/', 1)[0]}/nosuchdb/person/0000000000000000")[0] == 404


def test_tables_link_people_to_their_page(db, server):
    eva = _person(db, "Eva Holm")
    for table in ("people", "attendance", "person_votes", "conflicts"):
        status, html = _get(f"{server}/{table}?_size=max")
        assert status == 200
        assert f'href="/people/person/{eva}"' in html, table
    # A row page of the attendance too.
    (row,) = db.execute("SELECT id FROM attendance WHERE person_id = ?", [eva]).fetchall()
    assert f'href="/people/person/{eva}"' in _get(f"{server}/attendance/{row['id']}")[1]


def test_the_person_query_lists_her_vote(server):
    """The canned query "person" (by part of a name) has the votes too, in Swedish."""
    status, body = _get(f"{server}/person.json?_shape=array&person=Lars+Berg")
    assert status == 200
    assert sorted(r["what"] for r in json.loads(body) if r["paragraph"] == "KF § 13") == [
        "reservation / reserved against", "röst / voted: NEJ",
        "yrkande / moved: Lars Berg (M) yrkar avslag på kommunstyrelsens förslag."]
