"""Stancewire: who takes what stance toward whom, from news text."""

__version__ = "0.1.0"
