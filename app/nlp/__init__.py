"""Extraction code the workers run: pure spaCy and data, no web framework."""
