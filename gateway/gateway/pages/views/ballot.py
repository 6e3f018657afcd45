"""/b: the ballot a deputy's token opens (代表票决), and /b/check: a receipt checked.

The token's QR code (voting.qr) encodes `/b#<token>`: the fragment never reaches a server, so
the token is in no request line, access log or Referer; ballot.js moves it into the form and
posts it. Typed by hand, it arrives the same way, as a POST field. Every step is a POST of the
same form, the token carried in a hidden field, never in a URL:

- `open`: the ballot (voting's open_ballot): candidates in ballot order with summary, cost and
  lead department; approve / oppose / abstain each (or mark up to K; or 满意 / 基本满意 /
  不满意 in a satisfaction vote). A token already spent answers its receipt instead.
- `confirm`: the choices read back for checking, as hidden fields (works without JavaScript).
- `cast`: the API's cast; its refusal (more than K approvals…) is shown above the ballot with
  the choices kept. A retried cast with the same token answers the first receipt (the API's
  rule), so a lost reply or a double tap never counts twice. Then 303 to /b/check.

No page here is stored by a browser or proxy (no_store), and none sends a Referer.
"""

from typing import Any
from urllib.parse import urlencode

from contracts import voting as contract
from servicekit.errors import NotFound, ServiceError
from werkzeug.wrappers import Response

from ..page import Page
from ..view import View

CHOICE_NAMES = {
    "approve": "赞成",
    "oppose": "反对",
    "abstain": "弃权",
    **{c: c for c in contract.SATISFACTION_CHOICES},
}
NOT_OPEN = {
    "draft": "本次投票尚未开始，请等待主持人宣布开始投票后再打开。",
    "deliberation": "代表团审议中，投票尚未开始，请等待主持人宣布开始投票。",
}
CLOSED = "本轮投票已结束，不能再投票。"


def field_name(candidate_id: str) -> str:
    return f"c-{candidate_id}"


def choices_of(form: Any, paper: dict[str, Any]) -> dict[str, str]:
    """The form's choices for this ballot's candidates (nothing chosen: absent = abstain or not
    marked); values are passed on as sent, for the API to judge."""
    chosen: dict[str, str] = {}
    for candidate in paper["candidates"]:
        value = form.get(field_name(candidate["id"]), "").strip()
        if value:
            chosen[candidate["id"]] = value
    return chosen


def approvals(chosen: dict[str, str]) -> int:
    return sum(1 for value in chosen.values() if value == "approve")


def receipt_url(session_id: str, receipt: str, repeated: bool = False) -> str:
    """Where a cast lands: the receipt (not secret: it says nothing of the ballot and is
    published with the result) and the session, never the token."""
    query = {"session_id": session_id, "receipt": receipt, **({"again": "1"} if repeated else {})}
    return f"/b/check?{urlencode(query)}"


def ballot_page(view: View) -> Response:
    if view.request.method == "GET":
        return view.render("ballot/enter.html", token="", error=None)
    token = view.form.get("token", "").strip().upper().replace(" ", "").replace("-", "")
    try:
        paper = view.api.call("open_ballot", body={"token": token})
    except NotFound as exc:
        return view.render("ballot/enter.html", status=404, token=token, error=exc.message)
    except ServiceError as exc:  # a malformed code (422), too many unknown ones (429)
        return view.render("ballot/enter.html", status=exc.status, token=token, error=exc.message)
    if paper["receipt"]:
        return view.redirect(receipt_url(paper["session_id"], paper["receipt"], repeated=True))
    if paper["state"] != "open":
        message = NOT_OPEN.get(paper["state"], CLOSED)
        return view.render("ballot/enter.html", status=409, token="", error=message)
    step = view.form.get("step", "open")
    chosen = choices_of(view.form, paper) if step in ("confirm", "cast", "change") else {}
    context = {"token": token, "paper": paper, "chosen": chosen, "names": CHOICE_NAMES}
    if step == "confirm":
        return view.render("ballot/confirm.html", approvals=approvals(chosen), **context)
    if step == "cast":
        body = {"session_id": paper["session_id"], "token": token, "choices": chosen}
        try:
            receipt = view.api.call("cast_ballot", body=body)
        except ServiceError as exc:  # more than K approvals (422); closed meanwhile (409)
            return view.render(
                "ballot/ballot.html", status=exc.status, error=exc.message, **context
            )
        return view.redirect(
            receipt_url(receipt["session_id"], receipt["receipt"], receipt["repeated"])
        )
    return view.render("ballot/ballot.html", error=None, **context)


def check_page(view: View) -> Response:
    """A receipt checked against the box: right after the cast (the redirect lands here), or
    later by hand with the session number and the receipt code."""
    session_id = view.request.args.get("session_id", "").strip()
    code = view.request.args.get("receipt", "").strip().upper()
    result, error = None, None
    if session_id and code:
        try:
            result = view.api.call("check_receipt", session_id=session_id, code=code)
        except ServiceError as exc:
            error = exc.message
    return view.render(
        "ballot/check.html",
        session_id=session_id,
        code=code,
        result=result,
        error=error,
        again=view.request.args.get("again") == "1",
    )


PAGES = (
    Page("/b", ballot_page, "page_ballot", form=True, no_store=True),
    Page("/b/check", check_page, "page_ballot_check", no_store=True),
)
