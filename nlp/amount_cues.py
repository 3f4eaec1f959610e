"""Swedish cue words that say what an amount in a decision is (see :mod:`.roles`).

Each cue is matched in lower case at the start of a word; a cue ending in ``*`` may go
on with more letters ("finansier*": finansieras, finansiering), any other must end
there ("bevilja" is not "beviljade"). Teaching the rules a new phrasing is an edit here
and a row in ``tests/test_issues_amounts.py``.
"""

# Verbs that decide money, standing before the amount: "att bevilja 50 000 kr",
# "att rekommendera regiondirektören att tillsätta medel på 600 000 kr".
DECIDED = (
    "bevilja", "beviljar", "beviljas",
    "tillsätta medel", "tillsätter medel", "tillsätts",
    "avsätta", "avsätter", "avsätts",
    "anslå", "anslår", "anslås",
    "anvisa", "anvisar", "anvisas",
    "tilldela", "tilldelar", "tilldelas",
    "fastställa", "fastställer", "fastställs",
    "godkänna", "godkänner", "godkänns",
    "utöka", "utökar", "utökas",
    "ianspråkta", "ianspråktar", "ianspråktas",
    "nyupplån*", "låna upp", "uppta lån",
)

# Where money decided elsewhere comes from or how it is split: "att medel inhämtas från
# följande: … 441 863 kr", "158 137 kr finansieras med …", "genom kontering med
# 291 336 kr från aktivitetskod 786", "varav 400 000 kr".
BREAKDOWN = (
    "inhämtas från", "hämtas från", "tas från", "tas ur",
    "finansier*", "kontering*", "konteras", "aktivitetskod*",
    "utbetalning*", "utbetalas", "betalas ut",
    "varav", "därav", "fördelas", "fördelat på", "fördelning*",
    "belastar", "belastas",
)

# A comparison or an earlier figure, not money decided now: "jämfört med 2025",
# "föregående år", "tidigare beslutade 2 mnkr", an outcome or a forecast.
REFERENCE = (
    "jämfört med", "i jämförelse med", "i förhållande till",
    "föregående år*", "förra året", "fjolår*", "tidigare år*", "motsvarande period*",
    "tidigare beslut*", "tidigare borgensbeslut*", "tidigare beviljad*", "tidigare anvisad*",
    "redan beviljad*", "upphör*", "utfall*", "prognos*",
)

# Right after the amount: a price or a rate, not a sum of money ("19,64 kronor/skattekrona",
# "500 kr per deltagare"); "per år" is not here, a yearly sum is money decided.
RATE = (
    "/", "per skattekrona", "per invånare", "per timme", "per tim", "i timmen", "per deltagare",
    "per person", "per barn", "per elev", "per styck", "per kvadratmeter", "per kvm", "per km",
    "per mil", "per dygn", "per natt", "per portion",
)
