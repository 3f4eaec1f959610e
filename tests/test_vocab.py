"""Swedish vocabulary has one home per kind, and one date grammar serves parsers and nlp.

The date tables are forms taken from the samples and the corpus (``samples/``,
``/work/shared/corpus/``): what the parsers read in a protocol's header
(:func:`protokoll.swedish.dates.find_date`) and what nlp tags as DATE in running text.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from protokoll import nlp
from protokoll.nlp import dates as nlp_dates
from protokoll.parsers import meeting
from protokoll.swedish import bodies, dates, names
from protokoll.swedish.dates import find_date, find_times

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("protokoll", "parsers", "nlp", "ingest", "datasette")

# --- the header reader (the parsers' meeting date and time) ---------------------------

HEADER_DATES = [
    ("- Plats och tid: Digitalt via Teams, den 13 december 2024, klockan 08:30-15:00", "2024-12-13"),  # lsvo
    ("Plats och tid för justering: Digital justering senast 2024-12-30 kl. 16.00", "2024-12-30"),  # lsvo
    ("Tid: 2023-01-10, klockan 18:30-18:59", "2023-01-10"),  # lomma BUN
    ("Sammanträdestid 30.1.2023 kl. 16:15 – 18:35", "2023-01-30"),  # nykarleby
    ("Sammanträdestd 15.9.2022 kl. 18.00 – 19.37", "2022-09-15"),  # nykarleby, label misspelt
    ("Måndagen den 8 januari 2007 kl 13.30", "2007-01-08"),  # hogsby
    ("Datum: 13 dec. 2024", "2024-12-13"),
    ("Datum: 13 dec 2024", "2024-12-13"),  # a header's abbreviation needs no full stop
    ("den 13:e december 2024", "2024-12-13"),
    ("13/12 2024", "2024-12-13"),
    ("Stadsstyrelsen 26.9.2022, 191 §", "2022-09-26"),
    ("30.1.2023 och 2023-02-01", "2023-01-30"),  # the first date written
    ("den 30 december", None),  # a header date has a year
    ("Protokoll 2/2023", None),
    ("2024-13-01", None),  # no 13th month
    ("31.2.2024", "2024-02-31"),  # the header reader checks only that a day is 1-31
]


@pytest.mark.parametrize("text, iso", HEADER_DATES)
def test_header_dates(text, iso):
    assert find_date(text) == iso


@pytest.mark.parametrize("text, times", [
    ("Digitalt via Teams, den 13 december 2024, klockan 08:30-15:00", ("08:30", "15:00")),
    ("Sammanträdestid 30.1.2023 kl. 16:15 – 18:35", ("16:15", "18:35")),
    ("Digital justering senast 2024-12-30 kl. 16.00", ("16:00", None)),
    ("Tid: 2023-10-10, klockan 18:30-22:26", ("18:30", "22:26")),
    ("13.12.2024", (None, None)),  # the day of a date is no time
    ("18.00 – 19.37", ("18:00", "19:37")),
])
def test_header_times(text, times):
    assert find_times(text) == times


# --- dates in running text (nlp's DATE) -----------------------------------------------

TEXT_DATES = [
    ("Digitalt via Teams, den 13 december 2024, klockan 08:30", "2024-12-13"),  # lsvo
    ("Digital justering senast 2024-12-30 kl. 16.00", "2024-12-30"),  # lsvo
    ("ens tidsperiod 2025-01-01 tom 2025-12-31.", {"start": "2025-01-01", "end": "2025-12-31"}),  # lsvo
    ("har pågått från 2021-11-01 till och med \n\n2025-06-01.", {"start": "2021-11-01", "end": "2025-06-01"}),  # aldras
    ("Delegationslista 2023-03-07 – 2023-05-10", {"start": "2023-03-07", "end": "2023-05-10"}),  # lomma
    ("ordförande för tiden 2023-01-01 - 2026-12-31", {"start": "2023-01-01", "end": "2026-12-31"}),  # lomma
    ("att testa i mars 2025. I den", "2025-03"),  # lsvo
    ("Utfall mål, oktober 2024", "2024-10"),  # aldras
    ("beslut vid LSVO möte 250110.", "2025-01-10"),  # lsvo
    ("tiden 29 mars till 30 april 2023", "2025-03-29"),  # lomma: the first date has no year
    ("den 30 december", "2024-12-30"),  # nearest the meeting
    ("den 10 januari", "2025-01-10"),  # nearest the meeting: the next year
    ("13 dec 2024", "2024-12-13"),
    ("13 dec. 2024", "2024-12-13"),  # read as "13 dec." (no year: nearest the meeting)
    ("2024-\n12-13", "2024-12-13"),  # broken after its year
    ("30.1.2023", "2023-01-30"),
    ("30.2.2023", None),  # no such day
    ("13/12 2024", None),  # not a form of running text
    ("nummer 250110", None),  # six digits without a date word before them
    ("Ärende 1999-2000", None),
]


@pytest.mark.parametrize("text, value", TEXT_DATES)
def test_text_dates(text, value):
    assert nlp.parse_date(text, meeting="2024-12-13") == value


@pytest.mark.parametrize("text", [
    "den 13 december 2024", "2024-12-30", "30.1.2023", "15.9.2022", "8 januari 2007", "13 dec 2024", "13:e maj 2023",
])
def test_both_readers_agree_on_whole_dates(text):
    assert find_date(text) == nlp.parse_date(text) is not None


def test_an_abbreviation_with_its_full_stop_takes_no_year_in_prose():
    """Today's grammar, kept: "13 dec. 2024" in running text is "13 dec." and a year."""
    assert nlp.parse_date("13 dec. 2024", meeting="2023-09-01") == "2023-12-13"
    assert nlp.parse_date("13 dec. 2024") is None
    assert find_date("13 dec. 2024") == "2024-12-13"


