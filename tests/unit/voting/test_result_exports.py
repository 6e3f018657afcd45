"""Session results as CSV and Excel files: read back with the csv module and openpyxl."""

import base64
import csv
import io

import pytest
from openpyxl import load_workbook
from voting import exports
from voting.domain.ballots import Rules, runoff_rules, tally
from voting.domain.satisfaction import satisfaction_tally

EVIL = '=HYPERLINK("http://evil","点我")'
TITLES = {"P1": "林荫街道广场修缮", "P2": EVIL, "P3": "@SUM(1+1)", "P4": "社区食堂"}
COSTS = {"P1": 1_234_567, "P2": None, "P3": 50_000, "P4": 99}
DIGEST, HEAD = "d" * 64, "a" * 64


def election_round(number, rules, candidates, ballots, present):
    result = tally(rules, candidates, ballots, present, len(ballots), len(ballots))
    rows = [
        {
            **r.as_dict(),
            "position": position,
            "title": TITLES[r.candidate_id],
            "estimated_cost_fen": COSTS[r.candidate_id],
        }
        for position, r in enumerate(result.results, 1)
    ]
    round_ = {
        "round": number,
        "outcome": result.outcome,
        "note": result.note,
        "tally": result.as_dict(),
        "candidates": rows,
        "digest": DIGEST,
        "audit_head": HEAD,
    }
    return round_, result


def session_result(kind, rounds, **more):
    return {
        "session_id": "T-" + "b" * 32,
        "area_code": "150602001",
        "year": 2027,
        "kind": kind,
        "title": "林荫街道第三届人大第二次会议民生实事项目票决",
        "state": "announced",
        "rules_version": 2,
        "publication_channel": "街道公开栏",
        "rounds": rounds,
        "elected": [],
        "consultation": None,
        "announced_at": "2027-01-09T02:30:00+00:00",
        "published_at": None,
        **more,
    }


@pytest.fixture(scope="module")
def election():
    """Round 1 elects P1 and ties P2 and P3 for the last seat; round 2 is their runoff."""
    rules = Rules(seats=2, deputies_total=14, differential_ratio_permille=0)
    ballots = (
        [{"P1": "approve", "P2": "approve"}] * 5
        + [{"P1": "approve", "P3": "approve"}] * 4
        + [{"P2": "approve", "P3": "approve"}] * 3
        + [{"P3": "approve", "P4": "oppose"}, {"P4": "oppose"}]
    )
    first, result = election_round(1, rules, ["P1", "P2", "P3", "P4"], ballots, 14)
    assert (result.elected, result.runoff) == (("P1",), ("P2", "P3"))
    rules2, candidates2 = runoff_rules(rules, result)
    runoff = [{"P3": "approve"}] * 8 + [{"P2": "approve"}] * 6
    second, result2 = election_round(2, rules2, candidates2, runoff, 14)
    assert result2.elected == ("P3",)
    elected = [
        {"candidate_id": "P1", "title": TITLES["P1"], "round": 1, "rank": 1},
        {"candidate_id": "P3", "title": TITLES["P3"], "round": 2, "rank": 1},
    ]
    return session_result("congress_session", [first, second], elected=elected)


def unpack(exported):
    return base64.b64decode(exported["content_base64"])


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def section(rows: list[list[str]], title: str) -> list[list[str]]:
    start = rows.index([title]) + 1
    end = rows.index([], start) if [] in rows[start:] else len(rows)
    return rows[start:end]


