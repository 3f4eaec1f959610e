"""Tagging: spaCy pipeline for people, organisations, amounts and dates. Nothing is loaded at import time."""
