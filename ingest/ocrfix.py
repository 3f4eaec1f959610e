"""Tesseract's misreadings of the paragraph sign, undone where the document shows them.

Tesseract (Swedish) rarely reads "§" as "§": in scanned protocols it gives "$" or "&"
("KS$1", "KS $ 10", "$3. Det ekonomiska läget", "Ungdomsfullmäktige 9.5.2023, 19 &"),
and where the glyph looks like a letter or digit "S", "Ss", "8", "3" ("KSS3b",
"KS 39", "168 Sammanträdets laglighet", "17 8 Val av protokolljusterare").

:func:`normalise_pages` takes every OCR'd page of one document (page -> text) and
returns them fixed; every OCR path goes through it (``ocr.recognise_pages``).

1. "$" and "&" next to an item number are always "§": Swedish minutes write neither
   before or after a bare number ("KS$1" -> "KS §1", "19 &" -> "19 §", "($$ 1-3)" -> "(§§ 1-3)").
2. The ambiguous readings ("S", "Ss", "8", and "3" after an organ's abbreviation) are
   changed only at the start of a line in the numbering style that the document's
   certain headings (step 1) show: "KS § n", "§ n" or "n §", and only where the number
   that is left fits the numbers of those headings (the same number or one next to
   it: a table of contents names the items that follow). A line of figures ("8 12 000
   kr"), a list "83. …" in a document without § headings or a "KS 39" in a document
   whose items run 30, 31 … is left as it is. "88" before a range of those numbers
   ("(88 1-3)") is "§§".
3. A heading with only its number or Dnr ends its Tesseract paragraph; a few other
   misreadings of scanned minutes are undone on every line (:func:`_tidy`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

_ABBR = r"[A-ZÅÄÖ]{1,6}"
_NUM = r"\d{1,4}(?: ?[a-z](?!\w))?"  # "3", "3a", "3 a"
# 1. Certain: "$"/"&" before a number ("KS$1", "KS $ 10", "$3.", "($ 4-6)") ...
_SIGN_BEFORE = re.compile(r"(?:^|(?<=[\s(\[]))(?P<abbr>" + _ABBR + r")?[ \t]?(?<!\d[ \t])(?P<sign>[$&]{1,2})(?P<gap>[ \t]?)(?=\d)", re.M)
# ... or after it ("19 &", "16 & Sammanträdets laglighet").
_SIGN_AFTER = re.compile(r"(?:^|(?<=[\s(\[]))(?P<num>" + _NUM + r")[ \t]?[$&](?![\w$&§])(?![ \t]*\d)", re.M)

# 2. A heading line, after step 1: "KS § 3a DNR …", "§1. Sammanträdet öppnas", "16 § Val …".
_PREFIXED = re.compile(r"^(?:(?P<abbr>" + _ABBR + r")\s?)?§\s?(?P<num>" + _NUM + r")(?=[\s.:]|$)")
_SUFFIXED = re.compile(r"^(?P<num>" + _NUM + r")\s?§(?=[\s.:]|$)")
# Noisy forms of the same, by style. "3" is a "§" only after the organ's abbreviation.
_NOISY_SIGN = r"\s?(?P<sign>Ss|SS|S|s|8{abbr_only})\s?(?P<num>" + _NUM + r")(?P<rest>(?=[\s.:]|$).*)$"
_NOISY_SUFFIX = re.compile(r"^(?P<num>" + _NUM + r")\s?(?P<sign>8|S)(?P<rest>(?=[\s.:]|$).*)$")
# "§§" read as "88" before a range of items ("(88 1-3)", "Paragrafer 88 12-15").
_DOUBLE = re.compile(r"(?:^|(?<=[\s(]))88[ \t]?(?=(?P<a>\d{1,4})[ \t]*[-–][ \t]*(?P<b>\d{1,4})\b)", re.M)
# What follows a heading's number: nothing, "." or ":", a title, or the Dnr.
_DNR = re.compile(r"^\s*(?i:dnr)\b")
_HEADING_REST = re.compile(r"^[.:]?(?:\s*$|\s+(?:[A-ZÅÄÖ]|(?i:dnr)))")


# Other misreadings of scanned minutes, on every OCR'd line:
# the wide gap after a decision's "att" read as a dash ("att — godkänna", "att - godkänna");
_ATT_DASH = re.compile(r"^(\s*[Aa]tt)[ \t]+[-–—][ \t]+(?=[a-zåäö])", re.M)
# the space after a sub-item's letter lost ("a/FoU (I/D)", "d/Reservrutin Link");
_LETTER_LABEL = re.compile(r"^(\s*[a-zåäö])/(?=[A-ZÅÄÖ])", re.M)
# "I" read as "1" (or "l", "|") among capital letters in a marker such as "(I/D/B)": "(1/D)".
_MARKER = re.compile(r"\((?=[^()\n]*[A-ZÅÄÖ])[A-ZÅÄÖ1l|](?:/[A-ZÅÄÖ1l|])+\)")


def _tidy(text: str) -> str:
    text = _ATT_DASH.sub(r"\1 ", text)
    text = _LETTER_LABEL.sub(r"\1/ ", text)
    return _MARKER.sub(lambda m: re.sub(r"[1l|]", "I", m.group()), text)


def normalise(text: str) -> str:
    """One OCR'd page on its own (see :func:`normalise_pages`)."""
    return normalise_pages({0: text})[0]


