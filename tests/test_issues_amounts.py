"""Issue 28: amounts are not counted twice, and never cut in two.

Every MONEY amount gets a role (decided / breakdown / reference) and the rule that chose
it (``protokoll.nlp.roles``, cue words in ``nlp/amount_cues.py``); the register's
``decided_amount`` sums a clause's decided amounts, and every total sums that.

The money the LSVO meeting of 2024-12-13 decided, worked out by hand from
samples/lsvo-2024-12-13.md (§ 97/24 "Uppdrag psykisk hälsa"; no other item holds an
amount in a clause). § 97 has nine "LSVO beslutar" blocks; in each the first clause
decides the grant ("att rekommendera regiondirektören att tillsätta medel på/om … kr"),
and the later clauses only say where the money comes from or who draws it:

  block  decided (first clause)           the other clauses' amounts: why not decided
  1      600 000 regional programledare   441 863 + 158 137 = 600 000: "att medel inhämtas
                                          från följande", "finansieras med tidigare äskade medel"
  2      900 000 kommunal programledare   900 000 "finansieras med tidigare äskade medel"
  3    1 476 576 lokala samordnare        647 771 + 394 332 + 434 473 = 1 476 576 ("inhämtas
                                          från"); 6 × "att 246 096 kr rekvireras av …"
                                          = 1 476 576 (parts of the total, no cue word)
  4      415 000 Maria-mottagning         291 336 + 123 664 = 415 000 "utbetalning … genom kontering"
  5      400 000 händelseanalyser         400 000 "inhämtas från följande … aktivitetskod 964"
  6    3 600 000 Mötesplats Sölvesborg    2 600 000 + 1 000 000 "kontering … från aktivitetskod"
  7      600 000 regional projektledare   600 000 "inhämtas från följande"
  8      600 000 kommunal projektledare   600 000 "inhämtas från följande"
  9       57 000 SIP-utbildningsplattform "57 0000 kr" (= 570 000, a typo for 57 000)
                                          "utbetalning … kontering … från aktivitetskod"

Decided: 600 000 + 900 000 + 1 476 576 + 415 000 + 400 000 + 3 600 000 + 600 000
       + 600 000 + 57 000 = 8 648 576 kr (the issue's "about 8.6 M").
All clause amounts (the old per-file total): 8 648 576 + the breakdowns 600 000 + 900 000
+ 1 476 576 + 1 476 576 + 415 000 + 400 000 + 3 600 000 + 600 000 + 600 000 + 570 000
(= 10 638 152) = 19 286 728 kr.
The prognosis table and the amounts in the background text of § 97 are not in any clause:
they are references ("outside-clause") and in no sum.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml
from test_ingest_pdf import make_pdf

from protokoll import export, ingest, pipeline, store
from protokoll import nlp as tagging
from protokoll.ingest import pdftable
from protokoll.nlp import amount_cues, roles

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
LSVO_DECIDED = 600_000 + 900_000 + 1_476_576 + 415_000 + 400_000 + 3_600_000 + 600_000 + 600_000 + 57_000
LSVO_ALL = 19_286_728
assert LSVO_DECIDED == 8_648_576


@pytest.fixture(scope="module")
def nlp():
    return tagging.load()


@pytest.fixture(scope="module")
def lsvo_pdf(nlp):
    return pipeline.process(SAMPLES / "lsvo-2024-12-13.pdf", nlp=nlp)


def _db(tmp_path, *protocols):
    db = store.open(tmp_path / "protokoll.db")
    for p in protocols:
        store.save(db, p)
    return db


# --- the LSVO sample: the decided sum, worked out by hand above -------------------------


@pytest.mark.parametrize("name", ["lsvo-2024-12-13.pdf", "lsvo-2024-12-13.docx", "lsvo-2024-12-13.md"])
def test_decided_amounts_of_one_lsvo_file_sum_to_the_money_decided(nlp, tmp_path, name):
    db = _db(tmp_path, pipeline.process(SAMPLES / name, nlp=nlp))
    decided, total = db.execute("SELECT sum(decided_amount), sum(amount) FROM decision_register").fetchone()
    assert decided == LSVO_DECIDED
    assert total == LSVO_ALL  # `amount` still sums every amount in a clause
    rows = db.execute(
        "SELECT decided_amount FROM decision_register WHERE decided_amount IS NOT NULL ORDER BY rowid").fetchall()
    assert sorted(r[0] for r in rows) == sorted(
        [600_000, 900_000, 1_476_576, 415_000, 400_000, 3_600_000, 600_000, 600_000, 57_000])


def _roles(protocol, item="97"):
    """(text, role, rule) of the MONEY entities of an item that stand in its clauses."""
    return [(e.text, e.role, e.role_rule) for e in protocol.entities
            if e.label == "MONEY" and getattr(protocol.item_of(e), "number", None) == item
            and e.role_rule != "outside-clause"]


def test_the_issues_examples_get_their_roles(lsvo_pdf):
    got = _roles(lsvo_pdf)
    # "att medel inhämtas från följande: 441 863 kr … 158 137 kr": financing of the 600 000
    assert ("441 863 kr", "breakdown", "breakdown-cue-lead") in got
    assert ("158 137 kr", "breakdown", "breakdown-cue") in got
    # "246 096 kr rekvireras" six times under a total of 1 476 576 kr
    assert [r for r in got if r[0] == "246 096 kr"] == [("246 096 kr", "breakdown", "part-of-total")] * 6
    assert ("1 476 576 kr", "decided", "decided-cue") in got
    decided = [t for t, role, _ in got if role == "decided"]
    assert decided == ["600 000 kr", "900 000 kr", "1 476 576 kr", "415 000 kr", "400 000 kr",
                       "3 600 000 kr", "600 000 kr", "600 000 kr", "57 000 kr"]
    # the prognosis table and the background text: references
    outside = [e for e in lsvo_pdf.entities if e.label == "MONEY" and e.role_rule == "outside-clause"]
    assert outside and all(e.role == "reference" for e in outside)
    assert all(e.role for e in lsvo_pdf.entities if e.label == "MONEY")


def test_roles_are_stored_where_users_see_them(lsvo_pdf, tmp_path):
    db = _db(tmp_path, lsvo_pdf)
    got = dict(db.execute("SELECT role, count(*) FROM entities WHERE label = 'MONEY' AND item_id IS NOT NULL "
                          "GROUP BY role").fetchall())
    # 9 decided; the breakdowns of the nine blocks in the docstring's table: 2, 1, 3 + 6, 2,
    # 1, 2, 1, 1, 1
    assert got["decided"] == 9 and got["breakdown"] == 2 + 1 + 9 + 2 + 1 + 2 + 1 + 1 + 1
    assert got["reference"] > 0
    rules = {r for (r,) in db.execute("SELECT DISTINCT role_rule FROM entities WHERE label = 'MONEY'")}
    assert rules == {"decided-cue", "breakdown-cue", "breakdown-cue-lead", "part-of-total", "outside-clause"}
    assert db.execute("SELECT count(*) FROM entities WHERE label != 'MONEY' AND role IS NOT NULL").fetchone()[0] == 0


def test_a_clause_repeated_word_for_word_is_found_in_its_own_decision(lsvo_pdf, tmp_path):
    # Blocks 7 and 8 both say "att medel inhämtas från följande: - insatser för Stärkt
    # samverkan … (aktivitet 787) 600 000 kr"; each is its own place in the text.
    db = _db(tmp_path, lsvo_pdf)
    starts = [r[0] for r in db.execute(
        "SELECT c.start FROM clauses c JOIN decisions d ON d.id = c.decision_id "
        "WHERE c.text LIKE 'att medel inhämtas från följande:%aktivitet 787%600 000 kr' ORDER BY d.position")]
    assert len(starts) == 2 and starts[0] < starts[1]


def test_aldras_amounts_are_references(nlp):
    p = pipeline.process(SAMPLES / "aldras.txt", nlp=nlp)
    money = {e.text: (e.role, e.role_rule) for e in p.entities if e.label == "MONEY"}
    # "Sammanlagt tilldelades projektet 4,1 miljoner kronor" (a report on a project) and
    # "länet tilldelats UPH medel på ungefär 14,7 miljoner 2024" (information): nothing
    # the meeting decided; both stand in the items' text, in no decision.
    assert money["4,1 miljoner kronor"] == ("reference", "outside-clause")
    assert money["14,7 miljoner"] == ("reference", "outside-clause")


# --- totals: export and the canned sum queries -------------------------------------------


def test_export_has_both_amount_and_decided_amount(lsvo_pdf, tmp_path):
    db = _db(tmp_path, lsvo_pdf)
    assert export.COLUMNS.index("decided_amount") == export.COLUMNS.index("amount") + 1
    rows = export.register(db)
    assert sum(r["decided_amount"] or 0 for r in rows) == LSVO_DECIDED
    assert sum(r["amount"] or 0 for r in rows) == LSVO_ALL
    csv = export.to_csv(rows).decode("utf-8-sig")
    header = csv.splitlines()[0].split(";")
    assert header == list(export.COLUMNS)
    assert header[header.index("amount"):header.index("amount") + 2] == ["amount", "decided_amount"]
    assert ";441863; 158137;" not in csv and ";1476576;1476576;" in csv


def _canned(name):
    meta = yaml.safe_load((ROOT / "datasette" / "metadata.yml").read_text(encoding="utf-8"))
    return meta["databases"]["protokoll"]["queries"][name]["sql"]


def test_canned_sums_count_decided_money_only(lsvo_pdf, tmp_path):
    db = _db(tmp_path, lsvo_pdf)
    rows = db.execute(_canned("belopp_per_ar"), {"threshold": 0}).fetchall()
    assert [(body, year, n, total) for body, year, n, total, _ in rows] == [("LSVO", "2024", 9, LSVO_DECIDED)]
    rows = db.execute(_canned("belopp"), {"threshold": 1_000_000, "body": "", "year": ""}).fetchall()
    assert [r[5] for r in rows] == [3_600_000, 1_476_576]  # the breakdown 2 600 000 is not a decision


def test_register_view_has_decided_amount_right_after_amount(tmp_path):
    db = store.open(tmp_path / "x.db")
    cols = [r[1] for r in db.execute("PRAGMA table_info(decision_register)")]
    assert cols[cols.index("amount") + 1] == "decided_amount"


def test_an_older_database_gains_the_new_columns_filled(lsvo_pdf, tmp_path):
    """A database made before roles: the columns are missing and the view has no
    decided_amount. Opening it adds them and works the roles out from the stored rows."""
    path = tmp_path / "old.db"
    _db(tmp_path, lsvo_pdf).close()
    (tmp_path / "protokoll.db").rename(path)
    con = sqlite3.connect(path)
    con.executescript("""
        DROP VIEW decision_register;
        DROP INDEX clauses_decided_amount;
        ALTER TABLE clauses DROP COLUMN decided_amount;
        ALTER TABLE entities DROP COLUMN role;
        ALTER TABLE entities DROP COLUMN role_rule;
        UPDATE _meta SET value = '3' WHERE key = 'schema_version';
    """)
    con.close()
    db = store.open(path)
    assert {"role", "role_rule"} <= {c.name for c in db["entities"].columns}
    assert db.execute("SELECT sum(amount), sum(decided_amount) FROM decision_register").fetchone() \
        == (LSVO_ALL, LSVO_DECIDED)
    fresh = _db(tmp_path / "new", lsvo_pdf) if (tmp_path / "new").mkdir() is None else None
    query = "SELECT id, role, role_rule FROM entities ORDER BY id"
    assert db.execute(query).fetchall() == fresh.execute(query).fetchall()
    query = "SELECT id, decided_amount FROM clauses ORDER BY id"
    assert db.execute(query).fetchall() == fresh.execute(query).fetchall()


# --- the cue words: one protocol per row, through the real ingest/parse/tag -------------

PROTOCOL = """Kommunstyrelsen
PROTOKOLL
Sammanträdesdatum 2025-03-01

