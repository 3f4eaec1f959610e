"""Parsing: a Document into a Protocol (meeting, attendance, items, decisions). Pure: no I/O."""
