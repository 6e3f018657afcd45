"""A session's result as files people open in Excel: CSV (one round) and Excel (everything).

From a `contracts.voting.SessionResult` (a dict, dumped or not) this module shapes tables with
Chinese headers and readable values; `servicekit.tables` encodes them (UTF-8 BOM, the formula
guard on every text cell, so a candidate titled ``=HYPERLINK(…)`` stays text).

- Excel: one sheet per table — 会议信息, 计票汇总 (one column per round), each round's
  candidates (第N轮得票 / 第N轮测评 / 会商结果), and the consultation record when there is one.
- CSV: the requested round (default: the last) as titled sections in one file — 会议信息,
  计票汇总 of that round, its candidate table — so the figures read top to bottom in Excel.

`export_file` wraps any content (also the JSON and .pb exports) in the answer the gateway turns
into a download: ``{"file_name", "ascii_file_name", "content_type", "content_base64"}``.
Asking for a round with no result raises LookupError; a session without any tallied round
raises ValueError.
"""

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from contracts.reports import CONTENT_TYPES as TABLE_CONTENT_TYPES
from contracts.voting import CONSULTATION, SATISFACTION, SESSION_KIND_NAMES
from servicekit import areas
from servicekit.tables import Table, beijing, to_csv_sections, to_xlsx, yuan

CONTENT_TYPES = {
    **TABLE_CONTENT_TYPES,
    "json": "application/json",
    "pb": "text/plain; charset=utf-8",  # Pabulib registers no media type: it is UTF-8 text
}
STATE_NAMES = {
    "draft": "草稿",
    "deliberation": "代表团审议",
    "open": "投票中",
    "closed": "投票已结束",
    "tallied": "已计票",
    "announced": "已当场宣布",
    "published": "已公布",
}
OUTCOME_NAMES = {
    "decided": "已产生结果",
    "runoff": "须另行投票",
    "void": "本轮投票无效",
    "consultation": "会商确定",
}
FORM_NAMES = {"approve_oppose_abstain": "赞成/反对/弃权", "mark": "划记（未划记计为弃权）"}
BASE_NAMES = {"all": "全体代表过半数", "present": "出席代表过半数"}
KIND_SUFFIXES = {SATISFACTION: "满意度测评结果", CONSULTATION: "会商结果"}
ELECTION_SUFFIX = "票决结果"
MAX_TITLE_IN_FILE_NAME = 60  # a Chinese character is 3 bytes; file names stop at 255 bytes
_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_MISSING = object()

Result = Mapping[str, Any]
Round = Mapping[str, Any]


def area_label(code: str) -> str:
    """The area's full name, city first ("鄂尔多斯市东胜区林荫街道"), or the code if unknown."""
    tree = areas.load()
    area = tree.get(code)
    if area is None:
        return code
    return "".join(tree.get(part).name for part in area.path.strip("/").split("/"))


def _moment(value: str | datetime | None) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _titles(rows: Sequence[Mapping[str, Any]]) -> str:
    return "、".join(str(row.get("title") or row.get("candidate_id")) for row in rows)


def session_table(result: Result) -> Table:
    """会议信息: what the session is, as key / value rows."""
    code = result["area_code"]
    rows: list[tuple[str, Any]] = [
        ("会议名称", result["title"]),
        ("会议编号", result["session_id"]),
        ("地区", f"{area_label(code)}（{code}）"),
        ("年度", result["year"]),
        ("会议类型", SESSION_KIND_NAMES.get(result["kind"], result["kind"])),
        ("票决办法版本", result["rules_version"]),
        ("结果公布渠道", result["publication_channel"]),
        ("状态", STATE_NAMES.get(result["state"], result["state"])),
        ("宣布时间（北京时间）", beijing(_moment(result.get("announced_at")))),
        ("公布时间（北京时间）", beijing(_moment(result.get("published_at")))),
    ]
    if result["kind"] != SATISFACTION:
        label = "采纳项目" if result["kind"] == CONSULTATION else "当选项目（各轮）"
        rows.append((label, _titles(result["elected"])))
    return Table("session", "会议信息", ("项目", "内容"), rows)


