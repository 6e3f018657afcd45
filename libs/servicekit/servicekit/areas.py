"""The city / banner / township tree: reference data from a file a deployment replaces.

Every record stores its area's ancestor path ("/150600/150622/150622100/"), so "everything
under banner X" is one indexed prefix query.
"""

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from contracts.reference import LEVEL_NAMES

DEFAULT_AREAS_FILE = Path(__file__).parent / "data" / "areas_ordos.json"

LEVEL_OF_KIND = {
    "city": "city",
    "banner": "banner",
    "district": "banner",
    "town": "township",
    "sumu": "township",
    "township": "township",
    "street": "township",
}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    kind: str
    parent: str | None
    path: str
    sample: bool = False

    @property
    def level(self) -> str:
        return LEVEL_OF_KIND[self.kind]

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "level": self.level,
            "parent": self.parent,
            "sample": self.sample,
        }


class AreaTree:
    def __init__(self, rows: list[dict[str, object]]):
        by_code = {str(row["code"]): row for row in rows}
        self._areas: dict[str, Area] = {}
        for code in by_code:
            self._areas[code] = self._build(code, by_code)
        self._children: dict[str, list[Area]] = {}
        for area in self._areas.values():
            if area.parent:
                self._children.setdefault(area.parent, []).append(area)

    def _build(self, code: str, rows: dict[str, dict[str, object]]) -> Area:
        row = rows[code]
        parent = row.get("parent")
        if parent is not None and parent not in rows:
            raise ValueError(f"area {code} names unknown parent {parent}")
        if row["kind"] not in LEVEL_OF_KIND:
            raise ValueError(f"area {code} has unknown kind {row['kind']}")
        path = (self._build(str(parent), rows).path if parent else "/") + f"{code}/"
        return Area(code, str(row["name"]), str(row["kind"]), parent, path, bool(row.get("sample")))

    def get(self, code: str) -> Area | None:
        return self._areas.get(code)

    def children(self, code: str) -> list[Area]:
        return sorted(self._children.get(code, []), key=lambda area: area.code)

    def roots(self) -> list[Area]:
        return [area for area in self._areas.values() if area.parent is None]

    def all(self) -> list[Area]:
        return sorted(self._areas.values(), key=lambda area: area.path)

    def within(self, code: str, scope: str) -> bool:
        """True when `code` is the scope area itself or lies anywhere under it."""
        area = self._areas.get(code)
        return area is not None and f"/{scope}/" in area.path


@cache
def load(path: str | None = None) -> AreaTree:
    source = Path(path or os.environ.get("AREAS_FILE") or DEFAULT_AREAS_FILE)
    document = json.loads(source.read_text(encoding="utf-8"))
    return AreaTree(document["areas"])


def require(code: str) -> Area:
    """The area of `code`, or a 400 naming the unknown code (every service's first check)."""
    from .errors import ValidationFailed  # here: errors → nameko is heavier than this module

    area = load().get(code)
    if area is None:
        raise ValidationFailed(
            "未知的行政区划代码 (unknown area code)",
            {"area_code": [f"未知地区 (unknown area) {code}"]},
        )
    return area
