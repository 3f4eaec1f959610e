"""ORG: municipalities and regions ("Karlshamns kommun", "Region Blekinge område Nära vård"),
named nämnder/styrelser/förvaltningar, units ("Enheten för kvalitet och utveckling (KoU)")
with the acronyms they define, companies ("… AB"), parties "(S)", the meeting's own body
and a short list of public bodies (``vocab.KNOWN_ORGS``).
"""

from __future__ import annotations

import re

from spacy.language import Language

from protokoll.swedish.bodies import (
    BODY_NOUNS, BODY_VERBS, COMPANY_SUFFIXES, FORUM_WORDS, KNOWN_ORGS, ORG_SUFFIXES, ORG_UNIT_HEADS,
)
from protokoll.swedish.names import NOT_NAMES, PARTIES, ROLES

from .canonical import org_key
from .fastre import Anchored, Leading, guarded, lowered
from .spans import add_entities, doc_text, make_span

_CAP = r"[A-ZÅÄÖÉ][\wåäöéü]+"
_W = r"[\wåäöéü]"
_ACRONYM = r"[A-ZÅÄÖ][A-Za-zåäöÅÄÖ]{0,6}[A-ZÅÄÖ][A-Za-zåäö]{0,3}"
_AREA = rf"(?:,?\s+[Oo]mråde\s+{_CAP}(?:\s+[a-zåäö]+)?|\s+Nära\s+vård)"
_ORG_SUFFIX = rf"(?:{'|'.join(ORG_SUFFIXES)})(?:en|n|et)?s?"

PATTERNS = (
    ("org-region", re.compile(rf"\b(?:Region|Landstinget)\s+{_CAP}(?:{_AREA})?")),
    ("org-kommun", re.compile(rf"\b{_CAP}\s+[Kk]ommun(?:s|en)?(?!{_W})")),
    ("org-unit", re.compile(
        rf"\b(?:{'|'.join(h.capitalize() + '|' + h for h in ORG_UNIT_HEADS)})\s+för\s+{_W}+(?:\s+och\s+{_W}+)?"
        rf"(?:\s*\((?P<acr>{_ACRONYM})\)|\s+(?P<acr2>{_ACRONYM})\b)?")),
    ("org-suffix", re.compile(rf"(?<![\w-])(?:{_W}+-?\s+och\s+)?{_W}{{2,}}{_ORG_SUFFIX}(?!{_W})")),
    ("org-forum", re.compile(
        rf"\b[A-ZÅÄÖ][\wåäö]{{7,}}\s+(?:{'|'.join(FORUM_WORDS)})(?:et)?(?!{_W})"
        rf"|\b[A-ZÅÄÖ][\wåäö]+(?:{'|'.join(FORUM_WORDS)})et(?!{_W})")),
    ("org-company", re.compile(rf"\b(?:{_CAP}\s+){{1,3}}(?:{'|'.join(re.escape(s) for s in COMPANY_SUFFIXES)})(?!{_W})")),
    ("org-known", re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(k) for k in sorted(KNOWN_ORGS, key=len, reverse=True))})s?(?!{_W})", re.I)),
    ("org-party", re.compile(rf"(?<=[\wåäö]\s)\((?P<party>{'|'.join(PARTIES)})\)")),
)


# PATTERNS written so that re can skip ahead (see fastre): a leading \b or look-behind
# after the first character, org-known over the lower-cased text, org-suffix searched
# only around its suffixes. find_orgs uses these; PATTERNS say what they mean.
_CAP_FIRST = r"[A-ZÅÄÖÉ](?<!\w[A-ZÅÄÖÉ])[\wåäöéü]+"
_UNIT_HEADS = [w for h in ORG_UNIT_HEADS for w in (h.capitalize(), h)]
_REGION_FIRST = guarded(("Region", "Landstinget"), r"\w")
_UNIT_FIRST = guarded(_UNIT_HEADS, r"\w")
_KNOWN_FIRST = guarded(sorted(KNOWN_ORGS, key=len, reverse=True), r"[\w-]")
_PARTY_NAMES = "|".join(PARTIES)
_FAST = {
    "org-region": Leading(rf"(?:{_REGION_FIRST})\s+{_CAP}(?:{_AREA})?", ("Region", "Landstinget")),
    "org-kommun": re.compile(rf"{_CAP_FIRST}\s+[Kk]ommun(?:s|en)?(?!{_W})"),
    "org-unit": Leading(
        rf"(?:{_UNIT_FIRST})\s+för\s+{_W}+(?:\s+och\s+{_W}+)?"
        rf"(?:\s*\((?P<acr>{_ACRONYM})\)|\s+(?P<acr2>{_ACRONYM})\b)?", _UNIT_HEADS),
    "org-suffix": Anchored(
        rf"(?<![\w-])(?:{_W}+-?\s+och\s+)?{_W}{{2,}}{_ORG_SUFFIX}(?!{_W})", ORG_SUFFIXES),
    "org-forum": re.compile(
        rf"[A-ZÅÄÖ](?<!\w[A-ZÅÄÖ])(?:[\wåäö]{{7,}}\s+(?:{'|'.join(FORUM_WORDS)})(?:et)?(?!{_W})"
        rf"|[\wåäö]+(?:{'|'.join(FORUM_WORDS)})et(?!{_W}))"),
    "org-company": re.compile(
        rf"{_CAP_FIRST}\s+(?:{_CAP}\s+){{0,2}}(?:{'|'.join(re.escape(s) for s in COMPANY_SUFFIXES)})(?!{_W})"),
    "org-known": Leading(rf"(?:{_KNOWN_FIRST})s?(?!{_W})", KNOWN_ORGS),  # over the lower-cased text
    "org-party": re.compile(rf"\((?<=[\wåäö]\s\()(?P<party>{_PARTY_NAMES})\)"),
}
assert list(_FAST) == [rule for rule, _ in PATTERNS] and all(k == k.lower() for k in KNOWN_ORGS)


