"""Collection's use cases: each takes a session (and the outbox when it emits), does one thing
in one transaction, and returns contract-shaped data."""
