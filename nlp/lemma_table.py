"""``protokoll_lemmas``: Swedish lookup lemmas from spacy-lookups-data, looked up in place.

spacy-lookups-data ships the table as a sorted JSON object of 660,000 entries, one per
line (``    "form": "lemma",``). Read into a dict it costs 0.4 s and 110 MB in every
import (spaCy's own lookup ``lemmatizer`` builds a hashed ``Table`` in 2 s); the rules
only ask it about a few hundred capitalised words per protocol. :class:`LemmaTable`
keeps the decompressed text as one ``bytes`` (70 ms, 23 MB, shared by forked workers
because nothing writes to it) and finds a word by bisecting a sparse index of its
lines and searching one 4 KB block, with a bounded cache in front.

The set of lemmas (93,000 distinct values, for "is this a Swedish word") would need
the whole table parsed, so it ships in ``protokoll/swedish/data/sv_lemma_forms.txt.gz``, made by
``scripts/build_lemma_forms.py`` and tagged with the sha256 of the table it was made
from. When the installed table is another one, both are built from the parsed JSON
instead: slower, never wrong.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

from spacy.language import Language

from protokoll.swedish.lemmas import FORMS

_HEADER = b"{\n"
_ENTRY = b'    "'  # every entry line starts so in spacy-lookups-data's layout


def table_path(lang: str = "sv") -> Path:
    """The installed spacy-lookups-data lemma table for ``lang`` (no download)."""
    import spacy_lookups_data

    from protokoll.errors import ProtokollError

    path = Path(spacy_lookups_data.__file__).resolve().parent / "data" / f"{lang}_lemma_lookup.json.gz"
    if not path.is_file():
        raise ProtokollError(f"the lemma table is missing: {path}", hint="reinstall: pip install spacy-lookups-data")
    return path


def load_table(lang: str = "sv", forms_path: Path | None = FORMS, path: Path | None = None) -> LemmaTable:
    """Word form → lemma from the installed spacy-lookups-data, with the set of lemmas.

    ``forms_path`` is the shipped set of lemmas; it is used only if it was made from
    this very table (same sha256), otherwise the table is parsed. ``path`` is another
    gzipped JSON table to read instead of the installed one.
    """
    packed = (path or table_path(lang)).read_bytes()
    text = gzip.decompress(packed)
    forms = _read_forms(forms_path, hashlib.sha256(packed).hexdigest()) if forms_path else None
    in_layout = _in_layout(text)
    if forms is None or not in_layout:
        table = json.loads(text)
        if forms is None:
            forms = frozenset(table.values())
        if not in_layout:  # a text already in the layout is searched as it is
            text = dump(table)
    return LemmaTable(text, forms)


def dump(table: dict[str, str]) -> bytes:
    """``table`` in spacy-lookups-data's layout: sorted keys, one entry per line."""
    if not table:
        return _HEADER + b"}"
    return json.dumps(table, indent=4, sort_keys=True, ensure_ascii=False).encode()


def _in_layout(text: bytes) -> bool:
    return text.startswith(_HEADER + _ENTRY) and text[-8:].rstrip().endswith(b'"\n}')


def _read_forms(path: Path, table_sha256: str) -> frozenset[str] | None:
    """The shipped lemma set if its header names the table ``table_sha256``, else None."""
    try:
        header, _, body = gzip.decompress(path.read_bytes()).decode().partition("\n")
    except (OSError, EOFError, UnicodeDecodeError):
        return None
    if header != f"sha256 {table_sha256}":
        return None
    return frozenset(body.split("\n")) if body else frozenset()


def write_forms(path: Path, lang: str = "sv") -> int:
    """Write the set of lemmas of the installed table to ``path``; returns its size."""
    packed = table_path(lang).read_bytes()
    forms = sorted(set(json.loads(gzip.decompress(packed)).values()))
    body = "\n".join([f"sha256 {hashlib.sha256(packed).hexdigest()}", *forms])
    path.write_bytes(gzip.compress(body.encode(), mtime=0))
    return len(forms)


