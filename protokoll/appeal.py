"""The last day to appeal a municipal decision (laglighetsprövning). Pure.

Kommunallagen (2017:725) 13 kap. 5 §: an appeal must reach the förvaltningsrätt within
three weeks from the day it was announced on the notice board that the protocol with the
decision was justerat. Three weeks from a Wednesday end on the Wednesday three weeks on:
the last day is the posting day + 21 days. Lag (1930:173) om beräkning av lagstadgad tid,
2 §: a last day on a Saturday, a Sunday, another public holiday (allmän helgdag),
midsommarafton, julafton or nyårsafton moves to the next working day. The calendar is
the `holidays` package's Sweden: its ``public`` category (the allmänna helgdagar) and its
``de_facto`` category, which is exactly midsommarafton, julafton and nyårsafton (not the
``bank`` or ``optional`` days: trettondagsafton, påskafton, … do not move a deadline).

    >>> last_day("2024-10-30")   # KF Lomma 2024-10-24, posted Wednesday 30 October
    '2024-11-20'
    >>> last_day("2024-05-31")   # + 21 = Midsummer Eve 2024: Monday after the weekend
    '2024-06-24'

Which decisions: those of fullmäktige, kommunstyrelsen and the nämnder, and the regional
equivalents (13 kap. 2 §; an utskott's decision is the nämnd's, taken by delegation) —
:func:`municipal` tells them by the body's name. :func:`deadline` gives the last day of a
protocol's decisions, or None and the reason: the protocol states no posting day (never
guessed from the justering or the meeting date), or the body is not municipal.

An item justerad omedelbart (OJ) is justerad at the meeting, and its justering is announced
on the notice board on its own, days or weeks before the rest of the protocol: the
protocol's ANSLAG/BEVIS block gives the day of the ordinary justering, which does not start
the OJ item's three weeks. Taking it would give a last day later than the real one, so an
OJ item's last day is None ("its own posting is not stated") unless the item itself states
its own posting day (an extract of the paragraph with its own notice):
:func:`item_deadline`.

A decision that only prepares another body's (13 kap. 2 §: "beslut som är av rent
förberedande art" may not be appealed) has no last day: a board's or a nämnd's decision
to propose ("Kommunstyrelsen föreslår kommunfullmäktige besluta: att …", read by the parser
as the board's decision under the "Beslut:" label, with ``Decision.proposed_to``). The
decision of the body proposed to is the one to appeal, in its own protocol
(:func:`preparatory`). A block that proposes to the meeting's own body (a nämnd's protocol
quoting its arbetsutskott's proposal under "Beslut:") is that body's decision.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

from protokoll.grouping import bodies_alike
from protokoll.records import Decision, Item, Protocol

WEEKS = 3  # kommunallagen 13 kap. 5 §
CATEGORIES = ("public", "de_facto")  # allmänna helgdagar + midsommar-, jul- och nyårsafton

NO_POSTING = "no posting date in the protocol"
IMMEDIATE = "omedelbart justerad: its own posting is not stated"
NOT_MUNICIPAL = "not a municipal decision"
AGENDA = "an agenda: nothing is decided"
PROPOSAL = "a proposal, not a decision"
# decision_register's note for a decision to propose to another body (its proposed_to appended)
PREPARATORY = "preparatory, not appealable (kommunallagen 13 kap. 2 §): a proposal to "

# The last word of the bodies whose decisions can be appealed by laglighetsprövning:
# "Kommunfullmäktige", "Regionstyrelsen", "Socialnämnden", "Kommunstyrelsens arbetsutskott",
# a kommunalförbund's "Förbundsdirektionen".
_MUNICIPAL = re.compile(r"(?:fullmäktige|styrelsen?s?|nämnden?s?|utskott(?:et)?|förbundsdirektion(?:en)?)\b", re.I)
# Bodies that are not: the Riksbank's "Direktionen" (a word of its own; a kommunalförbund's is
# "Förbundsdirektionen"), a company's stämma, a youth council (ungdomsfullmäktige advises).
_NOT_MUNICIPAL = re.compile(r"\b(?:riksbank\w*|direktionen|bolagsstämma\w*|ungdomsfullmäktige)\b", re.I)


@lru_cache(maxsize=None)
def _calendar(year: int):
    """Sweden's holidays of ``year`` and the next (imported when first needed: ~40 ms)."""
    import holidays

    return holidays.SE(years=(year, year + 1), categories=CATEGORIES, include_sundays=False)


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday and neither a public holiday nor midsommar-, jul- or nyårsafton."""
    return day.weekday() < 5 and day not in _calendar(day.year)


def last_day(posted: str | datetime.date) -> str:
    """The last day to appeal (YYYY-MM-DD) for a posting announced on ``posted``: three
    weeks on, moved to the next working day where that is not one."""
    day = posted if isinstance(posted, datetime.date) else datetime.date.fromisoformat(posted)
    day += datetime.timedelta(weeks=WEEKS)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day.isoformat()


def municipal(body: str | None) -> bool:
    """Whether ``body`` names a kommun's or region's fullmäktige, styrelse, nämnd or utskott
    (a body whose name is unknown or an abbreviation counts: its protocol's posting says it is
    on a municipal notice board)."""
    if not body:
        return True
    if _NOT_MUNICIPAL.search(body):
        return False
    return bool(_MUNICIPAL.search(body)) or body.isupper() and len(body.split()) == 1


def deadline(protocol: Protocol) -> tuple[str | None, str | None]:
    """The last day to appeal the protocol's decisions and, where there is none, why."""
    if protocol.kind == "agenda":
        return None, AGENDA
    if not municipal(protocol.meeting.body):
        return None, NOT_MUNICIPAL
    posted = protocol.posting.posted if protocol.posting else None
    if posted is None:
        return None, NO_POSTING
    return last_day(posted), None


def item_deadline(protocol_deadline: tuple[str | None, str | None], item: Item) -> tuple[str | None, str | None]:
    """An item's last day: the protocol's, but an OJ item's own (from its own posting, where
    it states one; else None: see the module's docstring)."""
    if not item.immediate or protocol_deadline[1] in (AGENDA, NOT_MUNICIPAL):
        return protocol_deadline
    if item.posted:
        return last_day(item.posted), None
    return None, IMMEDIATE


def preparatory(decision: Decision, body: str | None) -> bool:
    """Whether ``decision`` only prepares another body's: it proposes to a body that is not
    the meeting's own ("Kommunstyrelsen föreslår kommunfullmäktige besluta" in a
    kommunstyrelse's protocol), so it may not be appealed (module docstring).

    >>> preparatory(Decision("Kommunstyrelsen", "decision", "decided", "", proposed_to="kommunfullmäktige"),
    ...             "Kommunstyrelsen")
    True
    >>> preparatory(Decision("BUN:s arbetsutskott", "decision", "decided", "",
    ...                      proposed_to="barn- och utbildningsnämnden"), "Barn- och utbildningsnämnden")
    False
    """
    if decision.kind != "decision" or not decision.proposed_to:
        return False
    return not (body and bodies_alike(decision.proposed_to, body))
