"""The implementation service (政府办 · 实施)."""
