"""Personnummer masked in everything served and exported, and ``protokoll review``.

The numbers of the tables below are worked out by hand: a personnummer's last digit is
the Luhn check digit of the nine before it (YYMMDDNNN), a samordningsnummer adds 60 to
the day. The fixture ``tests/data/privacy_socialnamnden.txt`` is a Socialnämnd protocol
(its header says what each § shows), imported with ``protokoll ingest`` and served by a
real ``protokoll serve`` (``protokoll.background.serving``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from protokoll import privacy, review, serve
from protokoll.background import PROTOKOLL, serving
from protokoll.cli import cli

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "privacy_socialnamnden.txt"

# --- the numbers ------------------------------------------------------------------------

MASKED = [
    ("19121212-1212", "19121212-XXXX"),
    ("121212-1212", "121212-XXXX"),
    ("121212+1212", "121212+XXXX"),  # over 100 years old
    ("1212121212", "121212XXXX"),  # without the dash
    ("191212121212", "19121212XXXX"),
    ("811228-9874", "811228-XXXX"),
    ("20000101-1238", "20000101-XXXX"),
    ("200229-1231", "200229-XXXX"),  # 29 February of a leap year
    ("701063-2391", "701063-XXXX"),  # samordningsnummer: day 3 + 60
    ("7010632391", "701063XXXX"),
    ("121212\u20131212", "121212\u2013XXXX"),  # an en dash, as Word writes it
    ("0701234569", "070123XXXX"),  # a phone-like number with no phone word is a personnummer
    ("Nordea personkonto 3300-8507099805", "Nordea personkonto 3300-850709XXXX"),  # the account is one
    ("sökande (19121212-1212), boende", "sökande (19121212-XXXX), boende"),
    ("19121212-\x021212\x03", "19121212-\x02XXXX\x03"),  # marked by a search (FTS5 highlight)
    ("121212-<mark>1212</mark>", "121212-<mark>XXXX</mark>"),
]

NOT_MASKED = [
    "121212-1213",  # wrong check digit
    "010229-1234",  # 29 February 2001 does not exist (the check digit is right)
    "121312-1210",  # month 13
    "121200-1212",  # day 0
    "121292-1212",  # day 92: no samordningsnummer either (31 + 60 = 91 at most)
    "212000-1157",  # organisationsnummer: check digit valid, "month" 20
    "556036-0793",  # organisationsnummer (aktiebolag)
    "KS 2024/388",  # diarienummer
    "Dnr SN 2024/388",
    "2024-10-30",  # a date
    "20241030",
    "1 234 567",  # an amount
    "1 234 567 kr",
    "bankgiro 5050-1055",
    "plusgiro 4 45 67-8",
    "clearingnummer 8327-9, konto 123 456 789-0",
    "08-508 290 00",  # phone numbers as they are written
    "070-123 45 67",
    "+46 70 123 45 69",
    "tel. 0701234569",  # valid check digit, but after a phone word
    "Mobil: 0701234569",
    "12121212121212",  # inside a longer number
    "181212121212",  # a twelve-digit form begins with 19 or 20
]


@pytest.mark.parametrize("text, masked", MASKED)
def test_valid_numbers_are_masked_keeping_the_length(text, masked):
    assert privacy.mask(text) == masked
    assert len(privacy.mask(text)) == len(text)
    assert privacy.contains(text) and not privacy.contains(masked)


@pytest.mark.parametrize("text", NOT_MASKED)
def test_look_alikes_are_left_alone(text):
    assert privacy.mask(text) == text
    assert not privacy.contains(text)


def test_find_says_which_kind():
    found = list(privacy.find("Sökande 19121212-1212, medsökande 701063-2391."))
    assert [(f.text, f.coordination) for f in found] == [("19121212-1212", False), ("701063-2391", True)]
    assert [f.start for f in found] == [8, 34]


def test_row_factory_masks_text_keeps_numbers_and_withholds_blobs():
    conn = sqlite3.connect(":memory:")
    conn.row_factory = privacy.row_factory
    row = conn.execute("select '19121212-1212' as t, 1212121212 as n, x'00' as b, null as z").fetchone()
    assert tuple(row) == ("19121212-XXXX", 1212121212, None, None) and row["t"] == "19121212-XXXX"


@pytest.mark.parametrize("value", [
    "64280ad4f1212121212e35c628eca7",  # an id whose digits look like one: links keep working
    "[1212121212.0, 8450]",  # the amounts of a clause (JSON): 1 212 121 212 kr stays a number
])
def test_values_that_are_not_text_are_left_alone(value):
    assert privacy.contains(value) and privacy.mask_value(value) == value
    assert privacy.mask_value(f"text {value}") != f"text {value}"


# --- confidential matters: the word list --------------------------------------------------

MATTERS = [
    ("Individärende – ansökan om ekonomiskt bistånd", ["individärende"]),
    ("Ärendet omfattas av sekretess enligt 26 kap. 1 § OSL", ["sekretess", "OSL 26 kap"]),
    ("ansökan om bistånd enligt 4 kap. 1 § SoL", ["bistånd enligt SoL/LSS"]),
    ("Beslut om insats enligt 9 § 8 LSS", ["bistånd enligt SoL/LSS"]),
    ("Ansökan om vård enligt 2 § LVU", ["LVU/LVM"]),
    ("Placering av barn i familjehem", ["placering"]),
    ("Vårdnadsöverflyttning enligt 6 kap. 8 § FB", ["vårdnad"]),
    ("Umgängesutredning", ["umgänge"]),
    ("Elevärende – skolplacering", ["elevärende"]),
    ("Begäran om skolplacering i annan kommun", ["skolplacering"]),
    ("Avstängning av elev", ["avstängning av elev"]),
    # committee business: no individual matter
    ("LSS-verksamhetens budget 2025", []),
    ("Uppföljning av LSS-verksamheten", []),
    ("Riktlinjer för ekonomiskt bistånd enligt SoL", []),
    ("Regler för skolplacering i förskoleklass", []),
    ("Information om sekretess och tystnadsplikt för förtroendevalda", []),
    ("Budget för placeringar 2025", []),
]


@pytest.mark.parametrize("text, rules", MATTERS)
def test_confidential_matters(text, rules):
    assert [m.split(" (")[0] for m in review._matters(text)] == rules


# --- the fixture, imported and served --------------------------------------------------------

PNR, SAMORDNING = "19121212-1212", "701063-2391"
# What must never be read in a masked response: each number, whole or in its short form.
LEAKS = re.compile(r"12-1212|1212121212|63-2391|7010632391")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("privacy")
    (folder / "arkiv").mkdir()
    shutil.copy(FIXTURE, folder / "arkiv" / FIXTURE.name)
    return folder / "arkiv"


@pytest.fixture(scope="module")
def db(archive) -> Path:
    path = archive.parent / "socialnamnden.db"
    done = subprocess.run([PROTOKOLL, "ingest", str(archive), "--db", str(path), "--workers", "1"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return path


def fetch(url: str) -> tuple[int, str]:
    """The status and the text of a response (.xlsx unzipped: every part's XML)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            status, body, kind = r.status, r.read(), r.headers.get("content-type", "")
    except urllib.error.HTTPError as e:
        status, body, kind = e.code, e.read(), e.headers.get("content-type", "")
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            body = b"".join(z.read(n) for n in z.namelist())
    return status, body.decode("utf-8", "replace")


def pages(base: str, db: Path) -> list[str]:
    """Every kind of page and output the server has, for the fixture's rows."""
    name = db.stem
    with sqlite3.connect(db) as conn:
        item = conn.execute("select id from items where label = '§ 41'").fetchone()[0]
        clause = conn.execute("select id from clauses where text like '%bevilja%'").fetchone()[0]
    q = urllib.parse.quote
    urls = [
        f"/{name}", f"/{name}/items", f"/{name}/items.json", f"/{name}/items.csv",
        f"/{name}/items.csv?_stream=1", f"/{name}/items.xlsx", f"/{name}/items?_search={q('sökande')}",
        f"/{name}/items/{item}", f"/{name}/items/{item}.json", f"/{name}/items/{item}.xlsx",
        f"/{name}/clauses/{clause}", f"/{name}/clauses.csv?_stream=1", f"/{name}/entities.json",
        f"/{name}/decision_register", f"/{name}/decision_register.json", f"/{name}/decision_register.csv",
        f"/{name}/decision_register.csv_excel", f"/{name}/decision_register.xlsx",
        f"/{name}/decision_register?_search=bevilja",
        f"/{name}/sok?q={q('sökande')}", f"/{name}/sok?q=1212", f"/{name}/sok.json?q=1212", f"/-/sok?q=1212",
        f"/{name}?sql={q('select title, text from items')}", f"/{name}.json?sql={q('select text from items')}",
        f"/{name}.csv?sql={q('select text from clauses')}", f"/{name}.xlsx?sql={q('select * from items')}",
        f"/{name}/readings.json",
    ]
    meta = yaml.safe_load((serve.config_dir() / "metadata.yml").read_text(encoding="utf-8"))
    for query, spec in (meta["databases"]["protokoll"].get("queries") or {}).items():
        params = {p: "Erik" if p == "person" else "" for p in re.findall(r"(?<!:):(\w+)", spec["sql"])}
        args = "?" + urllib.parse.urlencode(params) if params else ""
        urls += [f"/{name}/{query}{args}", f"/{name}/{query}.json{args}", f"/{name}/{query}.csv{args}"]
        if "atom_id" in spec["sql"]:  # a feed (datasette-atom)
            urls.append(f"/{name}/{query}.atom{args}")
    return [base + u for u in urls]


def test_nothing_served_shows_a_personnummer(db, archive):
    with serving(db, archive=archive) as base:
        for url in pages(base, db):
            status, text = fetch(url)
            assert status == 200, (url, status, text[:300])
            assert not LEAKS.search(text), (url, LEAKS.search(text))
        assert "19121212-XXXX" in fetch(pages(base, db)[7])[1]  # the row page, masked
        status, text = fetch(f"{base}/-/source/{db.stem}/{_document(db)}")
        assert status == 403 and "GDPR" in text


def test_with_show_personnummer_the_numbers_are_served(db, archive):
    with serving(db, archive=archive, command=[PROTOKOLL, "serve", "--show-personnummer"]) as base:
        shown = [url for url in pages(base, db) if LEAKS.search(fetch(url)[1])]
        status, text = fetch(f"{base}/-/source/{db.stem}/{_document(db)}")
    name = db.stem
    for path in (f"/{name}/items", f"/{name}/items.csv?_stream=1", f"/{name}/items.xlsx", f"/{name}/sok?q=1212",
                 f"/{name}/decision_register.csv_excel", f"/{name}/decision_register.xlsx"):
        assert any(url.endswith(path) for url in shown), path
    assert status == 200 and PNR in text and SAMORDNING in text


def _document(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("select id from documents").fetchone()[0]


def test_the_whole_file_is_never_offered_while_masking(db):
    result = CliRunner().invoke(cli, ["serve", str(db), "--setting", "allow_download", "1"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the whole database file holds personal identity numbers")
    assert "--show-personnummer" in result.output and "Traceback" not in result.output


# --- protokoll export ---------------------------------------------------------------------------


@pytest.mark.parametrize("show", [False, True])
def test_export_masks_unless_told(db, tmp_path, show):
    flag = ["--show-personnummer"] if show else []
    csv_out = subprocess.run([PROTOKOLL, "export", str(db), *flag], capture_output=True, timeout=120)
    xlsx = tmp_path / "register.xlsx"
    subprocess.run([PROTOKOLL, "export", str(db), "-o", str(xlsx), *flag], check=True, timeout=120)
    with zipfile.ZipFile(xlsx) as z:
        sheet = b"".join(z.read(n) for n in z.namelist()).decode()
    text = csv_out.stdout.decode("utf-8-sig")
    clause = next(r["clause"] for r in csv.DictReader(io.StringIO(text), delimiter=";") if "bevilja" in r["clause"])
    if show:
        assert PNR in clause and PNR in sheet
    else:
        assert clause == "att bevilja sökanden (19121212-XXXX) ekonomiskt bistånd för december 2024 med 8 450 kr"
        assert not LEAKS.search(text) and not LEAKS.search(sheet) and "19121212-XXXX" in sheet


# --- protokoll review -----------------------------------------------------------------------------

TITLE_41 = "Individärende – ansökan om ekonomiskt bistånd enligt 4 kap. 1 § SoL"
EXPECTED = [  # (§, reason, detail): read from the fixture
    ("§ 41", "personnummer", "19121212-XXXX (personnummer); 701063-XXXX (samordningsnummer)"),
    ("§ 41", "private individual", "Erik Johansson"),  # Helena Berg is the socialchef (an official)
    ("§ 41", "confidential matter", 'individärende ("Individärende"); sekretess ("omfattas av sekretess"); '
                                    'OSL 26 kap ("26 kap. 1 § OSL"); bistånd enligt SoL/LSS '
                                    '("ansökan om ekonomiskt bistånd enligt 4 kap. 1 § SoL")'),
    ("§ 43", "private individual", "Karin Holm"),  # Per Ekström (M) is a member, present
]


def test_review_json_lists_exactly_the_expected_rows(db):
    done = subprocess.run([PROTOKOLL, "review", str(db), "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["paragraph"], r["reason"], r["detail"]) for r in rows] == EXPECTED
    assert list(rows[0]) == list(review.COLUMNS)
    assert rows[0]["date"] == "2024-11-20" and rows[0]["body"] == "Socialnämnden" and rows[0]["title"] == TITLE_41
    assert rows[0]["link"].startswith(f"/{db.stem}/items/") and rows[0]["source"].endswith(FIXTURE.name)
    assert "4 rows in 2 items" in done.stderr


def test_review_csv_is_for_swedish_excel(db):
    done = subprocess.run([PROTOKOLL, "review", str(db), "--csv"], capture_output=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith(b"\xef\xbb\xbf") and b"\r\n" in done.stdout
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8-sig")), delimiter=";"))
    assert [(r["paragraph"], r["reason"], r["detail"]) for r in rows] == EXPECTED
    assert not LEAKS.search(done.stdout.decode("utf-8-sig"))


def test_review_table_and_bad_paths(db, tmp_path):
    done = subprocess.run([PROTOKOLL, "review", str(db)], capture_output=True, text=True, timeout=120)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and lines[0].split() == ["date", "body", "§", "title", "reason", "detail", "link"]
    assert [(line.split()[2] + " " + line.split()[3]) for line in lines[2:]] == ["§ 41"] * 3 + ["§ 43"]
    assert "Karin Holm" in lines[5] and "19121212-XXXX" in lines[2] and not LEAKS.search(done.stdout)
    missing = subprocess.run([PROTOKOLL, "review", str(tmp_path / "nej.db")], capture_output=True, text=True)
    assert missing.returncode != 0 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "text.db").write_text("not a database")
    broken = subprocess.run([PROTOKOLL, "review", str(tmp_path / "text.db")], capture_output=True, text=True)
    assert broken.returncode == 1 and broken.stderr.startswith("Error: ") and "Traceback" not in broken.stderr


# --- private individuals: who is not one ---------------------------------------------------

PEOPLE = [  # (item text, the names tagged in it, the names listed as private)
    ("Karin Holm har lämnat ett medborgarförslag.", ["Karin Holm"], ["Karin Holm"]),
    ("Till ledamot utses Anders Nilsson (C).", ["Anders Nilsson"], []),  # a party: a politician
    ("Frågan stäms av med Johanna Törning, projektledare för Link.", ["Johanna Törning"], []),
    ("Enligt projektledare Johanna Törning är tidplanen hållen.", ["Johanna Törning"], []),
    ("ECB-chefen Mario Draghi talade.", ["Mario Draghi"], []),  # a title in its definite form
    ("Mats berättar om Mats Wennstigs besök.", ["Mats", "Mats Wennstigs"], ["Mats Wennstigs"]),  # a first name alone
    ("Gunilla Frostgård (C) avsäger sig. Gunilla Frostgårds avsägelse godkänns.",
     ["Gunilla Frostgård", "Gunilla Frostgårds"], []),  # her name in the genitive
    ("Helena Berg föredrar ärendet för Erik Johansson.", ["Helena Berg", "Erik Johansson"], ["Erik Johansson"]),
]


@pytest.mark.parametrize("text, tagged, private", PEOPLE)
def test_private_individuals(text, tagged, private):
    people = [(name, None, text.index(name), text.index(name) + len(name)) for name in tagged]
    assert review._private(people, text, set(), {"helena berg"}) == private
