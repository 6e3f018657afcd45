"""The supervision service (人大评 · 监督)."""
