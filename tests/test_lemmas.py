"""The lemma table looked up in place (nlp/lemma_table.py) answers as the parsed dict does."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protokoll.nlp import lemma_table as lt


@pytest.fixture(scope="module")
def parsed() -> dict[str, str]:
    """The installed Swedish table, parsed whole: what the old dict-backed table was."""
    return json.loads(gzip.decompress(lt.table_path().read_bytes()))


@pytest.fixture(scope="module")
def table() -> lt.LemmaTable:
    return lt.load_table()


def test_shipped_forms_are_made_from_the_installed_table(parsed):
    """If this fails, spacy-lookups-data changed its table: run scripts/build_lemma_forms.py."""
    packed = lt.table_path().read_bytes()
    forms = lt._read_forms(lt.FORMS, hashlib.sha256(packed).hexdigest())
    assert forms is not None, "the shipped lemma set names another table: run scripts/build_lemma_forms.py"
    assert forms == frozenset(parsed.values())


def test_installed_table_is_in_the_layout_searched(table, parsed):
    """One entry per line, keys in sorted order: every line read back is the dict's entry."""
    assert lt._in_layout(gzip.decompress(lt.table_path().read_bytes()))
    assert list(table.items()) == sorted(parsed.items())
    assert table.forms == frozenset(parsed.values())


def test_lookups_agree_with_the_dict(table, parsed):
    keys = sorted(parsed)
    words = keys[::5] + [k.lower() for k in keys[::5]]
    words += [k + "x" for k in keys[::50]] + [k[:-1] for k in keys[::50]]
    words += [k for k in keys if "/" in k]  # written "roll-on\/roll-off" in the file
    words += ["", " ", "\\", '"', "a\\/b", 'kommun": "', "\n", "\x00", "\uffff", "zzzzzz", "!", keys[0], keys[-1]]
    words += [k.replace("/", "\\/") for k in keys if "/" in k]  # the raw text, not a key
    assert [table.get(w) for w in words] == [parsed.get(w) for w in words]
    assert [w in table for w in words] == [w in parsed for w in words]
    assert table.get("nonsensord", "default") == "default"
    with pytest.raises(KeyError):
        table["nonsensord"]
    assert table["kommunerna"] == parsed["kommunerna"]


def test_another_table_is_parsed_instead(tmp_path, table, parsed):
    """A lemma set made from another table (or unreadable) is not used: forms come from
    parsing the installed one, and the answers stay the same."""
    sha = hashlib.sha256(lt.table_path().read_bytes()).hexdigest()
    stale = tmp_path / "stale.txt.gz"
    stale.write_bytes(gzip.compress(b"sha256 " + b"0" * 64 + b"\nbil\nhus"))
    broken = tmp_path / "broken.txt.gz"
    broken.write_bytes(b"not gzip")
    for path in (stale, broken, tmp_path / "missing.txt.gz"):
        assert lt._read_forms(path, sha) is None
    assert lt._read_forms(lt.FORMS, sha)
    slow = lt.load_table(forms_path=stale)
    assert slow.forms == frozenset(parsed.values())
    probes = ("kommunerna", "roll-on/roll-off-fartygen", "Qwerty")
    assert [slow.get(w) for w in probes] == [table.get(w) for w in probes] == [parsed.get(w) for w in probes]


def test_a_table_in_another_layout_is_rewritten_into_it(tmp_path, parsed):
    """A table not written one entry per line (compact JSON, unsorted, other
    escapes) is parsed and dumped into the layout, and answers as the dict does."""
    sample = dict(sorted(parsed.items())[::97])
    sample["roll-on/roll-off-fartygen"] = parsed["roll-on/roll-off-fartygen"]
    compact = json.dumps(dict(reversed(list(sample.items()))), ensure_ascii=True, separators=(",", ":"))
    assert not lt._in_layout(compact.encode())
    path = tmp_path / "sv_lemma_lookup.json.gz"
    path.write_bytes(gzip.compress(compact.encode()))
    table = lt.load_table(path=path)  # the shipped lemma set names the installed table: parsed too
    assert lt._in_layout(table.text)
    assert table.forms == frozenset(sample.values())
    assert list(table.items()) == sorted(sample.items())
    probes = [*sample, "kommunerna", "Qwerty", *(k + "x" for k in list(sample)[::50])]
    assert [table.get(w) for w in probes] == [sample.get(w) for w in probes]


words = st.text(st.sampled_from('ab/"\\\n\tåö -'), max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(words, words, max_size=40), st.lists(words, max_size=20),
       st.sampled_from([1, 16, 64, 4096]), st.booleans())
def test_search_matches_dict(d, probes, block, slash_escaped):
    """Any table in the layout, escapes included (srsly also writes "/" as "\\/"), and
    any block size of the sparse index."""
    text = lt.dump(d)
    if slash_escaped:
        text = text.replace(b"/", b"\\/")
    assert json.loads(text) == d
    table = lt.LemmaTable(text, frozenset(d.values()), block=block)
    for w in list(d) + probes + [k + "a" for k in d] + [k[:-1] for k in d]:
        assert table.get(w) == d.get(w), w
    assert list(table.items()) == sorted(d.items())