def normalise_pages(pages: dict[int, str], context: Iterable[str] = ()) -> dict[int, str]:
    """The OCR'd pages of one document (page -> Tesseract text), "§" restored.

    ``context``: the text of the document's other pages (their own text layer), whose §
    headings count with the OCR'd pages' for the numbering style and its numbers.
    """
    pages = {i: _certain(_tidy(t)) for i, t in pages.items()}
    style, numbers = _style([*pages.values(), *context])
    if style is None:
        return pages
    lines = {i: t.split("\n") for i, t in sorted(pages.items())}
    changed = True
    while changed:  # a fixed heading can vouch for the next one ("19 8" between 18 and 20 §)
        changed = False
        for page in lines.values():
            for k, line in enumerate(page):
                fixed = _noisy(line, style, numbers)
                if fixed is not None:
                    page[k] = fixed
                    numbers.add(_int(_heading(fixed)[1]))
                    changed = True
    return {i: _double("\n".join(_own_paragraphs(page, style)), numbers) for i, page in lines.items()}


def _double(text: str, numbers: set[int]) -> str:
    def fix(m: re.Match) -> str:
        a, b = int(m["a"]), int(m["b"])
        return "§§ " if a < b and (_fits(a, numbers) or _fits(b, numbers)) else m.group()

    return _DOUBLE.sub(fix, text)


def _own_paragraphs(page: list[str], style: tuple) -> list[str]:
    """A heading line of the document's style with only its number or its Dnr ends its
    paragraph: Tesseract puts "KS § 2 DNR:…" and the title under it in one paragraph,
    where the heading, as the widest line, looks wrapped into the title."""
    out: list[str] = []
    for k, line in enumerate(page):
        h = _heading(line)
        if h is None or h[0] != style:
            out.append(line)
            continue
        out.append(line)
        rest = _rest(line)
        if (not rest.strip(" .:") or _DNR.match(rest)) and k + 1 < len(page) and page[k + 1].strip():
            out.append("")
    return out


def _certain(text: str) -> str:
    text = _SIGN_BEFORE.sub(_before, text)
    return _SIGN_AFTER.sub(lambda m: m["num"] + " §", text)


def _before(m: re.Match) -> str:
    abbr = f"{m['abbr']} " if m["abbr"] else ""
    return abbr + "§" * len(m["sign"]) + m["gap"]


def _rest(line: str) -> str:
    s = line.strip()
    m = _PREFIXED.match(s) or _SUFFIXED.match(s)
    return s[m.end():] if m else s


def _heading(line: str) -> tuple[tuple, str] | None:
    """(style, number) of a line that starts with a § heading: style is ("prefix", abbr) or ("suffix",)."""
    s = line.strip()
    m = _PREFIXED.match(s)
    if m and _HEADING_REST.match(s[m.end():]):
        return ("prefix", m["abbr"] or ""), m["num"]
    m = _SUFFIXED.match(s)
    if m and _HEADING_REST.match(s[m.end():]):
        return ("suffix",), m["num"]
    return None


def _style(texts: list[str]) -> tuple[tuple | None, set[int]]:
    """The numbering style most of the certain heading lines have (at least two), and their numbers."""
    found = [h for t in texts for ln in t.split("\n") if (h := _heading(ln))]
    counts = Counter(style for style, _ in found)
    if not counts:
        return None, set()
    style, n = counts.most_common(1)[0]
    if n < 2:
        return None, set()
    return style, {_int(num) for s, num in found if s == style}


def _noisy(line: str, style: tuple, numbers: set[int]) -> str | None:
    """The line with its noisy "§" restored, or None where it is no heading of ``style``."""
    indent = line[: len(line) - len(line.lstrip())]
    s = line.strip()
    if style[0] == "prefix":
        m = _noisy_prefix(style[1]).match(s)
        if not m:
            return None
        fixed = (f"{style[1]} " if style[1] else "") + "§ " + m["num"]
    else:
        m = _NOISY_SUFFIX.match(s)
        if not m:
            return None
        fixed = m["num"] + " §"
    rest, sign = m["rest"], m["sign"]
    if not _HEADING_REST.match(rest):
        return None
    n = _int(m["num"])
    # "KS 39", "168": the number as read, if it fits, is what the page says.
    as_read = None if not sign.isdigit() else _int(sign + m["num"] if style[0] == "prefix" else m["num"] + sign)
    if _fits(as_read, numbers) or not _fits(n, numbers):
        return None
    return indent + fixed + rest


@functools.lru_cache(maxsize=64)
def _noisy_prefix(abbr: str) -> re.Pattern:
    """A prefix heading with a noisy "§" after ``abbr`` (or at the line start); "3" only after an abbreviation."""
    sign = _NOISY_SIGN.replace("{abbr_only}", "|3" if abbr else "")
    return re.compile("^" + re.escape(abbr) + sign)


def _fits(n: int | None, numbers: set[int]) -> bool:
    return n is not None and bool({n - 1, n, n + 1} & numbers)


def _int(num: str) -> int | None:
    m = re.match(r"\d+", num)
    return int(m.group()) if m else None
