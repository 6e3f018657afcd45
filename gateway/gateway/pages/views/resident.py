"""The residents' pages, no account needed (征集): `/` chooses an area among the area tree
with its open collection notices; `/a/<area code>` shows the area's notices and takes a
proposal (JavaScript off or on: a plain POST, then 303 to the tracking page); `/t/<code>`
tracks a proposal by its code (`/t?code=…` is the small form that leads there).

Everything comes from the public API routes (list_areas, get_area, list_notices,
submit_proposal, track_proposal); a resident's name and phone go to the API and never back
onto a page."""

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from contracts.reference import CATEGORIES, PUBLIC_CHANNEL
from servicekit.errors import NotFound, RuleViolation, ValidationFailed
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import forms
from ..page import Page
from ..view import View

TEXTS = ("title", "description", "category", "submitter_name", "submitter_phone")
# The form's own names for the API's nested or converted fields (the API's name -> the form's).
RENAMED = {
    "location.text": "location_text",
    "location.lat": "lat",
    "location.lng": "lng",
    "estimated_cost_fen": "estimated_cost_yuan",
}
STANDING_NAMES = {"ahead": "超序时", "on_track": "正常", "lagging": "慢序时"}
# How far along a proposal is, for the steps on the tracking page.
STEPS = ("收到建议", "政府筛选", "入选项目库", "代表票决", "立项实施")
REACHED = {
    "submitted": 1,
    "needs_info": 2,
    "rejected": 2,
    "in_library": 3,
    "merged": 1,
    "adopted": 4,
    "not_adopted": 4,
}
# Where a proposal's way ends short of a project.
ENDED = frozenset({"rejected", "not_adopted"})
# The other ways in besides this page (the staff channels of contracts.reference).
OTHER_CHANNELS = (
    ("找人大代表", "到代表联络站或代表之家当面提出，由代表代为录入"),
    ("写信", "寄信给本级人民政府或人大常委会"),
    ("来访", "到政府接待窗口当面提出"),
    ("打热线", "拨打 12345 政务服务便民热线"),
)


# ---- areas and notices ---------------------------------------------------------------------


def area_tree(view: View) -> list[dict[str, Any]]:
    """Every area with its parent's code, as list_areas answers (ordered by path)."""
    return list(view.api.call("list_areas")["items"])


def open_notices(view: View, area_code: str, within: bool = False) -> list[dict[str, Any]]:
    query = {"area_code": area_code, "within": "true" if within else "false"}
    items = view.api.call("list_notices", query=query)["items"]
    return [n for n in items if n["status"] == "open"]


