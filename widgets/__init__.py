"""Textual widgets, one per panel. They render data they are given and own no I/O."""