def _figure(*path: str, names: Mapping[str, str] | None = None) -> Callable[[Round], Any]:
    """A value of the round's tally (``"rules", "seats"`` reads tally["rules"]["seats"]), named
    for people when `names` has it; _MISSING when this kind of tally has no such value."""

    def get(round_: Round) -> Any:
        value: Any = round_["tally"]
        for key in path:
            value = value.get(key, _MISSING) if isinstance(value, Mapping) else _MISSING
        return names.get(value, value) if names and isinstance(value, str) else value

    return get


# (label, value of one round); a row whose value is missing in every round is left out, so one
# list serves elections, satisfaction votes and consultations.
COUNT_ROWS: tuple[tuple[str, Callable[[Round], Any]], ...] = (
    ("结果", lambda r: OUTCOME_NAMES.get(r["outcome"], r["outcome"])),
    ("说明", lambda r: r["note"]),
    ("选票形式", _figure("rules", "form", names=FORM_NAMES)),
    ("应选名额", _figure("rules", "seats")),
    ("应到代表", _figure("rules", "deputies_total")),
    ("实到代表", _figure("present")),
    ("是否达到法定人数", _figure("quorum_met")),
    ("发出选票", _figure("issued")),
    ("收回选票", _figure("returned")),
    ("投票箱内选票", _figure("ballots")),
    ("有效票", _figure("valid")),
    ("无效票", _figure("invalid")),
    ("当选所需赞成票基数", _figure("rules", "threshold_base", names=BASE_NAMES)),
    ("当选票数（至少）", _figure("threshold")),
    ("须另行投票的名额", _figure("runoff_seats")),
    ("未选出的名额", _figure("unfilled_seats")),
    ("结果摘要（digest）", lambda r: r["digest"]),
    ("审计日志头（audit head）", lambda r: r["audit_head"]),
)


def counts_table(rounds: Sequence[Round]) -> Table:
    """计票汇总: the figures of each round, one column per round."""
    rows = []
    for label, value_of in COUNT_ROWS:
        values = [value_of(r) for r in rounds]
        if any(v is not _MISSING for v in values):
            rows.append([label, *(None if v is _MISSING else v for v in values)])
    headers = ("项目", *(f"第{r['round']}轮" for r in rounds))
    return Table("counts", "计票汇总", headers, rows)


def _election_rows(round_: Round) -> list[list[Any]]:
    runoff = set(round_["tally"].get("runoff", ()))
    return [
        [
            *(c["position"], c["title"], c["candidate_id"], yuan(c.get("estimated_cost_fen"))),
            *(c["approve"], c["oppose"], c["abstain"], c["rank"], c["elected"]),
            "须另行投票" if c["candidate_id"] in runoff else None,
        ]
        for c in round_["candidates"]
    ]


def _permille_as_percent(permille: int | None) -> Decimal | None:
    return None if permille is None else Decimal(permille) / 10


def round_table(kind: str, round_: Round) -> Table:
    """One round's candidates in ballot order, as the announcement lists them."""
    number, rows = round_["round"], round_["candidates"]
    if kind == SATISFACTION:
        headers = ("序号", "测评项目", "项目编号", "满意", "基本满意", "不满意", "弃权")
        body = [
            [
                *(c["position"], c["title"], c["candidate_id"], c["satisfied"], c["basically"]),
                *(c["dissatisfied"], c["abstain"], _permille_as_percent(c["rate_permille"])),
            ]
            for c in rows
        ]
        return Table(f"round_{number}", f"第{number}轮测评", (*headers, "满意率（%）"), body)
    if kind == CONSULTATION:
        headers = ("序号", "候选项目", "项目编号", "是否采纳", "采纳顺序")
        body = [
            [c["position"], c["title"], c["candidate_id"], c["adopted"], c["rank"]] for c in rows
        ]
        return Table(f"round_{number}", "会商结果", headers, body)
    headers = ("序号", "候选项目", "项目编号", "估算金额（元）", "赞成", "反对", "弃权")
    headers += ("名次", "是否当选", "备注")
    return Table(f"round_{number}", f"第{number}轮得票", headers, _election_rows(round_))


