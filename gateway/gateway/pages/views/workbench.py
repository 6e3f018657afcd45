"""The deputy's workbench (代表工作台), behind a deputy's login: /w lists the matters addressed
to me with their time limits, the 12345 work orders I supervise and my duty posts; /w/m/<id>
is one matter with a form for each action the API offers me now (accept, tier, route, report
up, extend, resolve); /w/poster is my QR poster to print, its SVG served by /w/poster.svg from
the API's own poster route.

The deputy is found by the login's username among the deputies of the login's area (a
deputy's profile names its account, 账号)."""

from typing import Any

from servicekit.errors import NotFound, ServiceError, ValidationFailed
from werkzeug.wrappers import Response

from ...table.handle import serve
from .. import forms
from ..api import Api, routes_by_name
from ..page import Page
from ..view import View
from .petition import errors_by_field, nested_body

DEPUTY = frozenset({"deputy"})
# The actions a deputy takes on the workbench, in the order they come, with their fields.
ACTIONS = {
    "accept": ("受理", ("note", "method")),
    "tier": (
        "确定代办方式",
        (
            "tier",
            "method",
            "department",
            "due_date",
            "departments",
            "meeting_held_on",
            "meeting_place",
            "meeting_attendees",
            "meeting_decisions",
            "note",
        ),
    ),
    "route": ("分流至部门", ("department", "due_date", "method", "note")),
    "report-up": ("上报上级", ("reason", "method")),
    "extend": ("延期", ("days", "reason")),
    "resolve": ("办结", ("result", "note")),
}
ACTION_OF = {"report_up": "report-up"}
# The form shown open: the next step a matter usually takes.
USUAL = ("accept", "resolve", "tier", "route")  # allowed_actions speak snake case
TIERS = (("direct", "首接代办"), ("diversion", "分流代办"), ("joint", "联合代办"))
METHODS = (("supervise", "督办"), ("follow", "盯办"), ("assist", "协办"), ("investigate", "查办"))
# Form field -> its place in MatterActionIn (lists are split on 、 , ，).
PATHS = {
    "note": ("note",),
    "method": ("method",),
    "tier": ("tier",),
    "department": ("department",),
    "due_date": ("due_date",),
    "departments": ("departments",),
    "meeting_held_on": ("meeting", "held_on"),
    "meeting_place": ("meeting", "place"),
    "meeting_attendees": ("meeting", "attendees"),
    "meeting_decisions": ("meeting", "decisions"),
    "reason": ("reason",),
    "days": ("days",),
    "result": ("result",),
}
LISTS = ("departments", "meeting_attendees")
SEPARATORS = ("、", "，", ",")


def split_list(text: str) -> list[str]:
    for mark in SEPARATORS[1:]:
        text = text.replace(mark, SEPARATORS[0])
    return [part.strip() for part in text.split(SEPARATORS[0]) if part.strip()]


def action_body(action: str, typed: dict[str, str]) -> dict[str, Any]:
    """MatterActionIn from the action's form: only its own fields, blanks left out, lists
    split, the number of days a number when it is one (else the API names the field)."""
    names = ACTIONS[action][1]
    body = nested_body({n: typed.get(n, "") for n in names if n not in LISTS}, PATHS)
    for name in LISTS:
        if name in names and typed.get(name, "").strip():
            path = PATHS[name]
            target = body.setdefault(path[0], {}) if len(path) > 1 else body
            target[path[-1]] = split_list(typed[name])
    if str(body.get("days", "")).isdigit():
        body["days"] = int(body["days"])
    return body


def me(view: View) -> dict[str, Any]:
    """My deputy profile: the deputy of my area whose account is this login."""
    principal = view.principal
    found = view.api.call(
        "list_deputies", query={"area_code": principal.area_code, "page_size": 200}
    )
    for deputy in found["items"]:
        if deputy["username"] == principal.username:
            return dict(deputy)
    raise NotFound("该账号未关联代表信息 (no deputy profile for this account)")


def workbench(view: View) -> Response:
    deputy = me(view)
    area = view.principal.area_code
    matters = view.api.call("list_matters", query={"area_code": area, "page_size": 100})
    orders = view.api.call(
        "list_work_orders", query={"area_code": area, "mine": "true", "page_size": 100}
    )
    posts = view.api.call(
        "list_duty_posts",
        query={"area_code": deputy["area_code"], "deputy_code": deputy["public_code"]},
    )
    return view.render(
        "petition/workbench.html",
        deputy=deputy,
        matters=matters,
        orders=orders,
        posts=posts,
    )


def workbench_matter(view: View) -> Response:
    """GET shows the matter; POST takes one action (the form's `action`) and 303s back, or
    shows the API's refusal beside the action's fields with what was typed."""
    matter_id = view.values["matter_id"]
    errors: forms.FieldErrors = {}
    typed: dict[str, str] = {}
    failed, status = None, 200
    if view.request.method == "POST":
        action = view.form.get("action", "")
        if action not in ACTIONS:
            raise NotFound("没有这个办理操作 (no such action)")
        typed = {name: view.form.get(name, "") for name in ACTIONS[action][1]}
        try:
            view.api.call(
                "act_on_matter", body=action_body(action, typed), matter_id=matter_id,
                matter_action=action,
            )  # fmt: skip
            return view.redirect(f"/w/m/{matter_id}?done={action}")
        except ValidationFailed as exc:
            errors, failed, status = errors_by_field(exc.details, PATHS), action, exc.status
        except ServiceError as exc:  # not allowed in this state, not mine
            errors, failed, status = {"_schema": [exc.message]}, action, exc.status
    matter = view.api.call("get_matter", matter_id=matter_id)
    allowed = [ACTION_OF.get(a, a) for a in matter["allowed_actions"]]
    done = view.request.args.get("done", "")
    return view.render(
        "petition/workbench_matter.html",
        status=status,
        matter=matter,
        actions=[(a, ACTIONS[a][0]) for a in ACTIONS if a in allowed],
        primary=next((a for a in USUAL if a in allowed), None),
        done=ACTIONS[done][0] if done in ACTIONS else None,
        failed=failed,
        errors=errors,
        typed=typed,
        tiers=TIERS,
        methods=METHODS,
    )


def poster(view: View) -> Response:
    return view.render("petition/poster.html", deputy=me(view))


class FileApi(Api):
    """A file route (an image) of the API in this worker, answered as the route answers."""

    def file(self, name: str, **values: Any) -> Response:
        route = routes_by_name()[name]
        return serve(route, self.gateway, self._request(route, values, None, None, None), values)


def poster_svg(view: View) -> Response:
    """My poster's SVG from the API's poster route (an <img> sends no bearer token)."""
    deputy = me(view)
    api = FileApi(view.gateway, view.request)
    return view.finish(api.file("get_deputy_poster", deputy_id=deputy["id"]))


PAGES = (
    Page("/w", workbench, "page_workbench", roles=DEPUTY),
    Page(
        "/w/m/<string:matter_id>",
        workbench_matter,
        "page_workbench_matter",
        form=True,
        roles=DEPUTY,
    ),
    Page("/w/poster", poster, "page_workbench_poster", roles=DEPUTY),
    Page("/w/poster.svg", poster_svg, "page_workbench_poster_svg", roles=DEPUTY),
)
