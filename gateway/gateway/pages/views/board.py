"""/board/<area code>: the public progress board (进度公示) — the year's projects of an area
and everything under it against plan, lagging ones marked, the completion rate, and a chart
drawn on the server as SVG (presentation attributes only: the CSP allows no style=).
?year= chooses the year (this year in Beijing by default)."""

from datetime import datetime
from typing import Any

from servicekit.errors import ValidationFailed
from werkzeug.wrappers import Response

from ..filters import CHINA
from ..page import Page
from ..view import View

FIRST_YEAR = 2018
# The chart: one row per project, a bar for progress and a tick for 序时进度 (the plan).
LABEL_WIDTH, BAR_WIDTH, ROW_HEIGHT, TOP = 150, 200, 34, 26
COLOURS = {"ahead": "#1e6b34", "on_track": "#0b57d0", "lagging": "#b3261e", None: "#6b6b70"}


def number(text: str | None) -> float:
    return 0.0 if text is None else max(0.0, min(100.0, float(text)))


def short(title: str, length: int = 9) -> str:
    return title if len(title) <= length else title[: length - 1] + "…"


def chart(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Coordinates for the template's <svg>: everything computed here, nothing inline."""
    rows = []
    for index, item in enumerate(items):
        y = TOP + index * ROW_HEIGHT
        actual, planned = number(item["actual_percent"]), item["planned_percent"]
        rows.append(
            {
                "label": short(item["title"]),
                "y": y,
                "text_y": y + 15,
                "width": round(actual * BAR_WIDTH / 100, 1),
                "fill": COLOURS.get(item["standing"], COLOURS[None]),
                "plan_x": None
                if planned is None
                else round(LABEL_WIDTH + number(planned) * BAR_WIDTH / 100, 1),
                "value": f"{actual:.0f}%",
                "value_x": LABEL_WIDTH + BAR_WIDTH + 6,
            }
        )
    return {
        "rows": rows,
        "width": LABEL_WIDTH + BAR_WIDTH + 44,
        "height": TOP + max(len(items), 1) * ROW_HEIGHT + 6,
        "label_width": LABEL_WIDTH,
        "bar_width": BAR_WIDTH,
        "bar_end": LABEL_WIDTH + BAR_WIDTH,
    }


def year_of(view: View, this_year: int) -> int:
    text = view.request.args.get("year", "")
    if not text:
        return this_year
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= this_year + 1:
        raise ValidationFailed("年份不正确 (bad year)", {"year": ["年份不正确 (bad year)"]})
    return int(text)


def board(view: View) -> Response:
    this_year = datetime.now(CHINA).year
    year = year_of(view, this_year)
    area_code = view.values["area_code"]
    found = view.api.call("get_public_board", query={"area_code": area_code, "year": year})
    items = found["items"]
    lagging = [i for i in items if i["standing"] == "lagging" and i["status"] != "completed"]
    return view.render(
        "desk/board.html",
        board=found,
        items=items,
        lagging=len(lagging),
        chart=chart(items),
        year=year,
        years=list(range(this_year + 1, FIRST_YEAR - 1, -1)),
        sub_areas=[a for a in found["areas"] if a["area_code"] != area_code],
    )


PAGES = (Page("/board/<string:area_code>", board, "page_board"),)