def consultation_table(record: Mapping[str, Any]) -> Table:
    """会商记录: who took part and the minutes (the adopted list is in 会商结果)."""
    rows = [
        ("参加人员", "、".join(record.get("participants") or ())),
        ("会商纪要", record.get("minutes")),
    ]
    return Table("consultation", "会商记录", ("项目", "内容"), rows)


def pick_round(result: Result, number: int | None) -> Round:
    """The round asked for, or the last one with a result."""
    rounds = result["rounds"]
    if not rounds:
        raise ValueError("尚无计票结果，无法导出 (no tallied round to export yet)")
    if number is None:
        return rounds[-1]
    for round_ in rounds:
        if round_["round"] == number:
            return round_
    raise LookupError(f"第 {number} 轮没有计票结果 (round {number} has no result)")


def _extra_tables(result: Result) -> list[Table]:
    record = result.get("consultation")
    return [consultation_table(record)] if record else []


def result_tables(result: Result) -> list[Table]:
    """Every table of the session, in sheet order (the Excel export)."""
    pick_round(result, None)  # refuses a session without any result
    rounds = result["rounds"]
    return [
        session_table(result),
        counts_table(rounds),
        *(round_table(result["kind"], r) for r in rounds),
        *_extra_tables(result),
    ]


def round_tables(result: Result, number: int | None = None) -> list[Table]:
    """The tables of one round (the CSV export): session, that round's counts, its candidates."""
    round_ = pick_round(result, number)
    return [
        session_table(result),
        counts_table([round_]),
        round_table(result["kind"], round_),
        *_extra_tables(result),
    ]


def file_names(result: Result, fmt: str, number: int | None = None) -> tuple[str, str]:
    """(Chinese name for people, ASCII fallback), e.g. 2027年某某会议票决结果_第2轮.csv; the
    round is named when the file holds one round of a session that had several."""
    title = _UNSAFE_IN_FILE_NAME.sub("_", result["title"])[:MAX_TITLE_IN_FILE_NAME].strip()
    year = f"{result['year']}年"
    stem = (title if title.startswith(year) else year + title) + KIND_SUFFIXES.get(
        result["kind"], ELECTION_SUFFIX
    )
    several = number is not None and len(result["rounds"]) > 1
    part, ascii_part = (f"_第{number}轮", f"-round-{number}") if several else ("", "")
    return f"{stem}{part}.{fmt}", f"voting-result-{result['session_id']}{ascii_part}.{fmt}"


def export_file(
    result: Result, fmt: str, content: bytes, number: int | None = None
) -> dict[str, str]:
    """Any export's content as the gateway's download answer (`contracts.reports.ExportFile`)."""
    file_name, ascii_name = file_names(result, fmt, number)
    return {
        "file_name": file_name,
        "ascii_file_name": ascii_name,
        "content_type": CONTENT_TYPES[fmt],
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def export_result(result: Result, fmt: str, number: int | None = None) -> dict[str, str]:
    """The result as csv (one round: `number`, default the last) or xlsx (every round)."""
    if fmt == "csv":
        number = pick_round(result, number)["round"]
        return export_file(result, fmt, to_csv_sections(round_tables(result, number)), number)
    if fmt == "xlsx":
        return export_file(result, fmt, to_xlsx(result_tables(result)))
    raise ValueError(f"表格导出只支持 csv 和 xlsx (table exports are csv or xlsx, not {fmt!r})")