def test_nlp_scans_with_the_shared_grammar():
    assert nlp_dates._PATTERNS is dates.TEXT_PATTERNS
    assert [rule for rule, _ in dates.TEXT_PATTERNS] == [rule for rule, _, _ in nlp_dates._FAST]


def test_parsers_read_the_header_with_the_shared_grammar():
    assert meeting.find_date is dates.find_date and meeting.find_times is dates.find_times
    assert meeting.WEEKDAY is dates.WEEKDAY


def test_month_table():
    assert [dates.MONTHS[m] for m in dates.FULL_MONTHS] == list(range(1, 13))
    assert all(dates.MONTHS[a] == dates.MONTHS[f] for a in dates.ABBREVIATIONS for f in dates.FULL_MONTHS
               if f.startswith(a[:3]))
    assert dates.WEEKDAY.search("Måndagen den 8 januari") and not dates.WEEKDAY.search("Mån")


# --- one home per kind --------------------------------------------------------------------

# Each kind of vocabulary: its lists and the one module that defines them.
HOMES = {
    "protokoll.swedish.dates": ("MONTHS", "FULL_MONTHS", "ABBREVIATIONS", "WEEKDAYS", "TIME_WORDS",
                                "PERIOD_WORDS", "YYMMDD_CONTEXT"),
    "protokoll.swedish.bodies": ("ORGAN_SUFFIXES", "DECISION_VERBS", "DECISION_VERBS_PAST", "ORG_SUFFIXES", "ORG_UNIT_HEADS",
                                 "COMPANY_SUFFIXES", "FORUM_WORDS", "KNOWN_ORGS", "BODY_VERBS", "BODY_NOUNS"),
    "protokoll.swedish.names": ("MEMBER_TITLES", "NAME_PARTICLES", "ROLE_WORDS", "ROLE_SUFFIXES", "PARTIES",
                                "ROLES", "NOT_NAMES"),
    "protokoll.parsers.vocab": ("HEADER_LABELS", "ATTENDANCE_LABELS", "SECTIONS", "OUTCOME_PHRASES",
                                "DOCUMENT_TITLES", "DNR_LABELS", "VOTE_YES", "VOTE_NO", "NUMBER_WORDS",
                                "OTHER_LABELS", "JUSTERING_LABELS", "VOTE_TOTAL_ROWS"),
    "protokoll.nlp.vocab": ("MONEY_UNITS", "UNIT_SUFFIXES", "GROUP_UNITS", "NOT_MONEY_AFTER_MILLIONS"),
    "protokoll.nlp.amount_cues": ("DECIDED", "BREAKDOWN", "REFERENCE", "RATE"),
    "protokoll.swedish.privacy": ("PHONE_CUES", "CONFIDENTIAL_TERMS"),
}


def _source_files():
    for top in PRODUCT:
        yield from sorted((ROOT / top).rglob("*.py"))


def _defined_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        out.update(t.id for t in targets if isinstance(t, ast.Name))
    return out


def _module_file(module: str) -> Path:
    return Path(importlib.import_module(module).__file__).resolve()


def test_each_list_is_defined_in_its_home_only():
    defined: dict[str, list[Path]] = {}
    for path in _source_files():
        for name in _defined_names(path):
            defined.setdefault(name, []).append(path.resolve())
    for home, lists in HOMES.items():
        for name in lists:
            assert defined.get(name) == [_module_file(home)], (name, defined.get(name))


def test_users_import_the_lists_from_their_homes():
    from protokoll.nlp import canonical, orgs, persons, tokens
    from protokoll.parsers import attendance, decisions, people

    assert orgs.ORG_SUFFIXES is canonical.ORG_SUFFIXES is bodies.ORG_SUFFIXES
    assert orgs.PARTIES is names.PARTIES and persons.ROLES is names.ROLES is orgs.ROLES
    assert decisions.bodies is meeting.bodies is bodies
    assert attendance.names is people.names is names
    assert tokens.UNIT_SUFFIXES is nlp.vocab.UNIT_SUFFIXES


_MONTH_WORDS = re.compile(rf"(?<![\wåäö])(?:{'|'.join(dates.FULL_MONTHS)}|{'|'.join(dates.WEEKDAYS)})(?![\wåäö])", re.I)


def month_or_weekday_lists(text: str) -> list[str]:
    """Lines of source that spell a list of month or weekday names (three or more names
    on one line: a table, a tuple or a regular-expression alternation)."""
    return [line for line in text.splitlines() if len({w.lower() for w in _MONTH_WORDS.findall(line)}) >= 3]


def test_the_check_for_copies_can_fail():
    copy = 'MONTHS = {"januari": 1, "februari": 2, "mars": 3}\n_WEEKDAY = re.compile(r"måndag|tisdag|onsdag")\n'
    assert len(month_or_weekday_lists(copy)) == 2
    assert not month_or_weekday_lists("den 13 december 2024, klockan 08:30 (september)")


def test_no_other_module_spells_month_or_weekday_names():
    home = _module_file("protokoll.swedish.dates")
    copies = {
        str(path.relative_to(ROOT)): found
        for path in _source_files()
        if path.resolve() != home and (found := month_or_weekday_lists(path.read_text(encoding="utf-8")))
    }
    assert copies == {}
    assert month_or_weekday_lists(home.read_text(encoding="utf-8"))  # the home does


def test_the_shared_package_imports_nothing_of_the_project():
    for path in sorted((ROOT / "protokoll" / "swedish").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0 and not (node.module or "").startswith("protokoll"), (path.name, node.module)
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("protokoll") for a in node.names), path.name
