"""A test-only consumer of collection's events: counts effects so tests can prove exactly-once."""
