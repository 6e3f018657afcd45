"""Supervision's pure rules: the standard library only (import-linter keeps it
so)."""
