"""Modal screens: help, confirmations, note and incident dialogs."""
