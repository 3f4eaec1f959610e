"""PER: names from the protocol's attendance list and presenters, a first-name gazetteer
and, only where those leave a run of capitalised words unexplained, the statistical NER
model. Swedish words (spaCy's lookup tables) are never taken for surnames by the model
path, and "Regionen"-like inflected nouns never end a name.

Titles and roles before a name ("programledare Malin Johansson") are not part of it.
First-name-only mentions ("Mats berättar …") are resolved later, per protocol, by
:func:`protokoll.nlp.tagging.tag`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from protokoll.swedish.names import NOT_NAMES, ROLES

from .canonical import person_key
from .spans import add_entities, capitalised, in_entity, make_span
from .vocab import first_names

_STOP = set(ROLES) | set(NOT_NAMES)
_NOUN_ENDINGS = ("en", "et", "n", "t", "na", "erna", "arna", "orna", "ens", "ets", "nas")


@Language.factory("protokoll_persons", default_config={"use_model": True, "max_name_tokens": 4})
def make_persons(nlp: Language, name: str, use_model: bool, max_name_tokens: int):
    """Tag PER spans with ``._.key``. ``doc.user_data["people"]`` maps the keys of the
    protocol's known people (attendance list, item presenters) to the rule to report."""
    return PersonTagger(nlp, use_model, max_name_tokens)


