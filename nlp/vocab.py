"""Swedish word lists the tagging rules use, in one place (all lower case).

Adding a word here teaches the rules a new spelling; no pattern elsewhere repeats them.
"""

from __future__ import annotations

from pathlib import Path

# Money units: the multiplier to whole units of the currency, and the currency.
MONEY_UNITS = {
    "kr": (1, "SEK"), "kr.": (1, "SEK"), "kronor": (1, "SEK"), "sek": (1, "SEK"),
    ":-": (1, "SEK"), "öre": (0.01, "SEK"),
    "tkr": (1_000, "SEK"), "tsek": (1_000, "SEK"), "tusen kronor": (1_000, "SEK"),
    "mnkr": (1_000_000, "SEK"), "mkr": (1_000_000, "SEK"), "msek": (1_000_000, "SEK"),
    "miljon kronor": (1_000_000, "SEK"), "miljoner kronor": (1_000_000, "SEK"),
    "miljoner kr": (1_000_000, "SEK"), "miljon": (1_000_000, "SEK"), "miljoner": (1_000_000, "SEK"),
    "mdkr": (1_000_000_000, "SEK"), "mdr kr": (1_000_000_000, "SEK"),
    "miljard kronor": (1_000_000_000, "SEK"), "miljarder kronor": (1_000_000_000, "SEK"),
    "miljarder": (1_000_000_000, "SEK"), "miljard": (1_000_000_000, "SEK"),
    "euro": (1, "EUR"), "eur": (1, "EUR"), "€": (1, "EUR"), "cent": (0.01, "EUR"),
    "miljoner euro": (1_000_000, "EUR"), "miljarder euro": (1_000_000_000, "EUR"),
}

# Words after a bare "miljoner"/"miljarder" that show it counts something else.
NOT_MONEY_AFTER_MILLIONS = ("invånare", "människor", "personer", "patienter", "besök", "ton", "liter", "timmar")

# Period connectors between two dates: "2025-01-01 tom 2025-12-31".
PERIOD_WORDS = ("tom", "t.o.m.", "t.o.m", "till och med", "till", "–", "-", "—")

# Words before a six-digit YYMMDD that make it a date ("LSVO möte 250110").
YYMMDD_CONTEXT = ("möte", "mötet", "sammanträde", "sammanträdet", "perioden", "datum", "den", "från", "till", "tom", "–", "-")

# Organisation heads and suffixes.
# Last part of a named public body: "äldreförvaltningen", "Socialnämnden", "Kommunstyrelsen"
# (definite and genitive endings are added by the pattern).
ORG_SUFFIXES = ("förvaltning", "nämnd", "styrelse", "fullmäktige", "utskott")
ORG_UNIT_HEADS = ("enheten", "avdelningen", "sektionen", "kontoret", "staben", "centrum")
COMPANY_SUFFIXES = ("AB", "HB", "KB", "Ab", "Oy", "Ltd", "AS", "GmbH", "ek. för.")

# Last word of a named forum, network or council ("Interkommunala forumet",
# "Skolchefsnätverket", "Pensionärsrådet").
FORUM_WORDS = ("forum", "nätverk", "råd")  # definite forms: + "et"

# Named public bodies that rules cannot recognise from their shape (lower case).
KNOWN_ORGS = (
    "sveriges kommuner och regioner", "skr", "socialstyrelsen",
    "försäkringskassan", "arbetsförmedlingen", "ivo", "inspektionen för vård och omsorg",
    "länsstyrelsen", "folkhälsomyndigheten", "hjälpmedelscentralen", "fou-verksamheten",
    "e-hälsomyndigheten", "kammarkollegiet", "skatteverket", "polisen", "migrationsverket",
)

# An acronym that decides, or whose meeting/protocol is mentioned, names a body:
# "LSVO beslutade", "LSVO har fattat beslut", "PSVOs senaste möte", "FoUs verksamhetsplan".
BODY_VERBS = ("beslutar", "beslutade", "beslutat", "beslöt", "fattat", "fattade", "fattar", "valde", "tillstyrker")
BODY_NOUNS = (
    "möte", "mötet", "protokoll", "protokollet", "sammanträde", "sammanträdet", "ledningsgrupp",
    "ledamöter", "verksamhetsplan", "styrgrupp", "presidium", "ordförande",
)

# Swedish party abbreviations written "(S)", "(M)", …
PARTIES = {
    "S": "Socialdemokraterna", "M": "Moderaterna", "SD": "Sverigedemokraterna",
    "C": "Centerpartiet", "V": "Vänsterpartiet", "KD": "Kristdemokraterna",
    "L": "Liberalerna", "MP": "Miljöpartiet", "FP": "Folkpartiet",
}

# Titles and roles that precede a name and are not part of it.
ROLES = (
    "ordförande", "vice", "sekreterare", "justerare", "ledamot", "ersättare", "programledare",
    "projektledare", "processledare", "processägare", "projektägare", "folkhälsostrateg",
    "verksamhetschef", "enhetschef", "avdelningschef", "regiondirektör", "regiondirektören",
    "kommundirektör", "kommundirektören", "förvaltningschef", "direktör", "chef", "handläggare",
    "föredragande", "utredare", "samordnare", "strateg", "controller", "ekonom", "sakkunnig",
    "chefssjuksköterska", "sjuksköterska", "läkare", "kommunalråd", "kommunsekreterare",
    "nämndsekreterare", "registrator", "jurist", "rektor",
)

# Capitalised words that start sentences or headings and are never names.
NOT_NAMES = (
    "att", "och", "för", "med", "den", "det", "de", "en", "ett", "som", "till", "från",
    "inga", "ingen", "alla", "nya", "vid", "se", "i", "på", "om", "av", "under", "efter",
)


def first_names() -> frozenset[str]:
    """The first-name gazetteer, lower case: a hand-written list of common Swedish first
    names plus the first tokens of person names in the NER corpus (written by
    ``scripts/train_ner.py``). Read from ``nlp/data/`` on each call."""
    folder = Path(__file__).resolve().parent / "data"
    return frozenset(
        line.strip().lower()
        for name in ("first_names_common.txt", "first_names_corpus.txt")
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
