"""The session desk (congress staff, 会务): one screen per session for the hall — check-in
count against the quorum, the ballots cast so far (a number, never what they say) updating
live, and the steps of the state machine (open, close, tally, announce, publish), each a POST
form answered with 303; the announced result with its digest on a projector page.

The live count is a small HTML fragment (`/desk/<id>/count`) that the vendored htmx asks for
every 2 s; it answers 286 (htmx: stop polling) once the vote is over. Without JavaScript the
page shows the count at load and a refresh link."""

from typing import Any

from contracts.voting import SESSION_KIND_NAMES
from servicekit import areas
from servicekit.errors import ServiceError, ValidationFailed
from werkzeug.wrappers import Response

from ..page import Page
from ..view import View

STAFF = frozenset({"congress_staff", "admin"})
STATE_NAMES = {
    "draft": "草稿",
    "deliberation": "代表团审议中",
    "open": "投票中",
    "closed": "投票已结束",
    "tallied": "已计票",
    "announced": "已宣布结果",
    "published": "已公布",
}
# state -> (the step the desk offers next, its button, its API route's entrypoint)
NEXT_STEP = {
    "draft": ("deliberation", "开始代表团审议", "start_deliberation"),
    "deliberation": ("open", "开始投票", "open_session"),
    "open": ("close", "结束投票", "close_session"),
    "closed": ("tally", "计票", "tally_session"),
    "tallied": ("announce", "当场宣布结果", "announce_session"),
    "announced": ("publish", "公开结果与选票", "publish_session"),
}
STEPS = {step: route for step, _, route in NEXT_STEP.values()}
DONE = {
    "deliberation": "已开始代表团审议。",
    "open": "投票已开始。",
    "close": "投票已结束。",
    "tally": "计票完成。",
    "announce": "结果已宣布。",
    "publish": "结果与选票已公开。",
}
LIVE_STATES = ("draft", "deliberation", "open")  # the count may still change
STOP_POLLING = 286  # htmx: the poll's last answer


def session_facts(session: dict[str, Any]) -> dict[str, Any]:
    return {
        "session": session,
        "state_name": STATE_NAMES.get(session["state"], session["state"]),
        "kind_name": SESSION_KIND_NAMES.get(session["kind"], session["kind"]),
        "quorum_met": session["present"] >= session["quorum_needed"],
        "live": session["state"] in LIVE_STATES,
        "next_step": NEXT_STEP.get(session["state"]),
    }


def desk_list(view: View) -> Response:
    """/desk: the sessions of the staff's area (or of an area below it, ?area_code=)."""
    home = view.principal.area_code or ""
    code = view.request.args.get("area_code") or home
    place = areas.load().get(code)
    found = view.api.call("list_sessions", query={"area_code": code})["items"]
    sessions = [{**s, "state_name": STATE_NAMES.get(s["state"], s["state"])} for s in found]
    return view.render(
        "desk/list.html",
        area_code=code,
        area_name=place.name if place else code,
        below=areas.load().children(code),
        parent=place.parent if place and code != home else None,
        sessions=sessions,
    )


def desk(view: View) -> Response:
    """GET: the session's screen. POST step=<open|close|tally|announce|publish>: that step
    through its API route, then 303 back (announce: to the projector page)."""
    session_id = view.values["session_id"]
    if view.request.method == "POST":
        step = view.form.get("step", "")
        try:
            if step not in STEPS:
                raise ValidationFailed("未知的操作 (unknown step)", {"step": ["未知的操作"]})
            view.api.call(STEPS[step], body={}, session_id=session_id)
        except ServiceError as exc:
            session = view.api.call("get_session", session_id=session_id)
            facts = session_facts(session)
            return view.render(
                "desk/session.html", status=exc.status, error=exc.message, done=None, **facts
            )
        if step == "announce":
            return view.redirect(f"/desk/{session_id}/result")
        return view.redirect(f"/desk/{session_id}?done={step}")
    session = view.api.call("get_session", session_id=session_id)
    done = DONE.get(view.request.args.get("done", ""))
    return view.render("desk/session.html", error=None, done=done, **session_facts(session))


def desk_count(view: View) -> Response:
    """The live part of the desk: present / quorum and ballots cast (a fragment for htmx)."""
    session = view.api.call("get_session", session_id=view.values["session_id"])
    facts = session_facts(session)
    status = 200 if facts["live"] else STOP_POLLING
    return view.render("desk/count.html", status=status, **facts)


def desk_result(view: View) -> Response:
    """The projector page: the announced (or tallied) result in large type, with its digest."""
    session_id = view.values["session_id"]
    result = view.api.call("get_result", session_id=session_id)
    return view.render("desk/result.html", **result_facts(result))


def result_facts(result: dict[str, Any]) -> dict[str, Any]:
    """The last round's rows by rank, and the figures a result page shows."""
    rounds = [{**r, "rows": by_rank(r["candidates"])} for r in result["rounds"]]
    last = rounds[-1] if rounds else None
    return {
        "result": result,
        "rounds": rounds,
        "last": last,
        "rows": last["rows"] if last else [],
        "tally": last["tally"] if last else {},
        "state_name": STATE_NAMES.get(result["state"], result["state"]),
        "kind_name": SESSION_KIND_NAMES.get(result["kind"], result["kind"]),
    }


def by_rank(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rank first (unranked rows last, in ballot order)."""
    return sorted(rows, key=lambda r: r.get("rank") or 10**6)


PAGES = (
    Page("/desk", desk_list, "page_desk_list", roles=STAFF),
    Page("/desk/<string:session_id>", desk, "page_desk", form=True, roles=STAFF, no_store=True),
    Page(
        "/desk/<string:session_id>/count",
        desk_count,
        "page_desk_count",
        roles=STAFF,
        no_store=True,
    ),
    Page("/desk/<string:session_id>/result", desk_result, "page_desk_result", roles=STAFF),
)
