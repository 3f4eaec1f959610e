"""Votes, reservations and jäv as the real protocols of ../shared/corpus/ write them.

Each fixture is made of lines as they stand in those documents (Lomma kommun's
protocols as text extracted with their layout; the page furniture around them), cut
down to what the rule needs, and read through the real ingest and parser. The tables of
phrasings add the wordings issue 27 names that the corpus does not hold.
"""

from __future__ import annotations

import pytest

from protokoll import ingest, parsers
from protokoll.ingest.text import text_blocks
from protokoll.records import Document, Source

HEADER = (
    "KOMMUNFULLMÄKTIGE                   SAMMANTRÄDESPROTOKOLL\n"
    "                                    Sida {n} av 5\n\n"
    "                                    Sammanträdesdatum\n"
    "                                    2023-10-26\n\n"
)
FOOTER = "\nJusterande                          Utdragsbestyrkande\nProtokollet har justerats digitalt\n"
FRONT = """Plats: Lomma kommun, Stora Sessionssalen

Tid: 2023-10-26, klockan 18:00-22:09

Beslutande:
Lena Wahlgren (M) ordförande
"""


def item(tmp_path, body: str, heading: str = "KF § 102                            KS KF/2023:300"):
    """The one item of a protocol whose § has ``body``, read as a text file."""
    pages = [FRONT, f"{heading}\n\nBudget 2024\n\n{body}"]
    text = "\f".join(HEADER.format(n=n) + page + FOOTER for n, page in enumerate(pages, 1))
    path = tmp_path / "kf.txt"
    path.write_text(text, encoding="utf-8")
    (got,) = parsers.parse(ingest.read(path)).items
    return got


def counts(votes) -> tuple:
    return None if votes is None else (votes.yes, votes.no, votes.abstain or 0)


# --- votes ----------------------------------------------------------------------------

# BUN 2023-10-10 § 72: no Omröstning heading; two votes under Propositionsordning, the
# first on whether to decide today at all (återremiss), the second on the matter.
TWO_VOTES = """Propositionsordning
Sedan överläggningen har förklarats avslutad ställer 2:e vice ordförande Thomas Eneström (S) först
proposition på frågan om ärendet ska återremitteras eller avgöras vid dagens sammanträde, varefter
2:e vice ordförande finner att barn- och utbildningsnämnden beslutar att ärendet ska avgöras vid
dagens sammanträde.

Votering begärs och följande voteringsproposition godkänns:

Den som önskar att ärendet ska avgöras vid dagens sammanträde röstar ja, och den som önskar
återremittera ärendet röstar nej.

Votering utfaller enligt följande, vilket närmare framgår av till protokollet bifogad voteringslista.

Bilaga A.

Ja 7, Nej 4.

2:e vice ordföranden förklarar att barn- och utbildningsnämnden därmed har beslutat att avgöra
ärendet vid dagens sammanträde.

Votering begärs och följande voteringsproposition godkänns:

Den som önskar bifalla barn- och utbildningsnämndens arbetsutskotts förslag till beslut röstar ja, och
den som önskar avslå det röstar nej.

Votering utfaller enligt följande, vilket närmare framgår av till protokollet bifogad voteringslista.

Bilaga B.

Ja 7, Nej 2, Avstår 2.

Beslut:
Barn- och utbildningsnämnden beslutar följande:

    - Att pausa intaget av förskoleklasser på Pilängskolan samt Löddesnässkolan från och med
         höstterminen 2024.
"""


def test_a_vote_under_propositionsordning_and_the_main_question_over_the_procedural(tmp_path):
    votes = item(tmp_path, TWO_VOTES).votes
    assert counts(votes) == (7, 2, 2)
    assert votes.yes_means == "bifalla barn- och utbildningsnämndens arbetsutskotts förslag till beslut"
    assert votes.no_means == "avslå det"


def test_without_the_procedural_vote_the_only_vote_is_taken(tmp_path):
    body = TWO_VOTES.replace("Ja 7, Nej 2, Avstår 2.", "")
    assert counts(item(tmp_path, body).votes) == (7, 4, 0)


