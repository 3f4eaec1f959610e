"""The self-check of one parsed document: what a person should look at, and how badly.

:func:`check` compares the items found with the range the cover declares (missing and
extra numbers), finds numbers found twice and items without a decision block, and
counts the warnings of ingest (OCR'd pages, broken text layers, damaged pages) and of
the parser. :attr:`Quality.score` orders documents worst first: 0 means nothing to
look at. Pure, never raises; the store keeps one row per document
(:mod:`protokoll.quality`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# How much each finding weighs in the score: a document without items is unusable, a
# wrong item list misfiles decisions, an item without a decision or a warning may be
# right but needs a look.
NO_ITEMS = 20
WRONG_NUMBER = 3  # each missing, extra or repeated number
UNDECIDED = 1  # each item without a decision block
WARNING = 1  # each warning


@dataclass(frozen=True)
class Quality:
    kind: str | None  # protocol, agenda, extract (None: not known)
    declared: tuple[str, str] | None  # (first, last) as the cover states, or None
    found: int  # items found
    missing: tuple[str, ...]  # declared numbers no item has
    extra: tuple[str, ...]  # numbers found outside the declared range
    repeated: tuple[str, ...]  # numbers found more than once
    undecided: tuple[str, ...]  # numbers of the items without any decision block
    warnings: tuple[str, ...]

    @property
    def score(self) -> int:
        return (
            NO_ITEMS * (self.found == 0)
            + WRONG_NUMBER * (len(self.missing) + len(self.extra) + len(self.repeated))
            + UNDECIDED * len(self.undecided)
            + WARNING * len(self.warnings)
        )

    @property
    def declared_count(self) -> int | None:
        return None if self.declared is None else int(self.declared[1]) - int(self.declared[0]) + 1


def _base(number: str) -> int | None:
    """"3a" → 3: a number with a letter belongs to the number's place in a range."""
    m = re.match(r"\d+", number or "")
    return int(m.group(0)) if m else None


def check(numbers: list[str], decided: list[bool], *, declared=None, warnings=(), kind="protocol") -> Quality:
    """The quality of a document whose items have these ``numbers`` (in order) and
    ``decided`` (whether each has a decision block), given the cover's ``declared``
    (first, last) and the document's ``warnings``."""
    counts = Counter(numbers)
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    if declared is not None:
        lo, hi = int(declared[0]), int(declared[1])
        bases = {_base(n) for n in numbers}
        missing = tuple(str(n) for n in range(lo, hi + 1) if n not in bases)
        extra = tuple(dict.fromkeys(n for n in numbers if (b := _base(n)) is None or not lo <= b <= hi))
    return Quality(
        kind=kind,
        declared=None if declared is None else (str(declared[0]), str(declared[1])),
        found=len(numbers),
        missing=missing,
        extra=extra,
        repeated=tuple(n for n, c in counts.items() if c > 1),
        undecided=tuple(n for n, d in zip(numbers, decided) if not d),
        warnings=tuple(warnings),
    )


def of(protocol) -> Quality:
    """The quality of a parsed :class:`~protokoll.records.Protocol`."""
    return check(
        [it.number for it in protocol.items],
        [bool(it.decisions) for it in protocol.items],
        declared=protocol.declared,
        warnings=protocol.warnings,
        kind=protocol.kind,
    )
