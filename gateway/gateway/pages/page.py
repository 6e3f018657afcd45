"""One page, declared once: its path, whether it takes forms, who may open it."""

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from .view import View


@dataclass(frozen=True)
class Page:
    rule: str  # werkzeug's form: /p/<string:project_code>
    handler: "Callable[[View], Response]"
    name: str  # the entrypoint: metrics label and log name (page_…)
    _: KW_ONLY
    # POST as well as GET: the form's CSRF token is checked before the handler runs.
    form: bool = False
    # None: anyone; a set: a login (the session cookie) with one of these roles, else the
    # login page (a browser is sent there, not shown a 401).
    roles: frozenset[str] | None = None
    # What the page shows may not be kept by a shared browser or proxy (a ballot, a receipt).
    no_store: bool = False

    @property
    def methods(self) -> str:
        return "GET,POST" if self.form else "GET"
