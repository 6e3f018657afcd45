"""The petition service (信访代办)."""
