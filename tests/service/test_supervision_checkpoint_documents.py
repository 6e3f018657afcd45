"""The chairpersons' meeting documents (主任会议材料) through the entrypoint, opened back with
python-docx and openpyxl: the title, each project's group, verdict, answers, findings and
figures, the summary counts and the missing reports — of the whole area or one group."""

import base64
import io

import docx
import openpyxl
import pytest
from servicekit.errors import Forbidden, NotFound, ValidationFailed

from tests.service.test_supervision_checkpoints import (
    EVALUATOR,
    MEMBER,
    OTHER_STAFF,
    OUTSIDER,
    answers,
    midyear,
    report,
    worker,
)
from tests.service.test_supervision_checkpoints import area as area
from tests.service.test_supervision_checkpoints import sessions as sessions

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "关于2026年民生实事项目年中监督情况的报告"


@pytest.fixture
def checkpoint(sessions, area, monkeypatch):
    checkpoint = midyear(sessions)
    worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], report(area))
    road = report(area, "road", verdict="good", findings=[])
    worker(sessions, MEMBER).file_checkpoint_report(checkpoint["id"], road)
    monkeypatch.setenv("MINSHENG_TODAY", "2026-07-02")  # 第二监督组's report is now missing
    return checkpoint["id"]


def document(sessions, checkpoint_id, fmt, principal=MEMBER, **query):
    answer = worker(sessions, principal).get_checkpoint_document(checkpoint_id, fmt, query)
    return answer, base64.b64decode(answer["content_base64"])


def word_text(content: bytes) -> tuple[list[str], list[list[list[str]]]]:
    opened = docx.Document(io.BytesIO(content))
    tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in opened.tables]
    return [p.text for p in opened.paragraphs], tables


class TestWord:
    def test_the_areas_report_has_every_project_and_the_summary(self, sessions, checkpoint):
        answer, content = document(sessions, checkpoint, "docx")
        assert answer["content_type"] == DOCX
        assert answer["file_name"] == f"{TITLE}.docx"
        paragraphs, tables = word_text(content)
        assert paragraphs[0] == TITLE
        text = "\n".join(paragraphs)
        assert "监督组：第一监督组　评价：一般" in text
        assert "监督组：第一监督组　评价：良好" in text
        assert "监督组：第二监督组　评价：逾期未报" in text
        assert f"问：{answers()[0]['question']}" in paragraphs
        assert "答：答：0" in paragraphs
        assert "发现问题：进度滞后两周（照片：现场.jpg）" in paragraphs
        assert "实际进度(%)：40.0；计划进度(%)：50.0；序时状态：lagging" in text
        assert "预算(元)：500000.00" in text
        assert "第二监督组：农村饮水安全（尚未催办）" in paragraphs
        (summary,) = tables
        assert dict(map(tuple, summary)) == {
            "项目": "数量",
            "应报告数": "3",
            "已报告数": "2",
            "评价良好": "1",
            "评价一般": "1",
            "评价较差": "0",
            "逾期未报数": "1",
        }

    def test_one_groups_report_has_only_its_projects(self, sessions, checkpoint, area):
        answer, content = document(sessions, checkpoint, "docx", group_id=area["first"])
        assert answer["file_name"] == f"{TITLE}_第一监督组.docx"
        paragraphs, (summary,) = word_text(content)
        assert "第二监督组" not in "\n".join(paragraphs)
        assert ["应报告数", "2"] in summary
        assert ["逾期未报数", "0"] in summary


class TestExcel:
    def test_the_workbook_has_the_summary_projects_answers_findings_and_missing(
        self, sessions, checkpoint
    ):
        answer, content = document(sessions, checkpoint, "xlsx")
        assert answer["content_type"] == XLSX
        book = openpyxl.load_workbook(io.BytesIO(content))
        assert book.sheetnames == ["汇总", "项目情况", "问答", "发现问题", "逾期未报"]
        rows = lambda name: [list(r) for r in book[name].iter_rows(values_only=True)]  # noqa: E731
        assert ["逾期未报数", 1] in rows("汇总")
        projects = rows("项目情况")
        assert projects[0][:4] == ["监督组", "项目", "评价", "是否逾期未报"]
        school = next(r for r in projects if r[1] == "新建第三小学")
        assert school[:7] == ["第一监督组", "新建第三小学", "一般", "否", "40.0", "50.0", "lagging"]
        assert school[7] == 500000 and school[-1] == 1
        water = next(r for r in projects if r[1] == "农村饮水安全")
        assert water[2:4] == ["未报告", "是"]
        assert len(rows("问答")) == 1 + 2 * len(answers())
        assert rows("发现问题")[1] == ["第一监督组", "新建第三小学", "进度滞后两周", "现场.jpg"]
        assert rows("逾期未报")[1][:2] == ["第二监督组", "农村饮水安全"]


class TestWhoGetsThem:
    def test_a_deputy_outside_the_group_gets_no_group_document(self, sessions, checkpoint, area):
        with pytest.raises(Forbidden):
            document(sessions, checkpoint, "docx", OUTSIDER, group_id=area["first"])

    def test_staff_of_another_area_get_no_document(self, sessions, checkpoint, area):
        with pytest.raises(Forbidden):
            document(sessions, checkpoint, "docx", OTHER_STAFF)
        with pytest.raises(Forbidden):
            document(sessions, checkpoint, "docx", OTHER_STAFF, group_id=area["first"])

    def test_an_evaluator_gets_no_document(self, sessions, checkpoint):
        with pytest.raises(Forbidden):
            document(sessions, checkpoint, "xlsx", EVALUATOR)

    def test_an_unknown_format_or_checkpoint_is_404_a_bad_group_400(self, sessions, checkpoint):
        with pytest.raises(NotFound):
            document(sessions, checkpoint, "pdf")
        with pytest.raises(NotFound):
            document(sessions, "B-" + "1" * 32, "docx")
        with pytest.raises(ValidationFailed) as caught:
            document(sessions, checkpoint, "docx", group_id="nope")
        assert "group_id" in caught.value.details
