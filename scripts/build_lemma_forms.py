"""Write ``protokoll/swedish/data/sv_lemma_forms.txt.gz``: the set of lemmas of spacy-lookups-data's
Swedish lookup table, headed by the sha256 of the table it was made from.

    .venv/bin/python scripts/build_lemma_forms.py

Run it after spacy-lookups-data changes its Swedish table: ``protokoll.nlp`` then
finds the header no longer matches and parses the whole table at every start
(correct, 0.5 s slower), and ``tests/test_lemmas.py`` fails until this is re-run.
"""

from __future__ import annotations

from protokoll.nlp.lemma_table import FORMS, write_forms

if __name__ == "__main__":
    n = write_forms(FORMS)
    print(f"{FORMS}: {n} lemmas, {FORMS.stat().st_size} bytes")
