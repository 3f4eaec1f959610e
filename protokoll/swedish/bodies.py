"""Words that name a decision-making body or an organisation, and what a body does.

All lower case unless a list says otherwise; compare case-insensitively. The parsers
read the body of a meeting and the openers of decisions with the first lists; nlp
tags organisations (ORG) with the rest.
"""

# --- the parsers: a meeting's body and who decides ----------------------------------

# The last word of a decision-making body ("Kommunstyrelsen", "Samverkansgruppen").
ORGAN_SUFFIXES = (
    "styrelsen", "styrelse", "nämnden", "nämnd", "fullmäktige", "gruppen", "grupp",
    "utskottet", "utskott", "rådet", "råd", "ledningen", "ledningsgruppen", "mötet",
    "sammanträdet", "kommittén", "direktionen", "delegationen", "beredningen",
    "förbundet", "presidiet", "stämman", "sektionen", "sektion",
)

# Verbs that open a decision block: "LSVO beslutar", "Stadsstyrelsen beslöt".
DECISION_VERBS = ("beslutar", "beslöt", "beslutade", "besluter")
# Those in the past: "Kommunfullmäktige beslutade 2022-06-20, § 88, att …" is history.
DECISION_VERBS_PAST = ("beslöt", "beslutade")

# --- nlp: organisations in running text ----------------------------------------------

# Last part of a named public body: "äldreförvaltningen", "Socialnämnden", "Kommunstyrelsen"
# (definite and genitive endings are added by the pattern).
ORG_SUFFIXES = ("förvaltning", "nämnd", "styrelse", "fullmäktige", "utskott")

# The head word of a unit of an organisation: "Enheten för kvalitet och utveckling".
ORG_UNIT_HEADS = ("enheten", "avdelningen", "sektionen", "kontoret", "staben", "centrum")

# The form of a company after its name (as written, not lower case): "Nordic AB".
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
