"""/s/<session id>: a published result for anyone — per candidate counts, elected and rank,
the digest and the audit chain's head, how to check it with `python -m voting.verify`, and the
downloads (the API's own export routes: JSON, CSV, Excel, Pabulib). Before publication the API
answers 401/403 and so does this page."""

from werkzeug.wrappers import Response

from ..page import Page
from ..view import View
from .desk import result_facts

# (label, format, file name suffix) of the API's export routes
DOWNLOADS = (
    ("JSON（可校验）", "json"),
    ("CSV", "csv"),
    ("Excel", "xlsx"),
    ("Pabulib", "pb"),
)


def session_result(view: View) -> Response:
    session_id = view.values["session_id"]
    result = view.api.call("get_result", session_id=session_id)
    downloads = [(label, f"/api/v1/sessions/{session_id}/export.{fmt}") for label, fmt in DOWNLOADS]
    return view.render(
        "desk/public_result.html",
        downloads=downloads,
        json_file=f"session-{session_id}.json",
        **result_facts(result),
    )


PAGES = (Page("/s/<string:session_id>", session_result, "page_session_result"),)
