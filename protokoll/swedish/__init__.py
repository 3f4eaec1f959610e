"""Swedish shared by the stages: words and grammar that ingest, parsers and nlp all read.

Each kind of Swedish vocabulary has one home. What more than one stage needs is here;
what one stage alone needs is in that stage's vocabulary module (``parsers/vocab.py``,
``nlp/vocab.py``, ``nlp/amount_cues.py``). This package imports nothing of the project,
so every stage may import it.

- :mod:`.dates`: month and weekday names, time and period words, and the date grammar:
  the header reader of the parsers (:func:`.dates.find_date`, :func:`.dates.find_times`)
  and the patterns and values of the dates nlp tags in running text.
- :mod:`.bodies`: the words that name a decision-making body or an organisation, and
  what a body does ("beslutar").
- :mod:`.people`: titles and roles, name particles, party abbreviations.
- :mod:`.lemmas`: the shipped set of Swedish lemmas (``data/sv_lemma_forms.txt.gz``).
- :mod:`.privacy`: the words before a phone number, and the words of typically
  confidential matters (read by :mod:`protokoll.privacy` and :mod:`protokoll.review`).
"""
