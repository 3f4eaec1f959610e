"""The shipped statistical NER model: its architecture and where its weights live.

The weights in ``nlp/model/`` are built by ``scripts/train_ner.py`` from the Swedish NER
corpus (Webbnyheter 2012, Språkbanken, via klintan/swedish-ner-corpus, CC BY 4.0).
"""

from __future__ import annotations

from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent / "model"

# A small, CPU-cheap transition-based NER with its own HashEmbedCNN tok2vec.
NER_CONFIG = {
    "model": {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 64,
        "maxout_pieces": 2,
        "use_upper": True,
        "tok2vec": {
            "@architectures": "spacy.HashEmbedCNN.v2",
            "pretrained_vectors": None,
            "width": 64,
            "depth": 2,
            "embed_size": 2000,
            "window_size": 1,
            "maxout_pieces": 2,
            "subword_features": True,
        },
    }
}


def add_ner(nlp):
    """Add the shipped ``ner`` component to ``nlp``: built from :data:`NER_CONFIG` and
    its weights read from :data:`MODEL_DIR` (no download). Reading the component alone
    skips building the saved pipeline's own tokenizer (~0.2 s)."""
    from protokoll.errors import ProtokollError

    if not (MODEL_DIR / "ner").is_dir():
        raise ProtokollError(
            f"the NER model is missing from {MODEL_DIR}",
            hint="build it with: python scripts/train_ner.py",
        )
    ner = nlp.add_pipe("ner", config=NER_CONFIG)
    ner.from_disk(MODEL_DIR / "ner", exclude=["vocab"])  # the strings are hashed, not looked up
    return ner