class LemmaTable:
    """A read-only mapping of word forms to lemmas over ``text``, a JSON object in
    spacy-lookups-data's layout (:func:`dump`), plus ``forms``, the set of its values.

    A lookup bisects a sparse index (the first key of every ``block`` bytes) and then
    finds the entry's line, ``\\n    "form": "``, inside that one block. Keys compare as
    UTF-8 bytes, whose order is the code-point order of ``sort_keys``. The few lines
    with a JSON escape (``roll-on\\/roll-off``, or an escaped lemma) are decoded into
    a dict at load and looked up there first; their raw text never matches a word
    without a backslash, and a word with one is looked up only there. (No other false
    match: a raw line holds no control characters, and a ``"`` in the word would have
    to close both the key and the lemma.) The last ``cache`` answers are kept.
    """

    def __init__(self, text: bytes, forms: frozenset[str], block: int = 4096, cache: int = 1 << 16):
        self.text = text
        self.forms = forms
        self._end = text.rindex(b"\n}")  # the newline after the last entry
        self._escaped = {}
        at = text.find(b"\\")
        while at != -1:
            start, end = text.rfind(b"\n", 0, at) + 1, text.find(b"\n", at)
            key, lemma = _entry(text[start:end])
            self._escaped[key] = lemma
            at = text.find(b"\\", end)
        self._starts, self._keys = [], []  # block starts (line starts) and their keys
        start = len(_HEADER)
        while start < self._end:
            end = text.find(b"\n", start)
            line = text[start:end]
            key = _entry(line)[0].encode() if b"\\" in line else line[len(_ENTRY):line.index(b'"', len(_ENTRY))]
            self._starts.append(start)
            self._keys.append(key)
            start = text.find(b"\n", start + block) + 1
            if start == 0:  # no newline after this block: it was the last one
                break
        self._starts.append(self._end + 1)
        # a protocol asks about some 400 words, few of them new: 0.1 µs instead of 3 µs
        self._find = lru_cache(maxsize=cache)(self._search)

    def get(self, word: str, default=None):
        lemma = self._find(word)
        return default if lemma is None else lemma

    def _search(self, word: str) -> str | None:
        lemma = self._escaped.get(word)  # first: a plain key may have an escaped lemma
        if lemma is not None:
            return lemma
        target = word.encode()
        if b"\\" not in target:  # else it could match an escaped line's raw text
            i = bisect_right(self._keys, target)
            if i:
                pattern = b"\n" + _ENTRY + target + b'": "'
                starts, text = self._starts, self.text
                at = text.find(pattern, starts[i - 1] - 1, starts[i] - 1 + len(pattern))
                if at != -1:
                    at += len(pattern)
                    return text[at:text.index(b'"', at)].decode()
        return None

    def __contains__(self, word) -> bool:
        return isinstance(word, str) and self._find(word) is not None

    def __getitem__(self, word: str) -> str:
        lemma = self._find(word)
        if lemma is None:
            raise KeyError(word)
        return lemma

    def items(self):
        """Every (form, lemma) in key order (for tests and tools; reads the whole text)."""
        text, start = self.text, len(_HEADER)
        while start < self._end:
            end = text.find(b"\n", start)
            yield _entry(text[start:end])
            start = end + 1


def _entry(line: bytes) -> tuple[str, str]:
    """(form, lemma) of one entry line."""
    ((key, lemma),) = json.loads(b"{" + line.rstrip(b",") + b"}").items()
    return key, lemma


class LookupLemmas:
    """Sets ``token.lemma_`` from :attr:`table`; the person rules read the table too."""

    def __init__(self, table: LemmaTable):
        self.table = table

    def __call__(self, doc):
        get = self.table.get
        for token in doc:
            token.lemma_ = get(token.text, token.text)
        return doc


@Language.factory("protokoll_lemmas", default_config={"lang": "sv"})
def make_lemmas(nlp: Language, name: str, lang: str):
    """Lookup lemmas for ``lang`` from spacy-lookups-data."""
    return LookupLemmas(load_table(lang))
