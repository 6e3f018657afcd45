"""Supervision's application layer: each function takes its ports, does one thing,
commits once."""