def nested(areas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The flat list as a tree: each area with its `children` (list_areas is in path order,
    so a parent comes before its children)."""
    by_code: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for area in areas:
        node = {**area, "children": []}
        by_code[area["code"]] = node
        parent = by_code.get(area["parent"] or "")
        (parent["children"] if parent else roots).append(node)
    return roots


def home(view: View) -> Response:
    """The area tree, each area with its open notices: one question per root of the tree
    (`within`: the notices of everything under it)."""
    areas = area_tree(view)
    found: dict[str, list[dict[str, Any]]] = {}
    for root in (a for a in areas if a["parent"] is None):
        for notice in open_notices(view, root["code"], within=True):
            found.setdefault(notice["area_code"], []).append(notice)
    for area in areas:
        area["open"] = found.get(area["code"], [])
    return view.render("resident/home.html", tree=nested(areas), code="", error=None)


# ---- the proposal form -----------------------------------------------------------------------


def number_or_text(value: str | None, scale: int = 1, whole: bool = True) -> Any:
    """A typed number as the API's JSON number; anything unreadable is sent as typed, so the
    API's own message says what is wrong with it."""
    if value is None:
        return None
    try:
        number = Decimal(value.replace(",", "").replace("，", "")) * scale
    except InvalidOperation:
        return value
    if not number.is_finite():
        return value
    if whole:
        return int(number) if number == number.to_integral_value() else value
    return float(number)


def proposal_body(form: MultiDict[str, str], area_code: str) -> dict[str, Any]:
    body = forms.body_of(form, texts=TEXTS)
    body["area_code"] = area_code
    body["channel"] = PUBLIC_CHANNEL
    location: dict[str, Any] = {}
    if (text := forms.text_or_none(form, "location_text")) is not None:
        location["text"] = text
    for name in ("lat", "lng"):
        if (value := number_or_text(forms.text_or_none(form, name), whole=False)) is not None:
            location[name] = value
    body["location"] = location
    cost = number_or_text(forms.text_or_none(form, "estimated_cost_yuan"), scale=100)
    if cost is not None:
        body["estimated_cost_fen"] = cost
    beneficiaries = number_or_text(forms.text_or_none(form, "beneficiaries"))
    if beneficiaries is not None:
        body["beneficiaries"] = beneficiaries
    return body


def proposal_errors(exc: ValidationFailed) -> forms.FieldErrors:
    """The API's per-field messages under the form's field names (location's parts apart)."""
    details = dict(exc.details) if isinstance(exc.details, dict) else {}
    location = details.pop("location", None)
    if isinstance(location, dict):
        for part, messages in location.items():
            details[RENAMED.get(f"location.{part}", "location_text")] = messages
    elif location is not None:  # the whole location refused
        details["location_text"] = location
    found = forms.field_errors(ValidationFailed(exc.message, details))
    return {RENAMED.get(name, name): messages for name, messages in found.items()}


def area_of(view: View, code: str) -> dict[str, Any]:
    """The area with its ancestors and children; 404 for a code not in the tree (the API
    answers an unknown code with 400, a page with 没有找到)."""
    if not any(a["code"] == code for a in area_tree(view)):
        raise NotFound("没有这个地区 (unknown area)")
    return dict(view.api.call("get_area", code=code))


def area_context(view: View, code: str) -> dict[str, Any]:
    area = area_of(view, code)
    notices = view.api.call("list_notices", query={"area_code": code, "within": "false"})["items"]
    return {
        "area": area,
        "open": [n for n in notices if n["status"] == "open"],
        "upcoming": [n for n in notices if n["status"] == "upcoming"],
        "categories": CATEGORIES,
        "channels": OTHER_CHANNELS,
    }


def area_page(view: View) -> Response:
    """GET: the notices and the form; POST: the proposal (the form's key is the API's
    Idempotency-Key: a double tap or a retried post is one proposal), then the tracking page,
    or the form again with the API's messages beside its fields and what was typed kept."""
    code = view.values["area_code"]
    if view.request.method == "POST":
        body = proposal_body(view.form, code)
        try:
            created = view.api.call("submit_proposal", body=body, key=view.form.get("key"))
        except (ValidationFailed, RuleViolation) as exc:
            errors = proposal_errors(exc) if isinstance(exc, ValidationFailed) else {}
            return view.render(
                "resident/area.html",
                status=exc.status,
                errors=errors,
                problem=exc.message,
                sent=view.form,
                **area_context(view, code),
            )
        return view.redirect(f"/t/{quote(created['tracking_code'])}?new=1#h-new")
    return view.render(
        "resident/area.html",
        errors={},
        problem=None,
        sent=MultiDict(),
        **area_context(view, code),
    )


# ---- tracking ----------------------------------------------------------------------------------


def track_lookup(view: View) -> Response:
    """/t?code=…: the small form's answer is the code's own page (any case, spaces ignored)."""
    code = "".join(view.request.args.get("code", "").split()).upper()
    if code:
        return view.redirect(f"/t/{quote(code, safe='')}")
    return view.render("resident/lookup.html", code="", error=None)


def percent_fraction(text: str | None) -> float | None:
    return None if text is None else float(text) / 100


def track_page(view: View) -> Response:
    tracked = view.api.call("track_proposal", tracking_code=view.values["tracking_code"])
    project = tracked["project"]
    names = {a["code"]: a["name"] for a in area_tree(view)}
    return view.render(
        "resident/track.html",
        tracked=tracked,
        area_name=names.get(tracked["area_code"], tracked["area_code"]),
        new=view.request.args.get("new") == "1",
        steps=STEPS,
        reached=REACHED[tracked["status"]] + (1 if project else 0),
        ended=tracked["status"] in ENDED,
        project=project,
        progress=percent_fraction(project["progress_percent"]) if project else None,
        standing=STANDING_NAMES.get(project["standing"] or "") if project else None,
    )


PAGES = (
    Page("/", home, "page_home"),
    Page("/a/<string:area_code>", area_page, "page_area", form=True),
    Page("/t", track_lookup, "page_track_lookup"),
    Page("/t/<string:tracking_code>", track_page, "page_track", no_store=True),
)