class PersonTagger:
    def __init__(self, nlp: Language, use_model: bool, max_name_tokens: int):
        self.nlp = nlp
        self.use_model = use_model
        self.max_name_tokens = max_name_tokens
        self.first_names = first_names()
        lemmas = nlp.get_pipe("protokoll_lemmas").table if "protokoll_lemmas" in nlp.component_names else None
        self.lemmas = lemmas if lemmas is not None else {}
        self.lemma_forms = lemmas.forms if use_model and lemmas is not None else frozenset()

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs, batch_size: int = 1000):
        """:meth:`__call__` over ``docs``, with one run of the NER model per batch (in
        :func:`~protokoll.nlp.tagging.tag`, per protocol) over the open questions of all
        its Docs: each run costs about 0.5 ms besides its sentences, and a protocol
        asks about three of its items. The model reads each sentence on its own, so
        batching changes none of its answers."""
        for batch in minibatch(docs, batch_size):
            questions = []
            for doc in batch:
                open_runs = self.tag_rules(doc)
                if open_runs and self.use_model:
                    questions.append((doc, open_runs))
            if questions:
                self.ask_model(questions)
            yield from batch

    def tag_rules(self, doc: Doc) -> list:
        """Tag the names the rules find; return the runs left open for the model."""
        people = doc.user_data.get("people", {})
        open_runs, spans = [], []
        for run in self.runs(doc):
            run = self.strip_roles(run)
            if not run:
                continue
            known = self.match_known(doc, run, people)
            first = run[0].text.lower()
            if known is not None:
                spans.append(known)
            elif first in self.first_names and len(run) > 1:
                spans.append(make_span(doc, run[0].idx, run[-1].idx + len(run[-1]), "PER",
                                       key=person_key(_text(run)), rule="per-gazetteer"))
            elif first in self.first_names and run[0].i > 0 and doc[run[0].i - 1].lower_ in ROLES:
                spans.append(make_span(doc, run[0].idx, run[0].idx + len(run[0]), "PER", rule="per-role-first-name"))
            elif self.open_question(run):
                open_runs.append(run)
        add_entities(doc, spans)
        return open_runs

    def runs(self, doc: Doc):
        """Runs of capitalised word tokens outside entities; one line break may sit
        between a lone first name and a surname ("Helene \\n Andersson"). Only the
        tokens that start with a capital are looked at."""
        inside = in_entity(doc)
        run = []
        for i in capitalised(doc):
            token = doc[i]
            if not name_like(token) or inside[i] or token.lower_ in _STOP:
                if run:
                    yield run
                run = []
                continue
            if run and i != run[-1].i + 1 and not self._line_break_after_first_name(doc, run, i):
                yield run
                run = []
            run.append(token)
        if run:
            yield run

    def _line_break_after_first_name(self, doc: Doc, run, i: int) -> bool:
        """Whether only line-break space tokens lie between a one-word run that is a
        first name and token ``i``."""
        return len(run) == 1 and run[0].lower_ in self.first_names and all(
            doc[j].is_space and "\n" in doc[j].text for j in range(run[0].i + 1, i))

    def strip_roles(self, run):
        while run and (run[0].lower_ in _STOP or self.inflected(run[0])):
            run = run[1:]
        out = []
        for t in run[: self.max_name_tokens]:
            if out and self.inflected(t):
                break
            out.append(t)
        return out

    def inflected(self, token) -> bool:
        """A definite or plural form of a common noun ("Regionen", "Kommunerna"): its
        lemma from the lookup table plus a Swedish ending. Never a surname."""
        word = token.lower_
        lemma = self.lemmas.get(word) if self.lemmas else None
        if lemma is None or word in self.first_names or not word.startswith(lemma[:-1]):
            return False
        return word[len(lemma):] in _NOUN_ENDINGS or word[len(lemma) - 1:] in _NOUN_ENDINGS

    def match_known(self, doc, run, people) -> Span | None:
        """A span for the longest prefix of ``run`` that is a known person of this
        protocol, or None."""
        for end in range(len(run), 0, -1):
            key = person_key(_text(run[:end]))
            if key in people:
                return make_span(doc, run[0].idx, run[end - 1].idx + len(run[end - 1]), "PER",
                                 key=key, rule=people[key])
        return None

    def ask_model(self, questions) -> None:
        """Run the NER model (batched) on the sentences that hold unexplained runs, for
        each ``(doc, runs)`` of ``questions``; keep its PER spans that overlap them and
        pass :meth:`plausible_name`."""
        ner = self.nlp.get_pipe("ner")
        windows = []  # (doc, (start, end), runs in that sentence)
        for doc, runs in questions:
            sentences = {}
            for run in runs:
                sentences.setdefault(_sentence(doc, run[0].i), []).append(run)
            windows.extend((doc, bounds, wruns) for bounds, wruns in sentences.items())
        subs = ner.pipe(
            Doc(self.nlp.vocab, words=[t.text for t in doc[s:e]], spaces=[bool(t.whitespace_) for t in doc[s:e]])
            for doc, (s, e), _ in windows
        )
        spans = {id(doc): [] for doc, _ in questions}
        for (doc, (start, end), wruns), sub in zip(windows, subs):
            for ent in sub.ents:
                s, e = start + ent.start, start + ent.end
                span = doc[s:e]
                if ent.label_ != "PER" or not self.plausible_name(span):
                    continue
                if any(s <= r[-1].i and r[0].i < e for r in wruns):
                    spans[id(doc)].append(make_span(doc, span.start_char, span.end_char, "PER",
                                                    key=person_key(span.text), rule="per-model"))
        for doc, _ in questions:
            add_entities(doc, spans[id(doc)])

    def open_question(self, run) -> bool:
        """Whether the model could add a name here: two or more words inside a sentence,
        not all of them Swedish words (see :meth:`plausible_name`)."""
        return len(run) > 1 and not _line_start(run[0]) and not all(self.swedish_word(t.lower_) for t in run)

    def plausible_name(self, span) -> bool:
        """A model PER worth keeping: two or more name-like words inside a sentence (not
        opening a heading, bullet or table cell), none of them a Swedish word or compound
        ("Cosmic Link", "Program Nära vård", "Blekinges Närsjukvårdsmodell")."""
        if len(span) < 2 or not all(name_like(t) for t in span) or _line_start(span[0]):
            return False
        return not any(self.swedish_word(t.lower_) for t in span if t.lower_ not in self.first_names)

    def swedish_word(self, word: str) -> bool:
        """In the lookup table as a form or lemma, or ending in a lemma of 6+ letters
        (a compound: "närsjukvårdsmodell")."""
        if word in self.lemmas or word in self.lemma_forms:
            return True
        return any(word[i:] in self.lemma_forms for i in range(1, len(word) - 5))


def _line_start(token) -> bool:
    """Whether only bullets and punctuation precede ``token`` on its line."""
    i = token.i - 1
    while i >= 0 and "\n" not in token.doc[i].text and "\n" not in token.doc[i].whitespace_:
        if token.doc[i].is_alpha or token.doc[i].like_num:
            return False
        i -= 1
    return True


def name_like(token) -> bool:
    """Capitalised, not all capitals, letters (and hyphens) only: "Inga-Lisa", "Mats"."""
    t = token.text
    return t[:1].isupper() and not t.isupper() and t.replace("-", "").isalpha() and len(t) > 1


def _sentence(doc: Doc, i: int) -> tuple[int, int]:
    """Token bounds of the line/sentence around token ``i`` (at most 60 tokens)."""
    start = i
    while start > 0 and i - start < 40 and not _boundary(doc[start - 1]):
        start -= 1
    end = i + 1
    while end < len(doc) and end - i < 20 and not _boundary(doc[end]):
        end += 1
    return start, end


def _boundary(token) -> bool:
    return token.text in (".", "!", "?") or "\n" in token.text


def _text(tokens) -> str:
    return " ".join(t.text for t in tokens)
