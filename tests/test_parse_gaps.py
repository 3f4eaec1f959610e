"""The parser's former gaps: vote meanings, presenters in prose, letter sub-points."""

from __future__ import annotations

from pathlib import Path

import pytest

from protokoll import nlp as tagging
from protokoll import parsers, pipeline
from protokoll.ingest.text import text_blocks
from protokoll.records import Document, Protocol, Source

SOURCE = Source("gaps.txt", "0" * 64, "txt")
LAYOUTS = Path(__file__).resolve().parent / "data" / "layouts"


def parse(text: str) -> Protocol:
    return parsers.parse(Document(SOURCE, tuple(text_blocks(text, markdown=False))))


def item(body: str, header: str = "§ 42 Budget 2025"):
    return parse(f"Kommunstyrelsen\n{header}\n{body}\n§ 43 Nästa ärende\nText.").items[0]


@pytest.mark.parametrize(
    "lines,yes,no",
    [
        (["JA = bifall till kommunstyrelsens förslag, NEJ = bifall till Annas yrkande"],
         "bifall till kommunstyrelsens förslag", "bifall till Annas yrkande"),
        (["JA = bifall till kommunstyrelsens förslag", "NEJ = bifall till Annas yrkande."],
         "bifall till kommunstyrelsens förslag", "bifall till Annas yrkande"),
        (["Ja-röst för bifall till arbetsutskottets förslag; nej-röst för avslag."],
         "bifall till arbetsutskottets förslag", "avslag"),
        (["Den som vill bifalla kommunstyrelsens förslag röstar ja, den som vill bifalla Eva Holms (C) yrkande röstar nej."],
         "bifalla kommunstyrelsens förslag", "bifalla Eva Holms (C) yrkande"),
    ],
)
def test_vote_meanings_are_stored(lines, yes, no):
    body = "\n".join(["Omröstning", *lines, "Med 5 ja-röster mot 4 nej-röster beslutar kommunstyrelsen enligt förslaget."])
    votes = item(body).votes
    assert (votes.yes, votes.no) == (5, 4)
    assert (votes.yes_means, votes.no_means) == (yes, no)


def test_vote_meanings_under_beslutsgang_belong_to_the_vote():
    body = (
        "Beslutsgång\nOrdföranden ställer följande propositionsordning:\n"
        "JA = bifall till förslaget\nNEJ = avslag\n"
        "Omröstning\nOmröstningen utfaller 6 ledamöter röstar JA och 3 ledamöter röstar NEJ."
    )
    votes = item(body).votes
    assert (votes.yes, votes.no, votes.yes_means, votes.no_means) == (6, 3, "bifall till förslaget", "avslag")


def test_meanings_alone_are_no_vote():
    assert item("Beslutsgång\nJA = bifall till förslaget\nNEJ = avslag").votes is None


def test_counts_are_not_meanings():
    votes = item("Omröstning\nOmröstningen utfaller 4 ledamöter röstar JA, 2 ledamöter röstar NEJ.").votes
    assert (votes.yes, votes.no, votes.yes_means, votes.no_means) == (4, 2, None, None)


@pytest.mark.parametrize(
    "line,names",
    [
        ("Föredragande: Mats Wennstig", ["Mats Wennstig"]),
        ("Föredragande är Mats Wennstig.", ["Mats Wennstig"]),
        ("Föredragande var Anna Berg och Per Holm.", ["Anna Berg", "Per Holm"]),
        ("Föredragande Inga-Lisa Apelman ger en kort bakgrund till ärendet.", ["Inga-Lisa Apelman"]),
        ("Mats Wennstig föredrar ärendet.", ["Mats Wennstig"]),
        ("Ärendet föredras av Lena Danielsson.", ["Lena Danielsson"]),
        ("Ekonomichef Karin Ek föredrog ärendet.", ["Karin Ek"]),
        ("Carina Svärd och Anna Johnson, folkhälsostrateger i Region Blekinge, presenterade planen.",
         ["Carina Svärd", "Anna Johnson"]),
    ],
)
def test_presenters_in_prose(line, names):
    assert list(item(f"Bakgrund\n{line}\nText om ärendet.").presenters) == names


@pytest.mark.parametrize(
    "line",
    [
        "Föredragande har tillsammans med en arbetsgrupp tagit fram en rutin.",
        "Föredragande lyfter även fram olika roller.",
        "Programledarna presenterar även avslutade projekt.",
        "Protokoll för mötet 2024-11-25 presenteras.",
        "Kommunstyrelsen föredrar alternativ två.",
    ],
)
def test_prose_without_a_named_presenter_gives_none(line):
    assert item(f"Bakgrund\n{line}").presenters == ()


GROUP = """1). Godkännande av dagordningen (B)
Föredragande: Mats Wennstig
Tillägg till punkten övriga frågor;
a/ Fysiska möten våren 2025.
Samverkansgruppen beslutar
att godkänna dagordningen.
8). Uppföljning (I/D)
a/FoU (I/D)
Föredragande: Venera Ujkani
Se punkt 7.
b/ Kunskapsstyrning
Föredragande: Carina Svärd
Ingen information.
9). Övrigt
9 a/Fysiska möten våren 2025
Föredragande: Mats Wennstig
Text.
"""


def test_letter_sub_items_are_items_like_numbered_ones():
    items = parse(GROUP).items
    assert [(i.number, i.label, i.title, i.presenters) for i in items] == [
        ("1", "1).", "Godkännande av dagordningen", ("Mats Wennstig",)),
        ("8", "8).", "Uppföljning", ()),
        ("8a", "a/", "FoU", ("Venera Ujkani",)),
        ("8b", "b/", "Kunskapsstyrning", ("Carina Svärd",)),
        ("9", "9).", "Övrigt", ()),
        ("9a", "9 a/", "Fysiska möten våren 2025", ("Mats Wennstig",)),
    ]
    assert items[2].kind == "information/discussion"
    assert "a/ Fysiska möten våren 2025." in items[0].text  # a listed point, not a sub-item


def test_letter_lines_outside_working_group_layout_stay_text():
    text = "§ 1 Val av justerare\na/ Kommunstyrelsen (B)\nFöredragande: Anna Berg\n§ 2 Nästa\nText."
    assert [i.number for i in parse(text).items] == ["1", "2"]


def test_surname_first_check_box_names_are_kept_as_written_and_linked_by_nlp():
    """Finland-Swedish "[X] Holm Peter, stadsdirektör": the parser keeps the document's
    order; the nlp stage links "Peter Holm" in the item text to the same person."""
    protocol = pipeline.process(LAYOUTS / "stadsstyrelsen-fi.txt", nlp=tagging.load())
    attendee = {a.name: a for a in protocol.attendance}["Holm Peter"]
    assert (attendee.role, attendee.status) == ("stadsdirektör, föredragande", "official")
    assert protocol.items[1].presenters == ("Peter Holm",)
    mentions = [e for e in protocol.entities if e.text == "Peter Holm"]
    assert mentions and {e.canonical for e in mentions} == {attendee.canonical}