@pytest.mark.parametrize(
    "result,want",
    [
        ("Ja 7, Nej 2, Avstår 2.", (7, 2, 2)),  # BUN 2023-10-10 § 72
        ("Ja: 32, Nej: 12, Avstår: 1", (32, 12, 1)),  # KF 2023-06-01 § 68
        ("Ja: 22, Nej: 23.", (22, 23, 0)),  # KF 2024-02-01 § 16
        ("Ja:2, Nej: 9", (2, 9, 0)),  # BUN 2024-02-06 § 11
        ("Ja 40, Nej 5.", (40, 5, 0)),  # KF 2023-10-26 § 101
        # issue 27's wording, and the ones it names: counts as words, "avstår från att rösta"
        ("Omröstningen utfaller 8 ledamöter röstar JA, 5 ledamöter röstar NEJ och 2 ledamöter AVSTÅR",
         (8, 5, 2)),
        ("Med 5 ja-röster mot 4 nej-röster beslutar kommunfullmäktige enligt förslaget.", (5, 4, 0)),
        ("Omröstningen utfaller 30 ledamöter röstar ja, 12 röstar nej och tre ledamöter avstår från att rösta.",
         (30, 12, 3)),
        ("Ja-röster: 8, Nej-röster: 5, Avstående: 2", (8, 5, 2)),
    ],
)
def test_results_as_written(tmp_path, result, want):
    body = (
        "Propositionsordning\nVotering begärs och följande voteringsproposition godkänns:\n\n"
        "Den som önskar bifalla Robert Wengléns yrkande röstar ja och den som önskar bifalla Oscar Sediras\n"
        "och Natalia Engstedt yrkande röstar nej.\n\n"
        "Voteringen utfaller enligt följande, vilket närmare framgår av till protokollet bifogad voteringslista.\n\n"
        f"Bilaga\n\n{result}\n"
    )
    votes = item(tmp_path, body).votes
    assert counts(votes) == want
    # the question broken over two lines is read whole
    assert votes.no_means == "bifalla Oscar Sediras och Natalia Engstedt yrkande"


@pytest.mark.parametrize("heading", ["Omröstning", "Omröstningsresultat", "Votering", "Voteringsresultat"])
def test_a_result_one_side_a_line_under_a_heading(tmp_path, heading):
    body = f"{heading}\nJa-röster: 8\nNej-röster: 5\nAvstår: 2\n"
    assert counts(item(tmp_path, body).votes) == (8, 5, 2)


def test_a_vote_after_the_yrkanden_under_overlaggning(tmp_path):
    # KF 2023-06-01 § 68 without its Propositionsordning heading
    body = """Beslutsunderlag
    - Skrivelse 2023-05-17 från kommunledningsförvaltningen

Överläggning
Robert Wenglén (M) yrkar att kommunfullmäktige ska besluta i enlighet med kommunstyrelsens
förslag i ärendet.

Votering begärs och följande voteringsproposition godkänns:

Den som önskar bifalla Robert Wengléns yrkande röstar ja och den som önskar bifalla Oscar Sediras
och Natalia Engstedt yrkande röstar nej.

Ja: 32, Nej: 12, Avstår: 1
"""
    got = item(tmp_path, body)
    assert counts(got.votes) == (32, 12, 1)
    assert got.motions[0].by == "Robert Wenglén (M)"


# Issue 27: the members named by side. A printed count is used; without one, the names are counted.
ROLL_CALL = """Omröstning
JA = bifall till Anna Anderssons (S) yrkande
NEJ = bifall till Lars Bergs (M) yrkande
{result}
Följande ledamöter röstar JA: Anna Andersson (S), Karin Svensson (S), Maria Ek (S) och Eva Holm (C)
Följande ledamöter röstar NEJ: Lars Berg (M), Per Olsson (M)
Följande ledamot avstår: Sven Lind (SD)
"""


@pytest.mark.parametrize(
    "result,want",
    [
        ("Omröstningen utfaller 4 ledamöter röstar JA, 2 ledamöter röstar NEJ och 1 ledamot AVSTÅR.", (4, 2, 1)),
        ("Omröstningen utfaller enligt följande.", (4, 2, 1)),  # counted from the names
    ],
)
def test_roll_call_names_by_side(tmp_path, result, want):
    votes = item(tmp_path, ROLL_CALL.format(result=result)).votes
    assert counts(votes) == want
    by_side = {side: [m.name for m in votes.members if m.vote == side] for side in ("yes", "no", "abstain")}
    assert by_side == {
        "yes": ["Anna Andersson", "Karin Svensson", "Maria Ek", "Eva Holm"],
        "no": ["Lars Berg", "Per Olsson"],
        "abstain": ["Sven Lind"],
    }
    assert votes.yes_means == "bifall till Anna Anderssons (S) yrkande"