_ACRONYM_REST = _ACRONYM[len("[A-ZÅÄÖ]"):]
_BODY_ACRONYM = re.compile(  # _ACRONYM, not preceded by a word character or hyphen
    rf"(?P<acr>[A-ZÅÄÖ](?<![\w-][A-ZÅÄÖ]){_ACRONYM_REST})(?:(?::s|s)\s+(?:[a-zåäö]+\s+)?(?:{'|'.join(BODY_NOUNS)})"
    rf"|\s+(?:har\s+|hade\s+)?(?:{'|'.join(BODY_VERBS)}))(?![\wåäö])"
)


def body_acronyms(text: str) -> set[str]:
    """Acronyms that act as a body in ``text``: they decide ("LSVO beslutade") or own a
    meeting, protocol or plan ("PSVOs senaste möte", "FoUs verksamhetsplan")."""
    return {m.group("acr") for m in _BODY_ACRONYM.finditer(text)}


def find_orgs(text: str, body: str | None = None):
    """``(start, end, key, rule, acronym)`` of every organisation in ``text``, in order."""
    found = []
    low = None
    for rule, slow in PATTERNS:
        rx, source = _FAST[rule], text
        if rule == "org-known":
            low = lowered(text)
            rx, source = (rx, low) if low is not None else (slow, text)
        for m in rx.finditer(source):
            start, end = m.span()
            if rule == "org-party":
                start, end = start + 1, end - 1
                found.append((start, end, org_key(PARTIES[m.group("party")]), rule, None))
                continue
            acr = m.groupdict().get("acr") or m.groupdict().get("acr2")
            name = text[start:end]
            if acr:
                name = name[: name.rfind(acr)].rstrip(" (")
            if rule == "org-kommun" and name.split()[0].lower() in (*ROLES, *NOT_NAMES):
                continue
            found.append((start, start + len(name) if acr else end, org_key(name), rule, acr))
    if body:
        b = re.escape(body)  # not after a word character or hyphen
        for m in re.finditer(rf"{b}(?<![\w-]{b})(?::s|s)?(?![\w])", text):
            found.append((m.start(), m.start() + len(body), org_key(body), "org-meeting-body", None))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    return found


@Language.factory("protokoll_orgs", default_config={})
def make_orgs(nlp: Language, name: str):
    """Tag ORG spans with ``._.key``; defined acronyms go to ``doc.user_data["acronyms"]``."""
    return tag_orgs


def tag_orgs(doc):
    acronyms = doc.user_data.setdefault("acronyms", {})
    text = doc_text(doc)
    found = find_orgs(text, doc.user_data.get("meeting_body"))
    spans = [make_span(doc, s, e, "ORG", key=key, rule=rule) for s, e, key, rule, _ in found]
    defined = {(span.start_char, span.end_char): acr for span, (*_, acr) in zip(spans, found) if span is not None and acr}
    aliases = doc.user_data.setdefault("acronym_aliases", {})
    for span in add_entities(doc, spans):
        acr = defined.get((span.start_char, span.end_char))
        if acr:
            first = acronyms.setdefault(acr, span._.key)
            if first != span._.key:
                aliases[span._.key] = first
    for acr in body_acronyms(text):
        acronyms.setdefault(acr, org_key(acr))
    return tag_acronyms(doc, acronyms)


def tag_acronyms(doc, acronyms: dict[str, str]):
    """Tag each use of an acronym defined in the protocol ("KoU", "KoU:s") as its ORG."""
    spans, text = [], doc_text(doc)
    for acr, key in acronyms.items():
        a = re.escape(acr)  # not after a word character or hyphen, except a bullet "-"
        for m in re.finditer(rf"{a}(?:(?<![\w-]{a})|(?<=^-{a})|(?<=\n-{a}))(?=[\s*:.,)]|s\b|$)", text):
            spans.append(make_span(doc, m.start(), m.end(), "ORG", key=key, rule="org-acronym"))
    add_entities(doc, spans)
    return doc
