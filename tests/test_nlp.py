"""Tagging: normalisers (property-tested), rules, canonical ids, and the real samples."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.lang.sv import Swedish

from protokoll import nlp as tagging
from protokoll.nlp.canonical import org_key, person_key
from protokoll.records import Attendee, Item, Meeting, Protocol, Source

SOURCE = Source("x.md", "0" * 64, "md")


@pytest.fixture(scope="module")
def rules():
    """The pipeline without the statistical model: rules, attendance and gazetteer."""
    return tagging.load(use_model=False)


def protocol(*texts, attendance=(), date="2024-12-13", body=None):
    items = tuple(Item(number=str(i + 1), label=str(i + 1), text=t) for i, t in enumerate(texts))
    return Protocol(SOURCE, Meeting(body=body, date=date), tuple(attendance), items)


def ents(p, label=None):
    return [e for e in p.entities if label is None or e.label == label]


def swedish(n: int) -> str:
    return f"{n:,}".replace(",", " ")


# Tokens ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,tokens", [
    ("1 476 576 kr", ["1 476 576", "kr"]), ("15 816 660,06", ["15 816 660,06"]),
    ("-419 515", ["-", "419 515"]), ("123664kr", ["123664", "kr"]),
    ("§§94-100", ["§§", "94-100"]), ("2025-01-01 tom 2025-12-31", ["2025-01-01", "tom", "2025-12-31"]),
    ("4a-c Ansökningar", ["4a-c", "Ansökningar"]), ("vecka 11 2025", ["vecka", "11", "2025"]),
    ("Inga-Lisa Runesson-Ottosson", ["Inga-Lisa", "Runesson-Ottosson"]),
])
def test_swedish_tokens(rules, text, tokens):
    assert [t.text for t in rules(text)] == tokens


def test_the_tokenizer_is_ours_and_keeps_its_cache_on(rules):
    """Built by the registered factory (so the pipeline's config rebuilds it), without
    the special cases that change nothing but turn spaCy's token cache off for a text."""
    from protokoll.nlp import tokens

    assert rules.config["nlp"]["tokenizer"] == {"@tokenizers": tokens.TOKENIZER}
    assert not {"\n", "\t", " ", "kr", "dvs"} & set(rules.tokenizer.rules)
    assert {"t.ex.", "etc.", "hörru"} <= set(rules.tokenizer.rules)  # these change the tokens


@pytest.fixture(scope="module")
def every_special_case(rules):
    """Our tokenizer with all of spaCy's Swedish special cases, as spaCy builds it."""
    from spacy.tokenizer import Tokenizer

    t = rules.tokenizer
    return Tokenizer(rules.vocab, rules=rules.Defaults.tokenizer_exceptions, prefix_search=t.prefix_search,
                     suffix_search=t.suffix_search, infix_finditer=t.infix_finditer,
                     token_match=t.token_match, url_match=t.url_match)


def _tokens(doc):
    return [(t.text, t.whitespace_, t.norm_) for t in doc]


_EXCEPTIONS = sorted(Swedish.Defaults.tokenizer_exceptions)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["(", "", "", "", "\"", "-"]),
    st.one_of(st.sampled_from(_EXCEPTIONS), st.sampled_from(["Beslut", "125", "Kommunen", "att", "§"])),
    st.sampled_from([")", ".", ",", "", "", ":", "kr"]),
    st.sampled_from([" ", " ", "\n", "", "  ", "\t"]),
), min_size=1, max_size=12))
def test_leaving_out_special_cases_that_change_nothing_gives_the_same_tokens(rules, every_special_case, parts):
    text = "".join("".join(p) for p in parts)
    assert _tokens(rules.tokenizer(text)) == _tokens(every_special_case(text))


def test_the_special_cases_left_out_are_each_tokenized_as_they_were(rules, every_special_case):
    left_out = [k for k in _EXCEPTIONS if k not in rules.tokenizer.rules]
    assert len(left_out) > 100
    for text in left_out:
        assert _tokens(rules.tokenizer(text)) == _tokens(every_special_case(text)), text


