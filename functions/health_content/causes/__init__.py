"""Cause lookup: the taxonomy of causes of cramps and seizures, and its in-memory search index."""
