"""Levels as configuration, not code: a worker serves one level (or all), and its nameko service
name is derived here, in one place, so nothing else hard-codes `collection_township`."""

from contracts.reference import LEVELS


def service_name_for(service: str, level: str) -> str:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    return f"{service}_{level}"


def logical_name(service_name: str) -> str:
    """`collection_township` -> `collection`; a name without a level suffix is returned as is."""
    head, _, tail = service_name.rpartition("_")
    return head if head and tail in LEVELS else service_name


def level_of_service(service_name: str) -> str | None:
    _, _, tail = service_name.rpartition("_")
    return tail if tail in LEVELS else None