# Money -------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("2,5 mnkr", 2_500_000), ("150 tkr", 150_000), ("4,1 miljoner kronor", 4_100_000),
    ("1 476 576 kr", 1_476_576), ("3 mdkr", 3_000_000_000), ("14,7 miljoner", 14_700_000),
    ("123664kr", 123_664), ("15 816 660,06", 15_816_660.06), ("50 öre", 0.5),
])
def test_parse_amount(text, value):
    assert tagging.parse_amount(text)[:2] == (value, "SEK")


def test_parse_amount_euro_and_warning():
    assert tagging.parse_amount("€ 50")[:2] == (50, "EUR")
    assert tagging.parse_amount("12,50 euro")[:2] == (12.5, "EUR")
    value, currency, warnings = tagging.parse_amount("57 0000 kr")
    assert (value, currency) == (570000, "SEK") and "57 0000" in warnings[0]
    assert tagging.parse_amount("1 000 kr")[2] == ()


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["kr", "kronor", "SEK"]))
def test_parse_amount_roundtrip(n, unit):
    assert tagging.parse_amount(f"{swedish(n)} {unit}") == (n, "SEK", ())


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9))
def test_parse_amount_scaled_roundtrip(whole, tenth):
    assert tagging.parse_amount(f"{whole},{tenth} mnkr")[0] == whole * 1_000_000 + tenth * 100_000


def test_money_in_text(rules):
    p = tagging.tag(protocol(
        "att tillsätta medel på 1 476 576 kr för 2025.\n"
        "-647 771 kr från aktivitet 787\n"
        "Mötesplats\t-419 515\t\t786\t\tKoU\n"
        "kontering med 57 0000 kr från aktivitetskod 964."
    ), rules)
    money = [(e.text, e.value, e.currency) for e in ents(p, "MONEY")]
    assert money == [
        ("1 476 576 kr", 1476576, "SEK"), ("647 771 kr", 647771, "SEK"),
        ("-419 515", -419515, "SEK"), ("57 0000 kr", 570000, "SEK"),
    ]
    assert any("57 0000" in w for w in p.warnings)
    assert tagging.tag(p, rules) == p  # tagging again changes nothing, warnings included


@pytest.mark.parametrize("text", [
    "från aktivitetskod 964 och 786", "under år 2025", "enligt § 94 och §§94-100",
    "målvärde på 25%", "ring 0455-73 50 00", "070 123 45 67", "Sedan 2018 har antalet",
])
def test_not_money(rules, text):
    assert ents(tagging.tag(protocol(text), rules), "MONEY") == []


# Dates -------------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("den 13 december 2024", "2024-12-13"), ("den 30 december", "2024-12-30"),
    ("30.1.2023", "2023-01-30"), ("LSVO möte 250110", "2025-01-10"),
    ("till den 10 januari", "2025-01-10"), ("2024-09-27", "2024-09-27"),
    ("2025-01-01 tom 2025-12-31", {"start": "2025-01-01", "end": "2025-12-31"}),
    ("perioden 250301 – 250531", {"start": "2025-03-01", "end": "2025-05-31"}),
])
def test_parse_date(text, value):
    assert tagging.parse_date(text, meeting="2024-12-13") == value


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_parse_date_roundtrip(d):
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
              "september", "oktober", "november", "december"]
    assert tagging.parse_date(d.isoformat()) == d.isoformat()
    assert tagging.parse_date(f"den {d.day} {months[d.month - 1]} {d.year}") == d.isoformat()
    assert tagging.parse_date(f"{d.day}.{d.month}.{d.year}") == d.isoformat()


def test_not_dates():
    for text in ("klockan 08:30-15:00", "291336 kr", "aktivitet 3 som", "kl. 16.00", "3,0 kalenderdagar"):
        assert tagging.parse_date(text, meeting="2024-12-13") is None, text


# Organisations -----------------------------------------------------------------------

def test_org_variants_and_acronym(rules):
    p = tagging.tag(protocol(
        "rekvireras av Karlshamns kommun och Karlshamn kommun.",
        "inom Enheten för kvalitet och utveckling (KoU). Finansiering KoU* och Region Blekinge, område Nära vård.",
        "Anna Andersson (S) yrkar bifall.",
    ), rules)
    orgs = {e.text: e.canonical for e in ents(p, "ORG")}
    assert orgs["Karlshamns kommun"] == orgs["Karlshamn kommun"]
    assert orgs["KoU"] == orgs["Enheten för kvalitet och utveckling"]
    assert "Region Blekinge, område Nära vård" in orgs
    assert "S" in orgs
    assert org_key("Region Blekinge område Nära vård") == org_key("Region Blekinge Nära vård")
    assert org_key("Interkommunala forumet") == org_key("Interkommunalt forum")
    assert org_key("Socialnämnden") == org_key("socialnämnd") != org_key("Kommunstyrelsen")
    canon = {c.id: c for c in p.canonicals}
    assert canon[orgs["KoU"]].rule == "acronym"


