"""码上找代表 for residents: /d/<code>, what a deputy's (or a station's) QR code opens — who
answers, the station and its duty days, the deputy's recent duty posts, and the matter form;
/m/<tracking code>, the matter's progress and, once resolved, the resident's rating.

Everything comes from the public routes (get_public_code, submit_matter, track_matter,
rate_matter); the resident's name and phone go to the API and are never shown back."""

from typing import Any

from contracts.matters import MATTER_CATEGORIES, SATISFACTION
from servicekit.errors import ServiceError, ValidationFailed
from werkzeug.wrappers import Response

from .. import forms
from ..page import Page
from ..view import View

SATISFACTION_NAMES = {"satisfied": "满意", "basically": "基本满意", "dissatisfied": "不满意"}
# The matter form's fields, and where each sits in the API's body (nested ones by path).
MATTER_FIELDS = {
    "title": ("title",),
    "text": ("text",),
    "category": ("category",),
    "place": ("location", "text"),
    "resident_name": ("resident", "name"),
    "resident_phone": ("resident", "phone"),
}


def nested_body(typed: dict[str, str], paths: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """The API body from the form's flat fields: blank ones left out (the schema's default or
    `required` applies), nested ones under their parent."""
    body: dict[str, Any] = {}
    for name, path in paths.items():
        value = (typed.get(name) or "").strip()
        if not value:
            continue
        target = body
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return body


def errors_by_field(details: Any, paths: dict[str, tuple[str, ...]]) -> forms.FieldErrors:
    """The API's per-field messages onto the form's flat fields: {"location": {"text": [...]}}
    lands on the field whose path is location.text; a message for a whole nested object (or a
    field the form does not have) on its parent's first field, else the form's `_schema`."""
    found: forms.FieldErrors = {}
    if not isinstance(details, dict):
        return found
    by_path = {path: name for name, path in paths.items()}

    def place(path: tuple[str, ...], value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                place((*path, str(key)), inner)
            return
        name = by_path.get(path) or next(
            (n for p, n in by_path.items() if p[: len(path)] == path), "_schema"
        )
        found.setdefault(name, []).extend(
            [str(v) for v in value] if isinstance(value, list) else [str(value)]
        )

    for key, value in details.items():
        place((str(key),), value)
    return found


def code_page(view: View) -> dict[str, Any]:
    page = view.api.call("get_public_code", public_code=view.values["public_code"])
    holder = page["holder"]
    deputy = holder["deputy"]
    station = holder["station"] or (deputy or {}).get("station")
    return {
        "code_page": page,
        "holder": holder,
        "deputy": deputy,
        "station": station,
        "posts": (deputy or {}).get("recent_posts", []),
        "categories": MATTER_CATEGORIES,
    }


def deputy_page(view: View) -> Response:
    """GET shows who answers the code and the form; POST submits the matter (the form key is
    the API's Idempotency-Key: a double tap is one matter) and 303s to its tracking page, or
    shows the API's messages beside the fields with what was typed."""
    shown = code_page(view)
    if view.request.method == "POST":
        typed = {name: view.form.get(name, "") for name in MATTER_FIELDS}
        body = {"code": shown["holder"]["code"], **nested_body(typed, MATTER_FIELDS)}
        try:
            made = view.api.call("submit_matter", body=body, key=view.form.get("key"))
        except ValidationFailed as exc:
            errors = errors_by_field(exc.details, MATTER_FIELDS)
            return view.render(
                "petition/deputy.html", status=exc.status, errors=errors, typed=typed, **shown
            )
        except ServiceError as exc:  # a revoked code with nobody after it, a limit
            errors = {"_schema": [exc.message]}
            return view.render(
                "petition/deputy.html", status=exc.status, errors=errors, typed=typed, **shown
            )
        return view.redirect(f"/m/{made['tracking_code']}?new=1")
    return view.render("petition/deputy.html", errors={}, typed={}, **shown)


def matter_page(view: View) -> Response:
    """The tracking page; POST rates a resolved matter (once) and comes back to it."""
    code = view.values["tracking_code"]
    errors: forms.FieldErrors = {}
    typed: dict[str, str] = {}
    status = 200
    if view.request.method == "POST":
        body = forms.body_of(view.form, texts=("satisfaction", "comment"))
        typed = {k: str(v) for k, v in body.items()}
        try:
            view.api.call("rate_matter", body=body, tracking_code=code)
            return view.redirect(f"/m/{code}?rated=1#rating")
        except ValidationFailed as exc:
            errors, status = forms.field_errors(exc), exc.status
        except ServiceError as exc:  # rated already, not resolved
            errors, status = {"_schema": [exc.message]}, exc.status
    matter = view.api.call("track_matter", tracking_code=code)
    return view.render(
        "petition/matter.html",
        status=status,
        matter=matter,
        new=view.request.args.get("new") == "1",
        rated=view.request.args.get("rated") == "1",
        errors=errors,
        typed=typed,
        choices=[(s, SATISFACTION_NAMES[s]) for s in SATISFACTION],
    )


PAGES = (
    Page("/d/<string:public_code>", deputy_page, "page_deputy_code", form=True),
    Page("/m/<string:tracking_code>", matter_page, "page_matter", form=True),
)
