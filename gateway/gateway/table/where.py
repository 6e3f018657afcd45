"""How a route finds the level to call: an area code in the request, the caller's own area, or
the level letter that starts an id (sessions, tracking codes, ballot tokens).

A level named by the path is judged before the body is read (a malformed session id is a 404,
like an unknown one); the others once the body or query has loaded. Area scope is the
gateway's check where the area code in the request is the record's area; where it only says
which level to ask (a roster by id), the service checks the record's own area instead.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from servicekit.errors import NotFound, ValidationFailed
from servicekit.routing import level_of_area

if TYPE_CHECKING:
    from .handle import Exchange


class Where(Protocol):
    @property
    def statuses(self) -> frozenset[int]:
        """What finding the level can answer."""

    @property
    def needs_login(self) -> bool: ...

    def from_path(self, values: Mapping[str, Any]) -> str | None:
        """The level the path names, or None when the path names none."""

    def level(self, exchange: "Exchange") -> str: ...


Scope = bool | Callable[[Mapping[str, Any]], bool]  # always, never, or when the body says so


@dataclass(frozen=True)
class Area:
    """An area code in the body, the query or the path. `scoped`: the caller must be logged in
    (401) and cover that area (403), checked before the code's level is looked up (400)."""

    source: str  # "body" (as loaded), "query" or "path"
    name: str = "area_code"
    scoped: Scope = True
    needs_login: bool = False  # the scope check asks for the login itself

    @classmethod
    def body(cls, scoped: Scope = True) -> "Area":
        return cls("body", scoped=scoped)

    @classmethod
    def query(cls, scoped: bool = True) -> "Area":
        return cls("query", scoped=scoped)

    @classmethod
    def path(cls, name: str) -> "Area":
        return cls("path", name)

    @property
    def statuses(self) -> frozenset[int]:
        return frozenset({400, 401, 403} if self.scoped else {400})

    def from_path(self, values: Mapping[str, Any]) -> None:
        return None

    def level(self, exchange: "Exchange") -> str:
        code = exchange.part(self.source)[self.name]
        scoped = self.scoped(exchange.body or {}) if callable(self.scoped) else self.scoped
        if scoped:
            exchange.gateway.identity.require(area_code=code)
        return level_of_area(code)


@dataclass(frozen=True)
class CallerArea:
    """The caller's own area, for id-addressed collection routes: every collection level shares
    one database, so the caller's level answers, and the service checks the record's area."""

    statuses: frozenset[int] = frozenset({400})  # a caller without a known area
    needs_login: bool = True

    def from_path(self, values: Mapping[str, Any]) -> None:
        return None

    def level(self, exchange: "Exchange") -> str:
        principal = exchange.principal
        return level_of_area((principal.area_code or "") if principal else "")


@dataclass(frozen=True)
class Letter:
    """A level named by the first letter of an id: in the path, a malformed id is 404 (the same
    answer as an unknown one), judged before the body; in the body, a 400 on that field."""

    source: str  # "path" or "body"
    name: str
    level_of: Callable[[str], str | None]
    unknown: str  # 中文 (English): what the refusal says
    needs_login: bool = False

    @property
    def statuses(self) -> frozenset[int]:
        return frozenset({404} if self.source == "path" else {400})

    def from_path(self, values: Mapping[str, Any]) -> str | None:
        if self.source != "path":
            return None
        level = self.level_of(values[self.name])
        if level is None:
            raise NotFound(self.unknown)
        return level

    def level(self, exchange: "Exchange") -> str:
        level = self.level_of(exchange.part(self.source)[self.name])
        if level is None:
            raise ValidationFailed(self.unknown, {self.name: [self.unknown]})
        return level
