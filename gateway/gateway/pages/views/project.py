"""/p/<project code>: what a project's site-sign QR code opens (码上监督). Progress against
plan, milestones, funds, lead department and deadline from implementation's public page; the
published feedback and a feedback form from supervision. No personal data anywhere."""

from typing import Any

from contracts.supervision_public import CATEGORIES, CATEGORY_NAMES
from servicekit.errors import ValidationFailed
from werkzeug.wrappers import Response

from .. import forms
from ..page import Page
from ..view import View


def percent(text: str | None) -> float | None:
    """The API's percentages are decimal strings ("42.5"): a fraction for <progress>."""
    return None if text is None else float(text) / 100


def project_of(view: View) -> dict[str, Any]:
    code = view.values["project_code"]
    named = view.api.call("get_project_by_code", project_code=code)
    project = view.api.call("get_public_project", project_id=named["project_id"])
    feedback = view.api.call("list_public_feedback", project_code=code)
    return {
        "named": named,
        "project": project,
        "actual": percent(project["actual_percent"]),
        "planned": percent(project["planned_percent"]),
        "milestones": [{**m, "done": percent(m["done_percent"])} for m in project["milestones"]],
        "feedback": feedback["items"],
        "categories": [(c, CATEGORY_NAMES[c]) for c in CATEGORIES],
    }


def feedback_body(view: View) -> dict[str, Any]:
    body = forms.body_of(view.form, texts=("name", "phone", "text", "category"))
    body["anonymous"] = view.form.get("anonymous", "1") == "1"
    if body["anonymous"]:  # a name typed before choosing 匿名 is not sent
        body.pop("name", None)
        body.pop("phone", None)
    return body


def project_page(view: View) -> Response:
    """GET shows the page; POST sends a feedback (a retried post with the same form key is
    one feedback: the key is the API's Idempotency-Key) and comes back with thanks, or with
    the API's messages beside the fields."""
    code = view.values["project_code"]
    if view.request.method == "POST":
        body = feedback_body(view)
        try:
            view.api.call("submit_feedback", body=body, key=view.form.get("key"), project_code=code)
        except ValidationFailed as exc:
            return view.render(
                "project.html",
                status=exc.status,
                errors=forms.field_errors(exc),
                sent=body,
                thanks=False,
                **project_of(view),
            )
        return view.redirect(f"/p/{code}?sent=1#feedback")
    return view.render(
        "project.html",
        errors={},
        sent={"anonymous": True},
        thanks=view.request.args.get("sent") == "1",
        **project_of(view),
    )


PAGES = (Page("/p/<string:project_code>", project_page, "page_project", form=True),)