class TestCsv:
    def test_has_a_bom_and_chinese_headers(self, election):
        content = unpack(exports.export_result(election, "csv"))
        assert content.startswith(b"\xef\xbb\xbf")
        rows = read_csv(content)
        assert rows[0] == ["会议信息"]
        header = section(rows, "第2轮得票")[0]
        assert header[:3] == ["序号", "候选项目", "项目编号"]
        assert {"赞成", "反对", "弃权", "名次", "是否当选"} <= set(header)

    def test_holds_the_requested_round_and_defaults_to_the_last(self, election):
        last = read_csv(unpack(exports.export_result(election, "csv")))
        first = read_csv(unpack(exports.export_result(election, "csv", 1)))
        assert ["第2轮得票"] in last and ["第1轮得票"] not in last
        assert ["第1轮得票"] in first and ["第2轮得票"] not in first

    def test_the_counts_read_top_to_bottom(self, election):
        rows = read_csv(unpack(exports.export_result(election, "csv", 1)))
        counts = {row[0]: row[1] for row in section(rows, "计票汇总")[1:]}
        assert counts["应到代表"] == "14"
        assert counts["实到代表"] == "14"
        assert (counts["发出选票"], counts["收回选票"]) == ("14", "14")
        assert (counts["有效票"], counts["无效票"]) == ("14", "0")
        assert counts["当选票数（至少）"] == "8"
        assert counts["结果"] == "须另行投票"
        assert counts["结果摘要（digest）"] == DIGEST
        assert counts["审计日志头（audit head）"] == HEAD

    def test_candidate_rows_carry_the_figures(self, election):
        rows = read_csv(unpack(exports.export_result(election, "csv", 1)))
        table = section(rows, "第1轮得票")
        by_id = {row[2]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
        assert by_id["P1"]["赞成"] == "9"
        assert by_id["P1"]["是否当选"] == "是"
        assert by_id["P1"]["估算金额（元）"] == "12345.67"
        assert by_id["P2"]["备注"] == "须另行投票"
        assert by_id["P4"]["反对"] == "2"

    def test_formula_like_titles_are_quoted(self, election):
        rows = read_csv(unpack(exports.export_result(election, "csv", 1)))
        titles = [row[1] for row in section(rows, "第1轮得票")[1:]]
        assert "'" + EVIL in titles and "'@SUM(1+1)" in titles
        assert not any(cell.startswith(("=", "@")) for row in rows for cell in row)


class TestXlsx:
    def test_one_sheet_per_table(self, election):
        book = load_workbook(io.BytesIO(unpack(exports.export_result(election, "xlsx"))))
        assert book.sheetnames == ["会议信息", "计票汇总", "第1轮得票", "第2轮得票"]

    def test_numbers_are_numbers(self, election):
        book = load_workbook(io.BytesIO(unpack(exports.export_result(election, "xlsx"))))
        sheet = book["第1轮得票"]
        headers = [c.value for c in sheet[1]]
        p1 = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
        assert (p1["赞成"], p1["反对"], p1["弃权"], p1["名次"]) == (9, 0, 5, 1)
        assert p1["估算金额（元）"] == pytest.approx(12345.67)
        counts = {row[0].value: [c.value for c in row[1:]] for row in book["计票汇总"].iter_rows()}
        assert counts["项目"] == ["第1轮", "第2轮"]
        assert counts["应选名额"] == [2, 1]
        assert counts["有效票"] == [14, 14]

    def test_formula_like_titles_stay_text(self, election):
        book = load_workbook(io.BytesIO(unpack(exports.export_result(election, "xlsx"))))
        cells = [row[1] for row in book["第1轮得票"].iter_rows(min_row=2)]
        assert all(cell.data_type == "s" for cell in cells)
        assert "'" + EVIL in [cell.value for cell in cells]

    def test_session_sheet_says_what_was_decided(self, election):
        book = load_workbook(io.BytesIO(unpack(exports.export_result(election, "xlsx"))))
        info = {row[0].value: row[1].value for row in book["会议信息"].iter_rows(min_row=2)}
        assert info["地区"] == "鄂尔多斯市东胜区林荫街道（150602001）"
        assert info["宣布时间（北京时间）"] == "2027-01-09 10:30"
        assert info["当选项目（各轮）"] == f"{TITLES['P1']}、{TITLES['P3']}"
        assert info["状态"] == "已当场宣布"


class TestSatisfactionAndConsultation:
    def test_satisfaction_rows_and_rate(self):
        ballots = [{"P1": "满意"}] * 5 + [{"P1": "基本满意"}] * 2 + [{"P1": "不满意"}, {}]
        result = satisfaction_tally(["P1"], ballots, 9, 9)
        row = {**result.results[0].as_dict(), "position": 1, "title": EVIL}
        row["candidate_id"] = row.pop("project_id")
        round_ = {"round": 1, "outcome": "decided", "note": None, "tally": result.as_dict()}
        round_ |= {"candidates": [row], "digest": DIGEST, "audit_head": HEAD}
        exported = exports.export_result(session_result("satisfaction", [round_]), "xlsx")
        book = load_workbook(io.BytesIO(unpack(exported)))
        assert book.sheetnames == ["会议信息", "计票汇总", "第1轮测评"]
        sheet = book["第1轮测评"]
        values = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
        assert (values["满意"], values["基本满意"], values["不满意"], values["弃权"]) == (
            5,
            2,
            1,
            1,
        )
        assert values["满意率（%）"] == pytest.approx(77.8)
        assert values["测评项目"] == "'" + EVIL
        counts = [row[0].value for row in book["计票汇总"].iter_rows()]
        assert "有效票" in counts and "应到代表" not in counts
        assert exported["file_name"].endswith("满意度测评结果.xlsx")

    def test_consultation_record_gets_its_own_sheet(self):
        rows = [
            {"candidate_id": c, "position": n, "title": TITLES[c], "adopted": n == 1}
            | {"elected": n == 1, "rank": 1 if n == 1 else None}
            for n, c in enumerate(["P1", "P2"], 1)
        ]
        round_ = {"round": 1, "outcome": "consultation", "note": None, "tally": {}}
        round_ |= {"candidates": rows, "digest": None, "audit_head": HEAD}
        record = {"participants": ["张三", "李四"], "minutes": "会商纪要……", "adopted": ["P1"]}
        result = session_result("street_consultation", [round_], consultation=record)
        book = load_workbook(io.BytesIO(unpack(exports.export_result(result, "xlsx"))))
        assert book.sheetnames == ["会议信息", "计票汇总", "会商结果", "会商记录"]
        record_rows = {r[0].value: r[1].value for r in book["会商记录"].iter_rows(min_row=2)}
        assert record_rows["参加人员"] == "张三、李四"
        adopted = [c.value for c in book["会商结果"]["D"]][1:]
        assert adopted == ["是", "否"]


class TestFiles:
    def test_chinese_and_ascii_names(self, election):
        xlsx = exports.export_result(election, "xlsx")
        assert xlsx["file_name"] == f"2027年{election['title']}票决结果.xlsx"
        assert xlsx["ascii_file_name"] == f"voting-result-{election['session_id']}.xlsx"
        assert xlsx["content_type"].startswith("application/vnd.openxmlformats")
        csv_file = exports.export_result(election, "csv", 1)
        assert csv_file["file_name"].endswith("票决结果_第1轮.csv")
        assert csv_file["ascii_file_name"].endswith("-round-1.csv")
        assert csv_file["content_type"] == "text/csv; charset=utf-8"

    def test_the_year_is_not_doubled_and_unsafe_characters_go(self, election):
        result = {**election, "title": '2027年东胜区/林荫街道:"票决"'}
        assert (
            exports.file_names(result, "pb", None)[0] == "2027年东胜区_林荫街道__票决_票决结果.pb"
        )

    def test_any_content_can_be_wrapped(self, election):
        exported = exports.export_file(election, "pb", b"META\n", 2)
        assert exported["content_type"] == "text/plain; charset=utf-8"
        assert unpack(exported) == b"META\n"
        assert exported["file_name"].endswith("_第2轮.pb")

    def test_refusals(self, election):
        with pytest.raises(LookupError, match=r"^第 3 轮没有计票结果"):
            exports.export_result(election, "csv", 3)
        with pytest.raises(ValueError, match=r"^尚无计票结果"):
            exports.export_result({**election, "rounds": []}, "xlsx")
        with pytest.raises(ValueError, match=r"^表格导出只支持"):
            exports.export_result(election, "pdf")