def test_body_acronyms_recur(rules):
    p = tagging.tag(protocol(
        "Programledare UPH deltog. Sammanfattning från LSVO:s senaste möte.",
        "LSVO valde att stå bakom besluten. Vid PSVOs senaste möte diskuterades UPH:s roll.",
    ), rules)
    orgs = [e.text for e in ents(p, "ORG")]
    assert orgs.count("LSVO:s") == 1 and orgs.count("LSVO") == 1 and "PSVOs" in orgs
    assert not any(o.startswith("UPH") for o in orgs)


# People ------------------------------------------------------------------------------

def test_people_canonical_and_first_names(rules):
    attendance = (
        Attendee("Björnson Jesper", "official"),
        Attendee("Torill Skaar Magnusson", "present"),
        Attendee("Katarina Nilsson", "present"),
        Attendee("Birgitta Nilsson", "present"),
        Attendee("Mats Wennstig", "present"),
    )
    p = tagging.tag(protocol(
        "Programledare Jesper Björnsson presenterar. Jesper berättar om Torill Skaar-Magnusson.",
        "Katarina Nilsson och Birgitta Nilsson deltog. Mats återkommer.",
        attendance=attendance,
    ), rules)
    ids = {a.name: a.canonical for a in p.attendance}
    per = [(e.text, e.canonical, e.rule) for e in ents(p, "PER")]
    texts = [t for t, _, _ in per]
    assert "Jesper Björnsson" in texts and "Programledare Jesper Björnsson" not in texts
    by_text = {t: c for t, c, _ in per}
    assert by_text["Jesper Björnsson"] == ids["Björnson Jesper"]
    assert by_text["Jesper"] == ids["Björnson Jesper"]
    assert by_text["Torill Skaar-Magnusson"] == ids["Torill Skaar Magnusson"]
    assert by_text["Mats"] == ids["Mats Wennstig"]
    assert ids["Katarina Nilsson"] != ids["Birgitta Nilsson"]  # same surname, two people
    assert {r for t, _, r in per if t == "Jesper"} == {"per-first-name"}


def test_ambiguous_first_name_stays_unresolved(rules):
    p = tagging.tag(protocol("Mats Wennstig och Mats Berggren deltog. Mats berättar."), rules)
    lone = [e for e in ents(p, "PER") if e.text == "Mats"]
    assert len(lone) == 1 and lone[0].canonical is None and lone[0].rule == "per-first-name-ambiguous"


def test_person_key_variants():
    assert person_key("Annelie Runesson Ottosson") == person_key("Annelie Runesson-Ottosson")
    assert person_key("Jesper Björnsson") == person_key("Björnson Jesper")
    assert person_key("Anna Johnson") != person_key("Anna Johansson")


def test_tag_is_pure_and_offsets_point_into_items(rules):
    p = protocol("Mats Wennstig föreslår 2,5 mnkr till Ronneby kommun den 30 december.")
    out = tagging.tag(p, rules)
    assert p.entities == () and tagging.tag(p, rules) == out
    assert tagging.tag(out, rules) == out
    for e in out.entities:
        assert p.items[e.item_index].text[e.start:e.end] == e.text
    assert {e.label for e in out.entities} == {"PER", "MONEY", "ORG", "DATE"}


def test_lemmas(rules):
    assert tagging.lemmas("protokollen från nämnderna", rules) == ["protokoll", "från", "nämnd"]


def test_genitive_joins_the_person(rules):
    p = tagging.tag(protocol("Helene Bjerstedt är programledare. Helene Bjerstedts uppdrag avslutas."), rules)
    ids = {e.text: e.canonical for e in ents(p, "PER")}
    assert ids["Helene Bjerstedts"] == ids["Helene Bjerstedt"]
    assert [c.name for c in p.canonicals] == ["Helene Bjerstedt"]
