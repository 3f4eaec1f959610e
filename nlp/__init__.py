"""Tagging: spaCy pipeline for people, organisations, amounts and dates.

    >>> from protokoll import nlp as tagging
    >>> nlp = tagging.load()               # build once; nothing is loaded at import time
    >>> protocol = tagging.tag(protocol, nlp)

The pipeline is ``spacy.blank("sv")`` with registered components: ``sv_numbers``
(Swedish number tokens), ``protokoll_lemmas`` (the lookup table of spacy-lookups-data),
``protokoll_money``, ``protokoll_dates``, ``protokoll_orgs`` and ``protokoll_persons``,
which calls the shipped ``ner`` model (trained by ``scripts/train_ner.py`` on the
CC BY 4.0 Swedish NER corpus) only for capitalised words the rules leave open.
The normalisers are plain functions: :func:`parse_amount`, :func:`parse_date`.
"""

from __future__ import annotations

from .dates import parse_date
from .money import parse_amount
from .tagging import lemmas, tag

__all__ = ["load", "tag", "parse_amount", "parse_date", "lemmas"]


def load(*, use_model: bool = True):
    """Build the tagging pipeline (no download). ``use_model=False`` leaves the
    statistical NER out: rules, attendance list and gazetteer only."""
    import spacy

    from . import lemma_table, orgs, persons, tokens  # noqa: F401  (registers the component factories)
    from .model import add_ner
    from .spans import register_extensions

    register_extensions()
    nlp = spacy.blank("sv", config={"nlp": {"tokenizer": {"@tokenizers": tokens.TOKENIZER}}})
    nlp.add_pipe("sv_numbers")
    nlp.add_pipe("protokoll_lemmas")
    nlp.add_pipe("protokoll_money")
    nlp.add_pipe("protokoll_dates")
    nlp.add_pipe("protokoll_orgs")
    if use_model:
        add_ner(nlp)
        nlp.disable_pipe("ner")  # run by protokoll_persons on open questions only
    nlp.add_pipe("protokoll_persons", config={"use_model": use_model})
    return nlp
