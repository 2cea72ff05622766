"""The UI-free core: config, store, scheduler, journal, incident, actions, exports.

Nothing under this package may import textual, widgets or tui.app/screens
(tests/test_layers.py keeps that true), so the CLI reuses it without a UI.
"""