def test_names_listed_under_the_side(tmp_path):
    body = (
        "Omröstning\nFöljande ledamöter röstar ja:\nAnna Andersson (S)\nKarin Svensson (S)\n"
        "Följande ledamöter röstar nej:\nLars Berg (M)\n"
    )
    assert counts(item(tmp_path, body).votes) == (2, 1, 0)


# BUN 2024-02-06 § 11: the voting list's ticks lost their columns in the text; the
# count printed above it is the result, and the names are not taken from it.
BROKEN_TABLE = """Propositionsordning
Votering begärs och följande voteringsproposition godkänns:

Den som önskar bifalla yrkandet röstar ja, och den som önskar avslå det röstar nej.

Voteringen utfaller enligt följande:

Ja: 4, Nej 7

     Ledamot/tjänstgörande ersätare   Ja                     Nej                     Avstår
     Thomas Eneström (S)
     Jonna Tingberg (M)               X
     Leslie Qvandrup M)
     Camilla Cronsjö (M)                                     X
     Janina Petersson (M)
     Tina Falk (M)                                           X
     Gun Larsson (L)
     Pär Tufvesson (L)                                       X
     Eva Neterlid (S)
     Ulf Richeberg (FB)                                      X
     Natalia Engstedt (SD)
     Totalt                                                  X

                                                             X

                                      4                      7

Votering begärs och följande voteringsproposition godkänns:

Den som önskar bifalla yrkandet röstar ja, och den som önskar avslå det röstar nej.

Votering utfaller enligt följande:

Ja:2, Nej: 9
"""


def test_printed_count_over_a_broken_voting_list_and_the_first_main_vote(tmp_path):
    votes = item(tmp_path, BROKEN_TABLE).votes
    assert counts(votes) == (4, 7, 0)
    assert votes.members == ()


@pytest.mark.parametrize(
    "last,want",
    [
        ("", (2, 1, 1)),  # the ticks counted
        ("Summa\t3\t1\t1", (3, 1, 1)),  # a total row printed wins
    ],
)
def test_an_omrostningsresultat_table(last, want):
    rows = ["Ledamot\tJa\tNej\tAvstår", "Anna Andersson (S)\tX\t\t", "Lars Berg (M)\t\tX\t",
            "Eva Holm (C)\tX\t\t", "Sven Lind (SD)\t\t\tX", last]
    text = "\n".join(
        ["Kommunstyrelsen", "§ 42 Budget 2025", "Omröstningsresultat", *rows, "§ 43 Nästa ärende", "Text."]
    )
    doc = Document(Source("t.txt", "0" * 64, "txt"), tuple(text_blocks(text)))
    votes = parsers.parse(doc).items[0].votes
    assert counts(votes) == want
    if not last:
        assert [(m.name, m.vote) for m in votes.members] == [
            ("Anna Andersson", "yes"), ("Lars Berg", "no"), ("Eva Holm", "yes"), ("Sven Lind", "abstain")]


def test_a_survey_answer_in_an_attachment_is_no_vote(tmp_path):
    # KFN 2025-02-03 § 2: an attached questionnaire after the expediering.
    body = (
        "Beslutet expedieras till:\nKommunstyrelsen\n\n"
        "Naturlig del i                a. Är arbetsmiljöarbetet en naturlig del i den dagliga         Ja 6 (st)\n"
        "Ja 6 (st)\n"
    )
    assert item(tmp_path, body).votes is None


# --- reservations and jäv --------------------------------------------------------------

# KF 2023-10-26 § 102: four groups, the names of each broken over lines, one sentence
# ending on the next line without a name.
RESERVATIONS = """Reservation
Per Bengtsson (S), Pia Johnson (S), Rune Netterlid (S), Kar-Gustav Nilsson (S), Thomas Eneström (S),
Nina Jägroth (S), Lennart Nilsson (S) och Paul Andersson (S) reserverar sig muntligt till förmån för
Socialdemokraternas yrkanden.
Jenny Morau (FB), Fredrik Sverkersten (FB), Delphine Raimbault (FB), Ulf Richeberg (FB) och Andreas
Svenson (FB) reserverar sig skriftligt mot beslutet.
Bilaga N
Oscar Sedira (SD), Natalia Engstedt (SD), Jeanette Larson (SD), Jonas Olsson (SD) och Tony Ljungström
(SD) reserverar sig skriftligt mot beslutet.
Bilaga O
Ingrid Ascard (MP) och Viveka Berger Pålsson (MP) reserverar sig skriftligt mot beslutet.
Bilaga P
_________________________________
Vi reserverar oss mot beslutet till förmån för vårt eget yrkande, i enlighet med Anna Berg (M).
"""


