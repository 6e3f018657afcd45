"""Validating a Fiscal Data Package with frictionless, offline.

frictionless validates the package as the Tabular Data Package it is (every CSV value against
its Table Schema, the primary key, the declared size and hash). The Fiscal Data Package's own
profile is published at specs.frictionlessdata.io, and frictionless would fetch it; tests talk
to 127.0.0.1 only, so `FDP_PROFILE` restates what that profile adds to a tabular package (the
`model` of measures and dimensions, countryCode, granularity, fiscalPeriod), and frictionless
validates the descriptor against it too. `model_references` checks what a JSON Schema cannot:
that the model names real columns.
"""

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from frictionless import Metadata, validate

_WORD = "^\\w+"
_DAY = "^\\d{4}-(0?[1-9]|1[012])-(0?[1-9]|[12]\\d|3[01])"
FDP_PROFILE: dict[str, Any] = {
    "type": "object",
    "required": ["resources", "profile", "model"],
    "properties": {
        "profile": {"enum": ["tabular-data-package"]},
        "model": {
            "type": "object",
            "required": ["measures", "dimensions"],
            "properties": {
                "measures": {
                    "type": "object",
                    "minProperties": 1,
                    "patternProperties": {
                        _WORD: {
                            "type": "object",
                            "required": ["source", "currency"],
                            "properties": {
                                "source": {"type": "string"},
                                "resource": {"type": "string"},
                                "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                                "factor": {"type": "number"},
                                "direction": {"enum": ["expenditure", "revenue"]},
                                "phase": {"enum": ["proposed", "approved", "adjusted", "executed"]},
                            },
                        }
                    },
                },
                "dimensions": {
                    "type": "object",
                    "minProperties": 1,
                    "patternProperties": {
                        _WORD: {
                            "type": "object",
                            "required": ["attributes", "primaryKey"],
                            "properties": {
                                "attributes": {
                                    "type": "object",
                                    "minProperties": 1,
                                    "patternProperties": {
                                        _WORD: {
                                            "type": "object",
                                            "required": ["source"],
                                            "properties": {
                                                "source": {"type": "string"},
                                                "resource": {"type": "string"},
                                                "constant": {"type": ["string", "number"]},
                                                "parent": {"type": "string"},
                                                "labelfor": {"type": "string"},
                                            },
                                        }
                                    },
                                },
                                "primaryKey": {
                                    "oneOf": [
                                        {"type": "string"},
                                        {
                                            "type": "array",
                                            "minItems": 1,
                                            "items": {"type": "string"},
                                        },
                                    ]
                                },
                                "dimensionType": {
                                    "enum": [
                                        "datetime",
                                        "entity",
                                        "classification",
                                        "activity",
                                        "fact",
                                        "location",
                                        "other",
                                    ]
                                },
                                "classificationType": {
                                    "enum": ["functional", "administrative", "economic"]
                                },
                            },
                        }
                    },
                },
            },
        },
        "countryCode": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "granularity": {"enum": ["aggregated", "transactional"]},
        "fiscalPeriod": {
            "type": "object",
            "required": ["start"],
            "properties": {
                "start": {"type": "string", "pattern": _DAY},
                "end": {"type": "string", "pattern": _DAY},
            },
        },
    },
}


def model_references(descriptor: dict[str, Any]) -> list[str]:
    """Every measure and attribute names a column; keys and labels name attributes."""
    (resource,) = descriptor["resources"]
    columns = {field["name"] for field in resource["schema"]["fields"]}
    problems = []
    model = descriptor["model"]
    for name, measure in model["measures"].items():
        if measure["source"] not in columns:
            problems.append(f"measure {name}: no column {measure['source']}")
    for name, dimension in model["dimensions"].items():
        attributes = dimension["attributes"]
        for attribute, spec in attributes.items():
            if spec["source"] not in columns:
                problems.append(f"{name}.{attribute}: no column {spec['source']}")
            if "labelfor" in spec and spec["labelfor"] not in attributes:
                problems.append(f"{name}.{attribute}: labels no attribute {spec['labelfor']}")
        keys = dimension["primaryKey"]
        for key in [keys] if isinstance(keys, str) else keys:
            if key not in attributes:
                problems.append(f"{name}: primary key {key} is no attribute")
    return problems


def unpack(archive: bytes, folder: Path) -> dict[str, Any]:
    """The zip's files written to `folder`; its descriptor."""
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert sorted(opened.namelist()) == ["datapackage.json", "funds.csv"]
        opened.extractall(folder)
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def problems_of(folder: Path) -> list[str]:
    """Everything frictionless and the model check find wrong with the unpacked package."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    report = validate(str(folder / "datapackage.json"))
    found = [f"{row[0]}: {row[1]}" for row in report.flatten(["type", "note"])]
    found += [error.note for error in Metadata.metadata_validate(descriptor, profile=FDP_PROFILE)]
    return found + model_references(descriptor)