§ 1 Medel

{background}

Kommunstyrelsen beslutar

{clauses}
"""

CUES = [
    # (clauses, expected {amount text: (role, rule)}); the background has no amount
    ("att bevilja föreningen 50 000 kr", {"50 000 kr": ("decided", "decided-cue")}),
    ("att avsätta 2,5 mnkr till resultatutjämningsreserven", {"2,5 mnkr": ("decided", "decided-cue")}),
    ("att rekommendera regiondirektören att tillsätta medel på 600 000 kr till projektet",
     {"600 000 kr": ("decided", "decided-cue")}),
    ("att anslå 300 000 kr till kulturskolan", {"300 000 kr": ("decided", "decided-cue")}),
    ("att fastställa budgeten för förskolan till 12 500 000 kr", {"12 500 000 kr": ("decided", "decided-cue")}),
    ("att kvarstående budget om 455 tkr återlämnas", {"455 tkr": ("decided", "in-clause")}),
    ("att ramen är 3 mnkr, en ökning med 1 mnkr jämfört med 2025",
     {"3 mnkr": ("decided", "in-clause"), "1 mnkr": ("reference", "reference-cue")}),
    ("att ramen blir 4 mnkr, mot 3,8 mnkr föregående år",
     {"4 mnkr": ("decided", "in-clause"), "3,8 mnkr": ("reference", "reference-cue")}),
    ("att tidigare beslutade 400 000 kr dras in", {"400 000 kr": ("reference", "reference-cue")}),
    ("att teckna borgen om 96,6 miljoner kronor. Tidigare borgensbeslut om 71 miljoner kronor upphör att gälla.",
     {"96,6 miljoner kronor": ("decided", "in-clause"), "71 miljoner kronor": ("reference", "reference-cue")}),
    ("att godkänna bokslutet, med ett utfall om 3 mnkr", {"3 mnkr": ("reference", "reference-cue")}),
    ("att tillsätta medel på 600 000 kr\n\natt medel inhämtas från följande:\n\n"
     "- insatser för brukarmedverkan (aktivitet 265) 441 863 kr\n\n"
     "- 158 137 kr finansieras med tidigare äskade medel",
     {"600 000 kr": ("decided", "decided-cue"), "441 863 kr": ("breakdown", "breakdown-cue-lead"),
      "158 137 kr": ("breakdown", "breakdown-cue")}),
    ("att tillsätta medel om 415 000 kr\n\natt utbetalning sker genom kontering med 291 336 kr från "
     "aktivitetskod 786 och 123 664 kr från aktivitetskod 964.",
     {"415 000 kr": ("decided", "decided-cue"), "291 336 kr": ("breakdown", "breakdown-cue"),
      "123 664 kr": ("breakdown", "breakdown-cue")}),
    ("att bevilja 900 000 kr, varav 300 000 kr avser lokaler",
     {"900 000 kr": ("decided", "decided-cue"), "300 000 kr": ("breakdown", "breakdown-cue")}),
    ("att tillsätta medel på 1 476 576 kr\n\natt 738 288 kr rekvireras av Ronneby kommun\n\n"
     "att 738 288 kr rekvireras av Karlskrona kommun",
     {"1 476 576 kr": ("decided", "decided-cue"), "738 288 kr": ("breakdown", "part-of-total")}),
    ("att skattesatsen för år 2025 fastställs till 19,64 kronor/skattekrona",
     {"19,64 kronor": ("reference", "rate")}),
    ("att bevilja 500 kr per deltagare och 2 mnkr per år samt 600 000 kr/år",
     {"500 kr": ("reference", "rate"), "2 mnkr": ("decided", "decided-cue-lead"),
      "600 000 kr": ("decided", "decided-cue-lead")}),
    # the same amount granted twice is two grants, not a total and its part
    ("att bevilja Ronneby kommun 10 000 kr\n\natt bevilja Karlskrona kommun 10 000 kr",
     {"10 000 kr": ("decided", "decided-cue")}),
    # parts that do not add up to the total are not its parts
    ("att tillsätta medel på 100 000 kr\n\natt 30 000 kr rekvireras av Ronneby kommun",
     {"100 000 kr": ("decided", "decided-cue"), "30 000 kr": ("decided", "in-clause")}),
    # a list of grants under one lead-in: each is decided
    ("att bevilja partistöd enligt följande: Moderaterna 24 675 kr, Liberalerna 24 675 kr",
     {"24 675 kr": ("decided", "decided-cue-lead")}),
    # financing named, but no other amount decided: the only money of the decision
    ("att kostnaden om 50 000 kr finansieras ur kommunstyrelsens anslag",
     {"50 000 kr": ("decided", "breakdown-without-total")}),
]


@pytest.mark.parametrize("clauses, expected", CUES, ids=[c[:40] for c, _ in CUES])
def test_cue_words(nlp, clauses, expected):
    text = PROTOCOL.format(background="Förvaltningen har berett ärendet.", clauses=clauses)
    p = pipeline.process("kommunstyrelsen.txt", data=text.encode(), nlp=nlp)
    got: dict[str, set] = {}
    for e in p.entities:
        if e.label == "MONEY":
            got.setdefault(e.text, set()).add((e.role, e.role_rule))
    assert got == {k: {v} for k, v in expected.items()}


def test_an_amount_in_the_background_text_is_a_reference(nlp):
    text = PROTOCOL.format(background="Förra året beviljades 80 000 kr.", clauses="att bevilja 90 000 kr")
    p = pipeline.process("kommunstyrelsen.txt", data=text.encode(), nlp=nlp)
    got = {e.text: (e.role, e.role_rule) for e in p.entities if e.label == "MONEY"}
    assert got == {"80 000 kr.": ("reference", "outside-clause"), "90 000 kr": ("decided", "decided-cue")}


@pytest.mark.parametrize("cue", amount_cues.DECIDED + amount_cues.BREAKDOWN + amount_cues.REFERENCE)
def test_every_cue_word_matches_as_written_and_only_at_a_word_start(cue):
    word = cue.rstrip("*")
    pattern = {**{c: roles.DECIDED_RE for c in amount_cues.DECIDED},
               **{c: roles.BREAKDOWN_RE for c in amount_cues.BREAKDOWN},
               **{c: roles.REFERENCE_RE for c in amount_cues.REFERENCE}}[cue]
    assert pattern.search(f"att {word} 100 kr")
    assert pattern.search(f"att {word.replace(' ', chr(10))} 100 kr")  # a line break between words
    assert not pattern.search(f"att x{word} 100 kr")
    assert bool(pattern.search(f"att {word}na 100 kr")) == cue.endswith("*")


# --- amounts split across lines are never cut ----------------------------------------------


def test_the_sample_pdf_has_no_amount_cut_in_two(nlp, lsvo_pdf):
    # Every amount the PDF gives is one the Word original gives: no "771 kr" from
    # "647 771 kr", no "2 264" from a table cell "2 264 000" wrapped over two lines.
    docx = pipeline.process(SAMPLES / "lsvo-2024-12-13.docx", nlp=nlp)
    values = {e.value for e in docx.entities if e.label == "MONEY"}
    pdf = [e.value for e in lsvo_pdf.entities if e.label == "MONEY"]
    assert set(pdf) <= values
    assert 2_264_000 in pdf and 1_000_050 in pdf and 647_771 in pdf
    assert not {771, 2264, 1000, 50} & set(pdf)


def test_a_table_cell_wrapped_inside_a_number_is_one_cell():
    cols = (72, 160, 260, 360, 430)

    def row(y, cells):
        return [(x, y, c) for x, c in zip(cols, cells) if c]

    # A wrapped amount 15 pt below its row while another wraps 9 pt below and rows stand
    # 17-18 pt apart: the spacing alone cannot tell the wrapped line from a row.
    runs = [(72, 780, "Prognos och beviljade medel")]
    runs += row(740, ["Datum", "Insats", "Belopp", "Kod", "Mottagare"])
    runs += row(718, ["2024-06-", "Barnhus", "2 264", "786", "Kadskro"])
    runs += row(703, ["14", "", "000", "", "na"])
    runs += row(685, ["2024-06-", "Olofstrom", "-419 515", "786", "Finans"])
    runs += row(676, ["", "", "", "", "forvaltning"])
    data = make_pdf([runs])
    doc = ingest.read("prognos.pdf", data=data)
    cells = [b.cells for b in doc.blocks if b.cells]
    assert ("2024-06- 14", "Barnhus", "2 264 000", "786", "Kadskrona") in cells
    assert not any("000" == c for row in cells for c in row)


@pytest.mark.parametrize("upper, lower, joined", [
    (["2024-06-", "Barnhus", "2 264", "786", "Kadskro"], ["14", "", "000", "", "na"], True),
    (["", "", "787 (647", "", ""], ["", "", "771 kr)", "", ""], True),
    (["2024-06-", "Barnhus", "2 264", "786", "Kadskro"], ["2024-06-", "Olofström", "-419 515", "786", "Finans"], False),
    (["Summa", "2 264"], ["Moms", "500"], False),  # a new row starts with its own label
    (["Kadskro"], ["na"], False),  # lower case alone: the spacing decides
    (["2024"], ["771 kr"], False),  # a year is no broken number
])
def test_which_lines_go_on_with_the_row_above(upper, lower, joined):
    assert pdftable._continues(upper, lower) is joined


def test_numbers_of_several_cells_run_together_are_no_amount(nlp):
    # Lomma KF 2024-10-24: "TOTALT INVESTERINGSUTGIFTER:\t213 700 449 990 362 580 217 270"
    # (four columns' numbers on one line) made a value too large for SQLite.
    doc = nlp("TOTALT INVESTERINGSUTGIFTER:\t213 700 449 990 362 580 217 270\natt bevilja 1 234 567 890 kr")
    assert [e.text for e in doc.ents if e.label_ == "MONEY"] == ["1 234 567 890 kr"]


def test_roles_survive_the_json_round_trip(lsvo_pdf):
    from protokoll.records import Protocol, to_dict

    back = Protocol.from_dict(json.loads(json.dumps(to_dict(lsvo_pdf))))
    assert [(e.role, e.role_rule) for e in back.entities] == [(e.role, e.role_rule) for e in lsvo_pdf.entities]