def test_reservations_in_several_sentences_broken_over_lines(tmp_path):
    got = item(tmp_path, RESERVATIONS).reservations
    assert got == (
        "Per Bengtsson", "Pia Johnson", "Rune Netterlid", "Kar-Gustav Nilsson", "Thomas Eneström",
        "Nina Jägroth", "Lennart Nilsson", "Paul Andersson",
        "Jenny Morau", "Fredrik Sverkersten", "Delphine Raimbault", "Ulf Richeberg", "Andreas Svenson",
        "Oscar Sedira", "Natalia Engstedt", "Jeanette Larson", "Jonas Olsson", "Tony Ljungström",
        "Ingrid Ascard", "Viveka Berger Pålsson",
    )


@pytest.mark.parametrize(
    "lines,want",
    [
        # BUN 2023-01-10 § 1: the party on the next line
        (["Med anledning av jäv har Fredrik Karström (M), Lena Wahlgren (M), Jonna Tingberg (M), Gun Larsson",
          "(L) och Thomas Eneström (S) inte deltagit i ärendets handläggning."],
         ("Fredrik Karström", "Lena Wahlgren", "Jonna Tingberg", "Gun Larsson", "Thomas Eneström")),
        # BUN 2024-11-19 § 70: "(-)" for no party, and the surname on the next line
        (["Med anledning av jäv har Fredrik Karström (M), Marcus Magnusson (M), Gun Larsson (-), Nicklas",
          "Säfström (M) och Christian Wennerberg (S) inte deltagit i ärendets handläggning."],
         ("Fredrik Karström", "Marcus Magnusson", "Gun Larsson", "Nicklas Säfström", "Christian Wennerberg")),
        # KF 2022-12-01 § 103: "och" then the name
        (["Med anledning av jäv har Krister Wiman (M), Jonas Benke (L), Per Bengtsson (S) och Jesper Wiman",
          "(M) inte deltagit i ärendet handläggning."],
         ("Krister Wiman", "Jonas Benke", "Per Bengtsson", "Jesper Wiman")),
        # BUN 2023-10-10 § 72: roles before the names, the line ending in a comma
        (["Med anledning av jäv har ordförande Fredrik Karström (M), 1:e vice ordförande Lena Wahlgren (M),",
          "Marcus Magnusson (M) och Denise Rydblom (C) inte deltagit i ärendets handläggning."],
         ("Fredrik Karström", "Lena Wahlgren", "Marcus Magnusson", "Denise Rydblom")),
    ],
)
def test_jav_lists_broken_over_lines(tmp_path, lines, want):
    body = "Jäv\n" + "\n".join(lines) + "\n_________________________________\n\nBeslutet expedieras till:\nAkten\n"
    assert item(tmp_path, body).conflicts == want


def test_names_one_a_line_are_not_joined(tmp_path):
    body = "Jäv\nAnna Berg\nPer Holm\n\nBeslutet expedieras till:\nAkten\n"
    assert item(tmp_path, body).conflicts == ("Anna Berg", "Per Holm")


@pytest.mark.parametrize(
    "line,want",
    [
        ("Med anledning av jäv har Martha Henriksson Witt (C) inte deltagit i ärendets handläggning.",
         ("Martha Henriksson Witt",)),
        ("På grund av jäv deltar inte Anna Berg (M) i handläggningen.", ("Anna Berg",)),
        ("Marlene Lindgren anmälde jäv och avlägsnade sig från mötet.", ("Marlene Lindgren",)),
    ],
)
def test_jav_in_prose_without_a_heading(tmp_path, line, want):
    body = f"Ärendebeskrivning\nKommunstyrelsen har berett ärendet.\n\nPropositionsordning\n{line}\n"
    assert item(tmp_path, body).conflicts == want


@pytest.mark.parametrize(
    "line,want",
    [
        ("Ledamöterna i Sverigedemokraterna reserverar sig mot beslutet.", ("Ledamöterna i Sverigedemokraterna",)),
    ],
)
def test_a_group_reserves_itself(tmp_path, line, want):
    assert item(tmp_path, f"Reservation\n{line}\n").reservations == want
