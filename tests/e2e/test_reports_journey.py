"""Reports through the gateway only: proposals submitted over HTTP show up in the JSON report, the
Excel download opens with openpyxl, the CSV starts with a BOM, and refusals are the JSON
envelope, never a file."""

import csv
import io
from urllib.parse import unquote

import requests
from openpyxl import load_workbook

AREA = "150622100"  # 薛家湾镇: the demo account zhengfu is its government staff
PROPOSAL = {
    "title": "薛家湾镇社区卫生服务站扩建",
    "description": "社区卫生服务站面积太小，排队时间长，希望扩建。",
    "category": "医疗卫生",
    "area_code": AREA,
    "location": {"text": "薛家湾镇神华路社区"},
    "estimated_cost_fen": 250_000_050,
    "submitter_name": "赵桂兰",
    "submitter_phone": "13904779999",
}
FORMULA_TITLE = "=1+2 请修路"


def year_of_open_notice(base: str) -> int:
    notices = requests.get(f"{base}/api/v1/notices", params={"area_code": AREA}, timeout=10)
    return next(n["year"] for n in notices.json()["items"] if n["status"] == "open")


def collection_report(base: str, params: dict, staff: dict) -> dict:
    report = requests.get(
        f"{base}/api/v1/reports/collection", params=params, headers=staff, timeout=10
    )
    assert report.status_code == 200, report.text
    return report.json()


class TestReportsThroughTheGateway:
    def test_json_report_xlsx_and_csv_downloads_and_refusals(self, make_run):
        base = make_run.base_url
        year = year_of_open_notice(base)
        staff = make_run.login("zhengfu", "demo-zhengfu-2026")
        params = {"area_code": AREA, "year": str(year)}
        # the demo's voted proposals share the year when the town's notice is this year's
        before = collection_report(base, params, staff)["proposals"]
        for body in (PROPOSAL, {**PROPOSAL, "title": FORMULA_TITLE, "category": "交通出行"}):
            created = requests.post(f"{base}/api/v1/proposals", json=body, timeout=10)
            assert created.status_code == 201, created.text

        report = collection_report(base, params, staff)
        proposals = report["proposals"]
        rows_before = before["total"]
        assert proposals["total"] == rows_before + 2
        assert proposals["by_channel"]["online"] == before["by_channel"].get("online", 0) + 2
        assert proposals["by_category"]["医疗卫生"] == before["by_category"].get("医疗卫生", 0) + 1
        assert proposals["by_status"]["submitted"] == 2  # the demo's are screened and voted
        assert "赵桂兰" not in str(report) and "13904779999" not in str(report)

        xlsx = requests.get(
            f"{base}/api/v1/reports/collection/export",
            params={**params, "format": "xlsx"},
            headers=staff,
            timeout=30,
        )
        assert xlsx.status_code == 200, xlsx.text
        assert xlsx.headers["Content-Type"].startswith("application/vnd.openxmlformats")
        disposition = xlsx.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        chinese = unquote(disposition.split("filename*=UTF-8''", 1)[1])
        assert chinese == f"民生实事征集报表_薛家湾镇_{year}.xlsx"
        workbook = load_workbook(io.BytesIO(xlsx.content))
        assert workbook.sheetnames == ["概况", "建议明细", "筛选评分", "三上三下轮次", "候选清单"]
        rows = list(workbook["建议明细"].iter_rows(values_only=True))
        assert rows[0][0] == "查询码" and len(rows) == 1 + rows_before + 2
        assert {row[1] for row in rows[1:]} >= {PROPOSAL["title"], "'" + FORMULA_TITLE}
        assert 2500000.5 in {row[7] for row in rows[1:]}
        cells = " ".join(
            str(v) for sheet in workbook for r in sheet.iter_rows(values_only=True) for v in r
        )
        assert "赵桂兰" not in cells and "13904779999" not in cells

        csv_file = requests.get(
            f"{base}/api/v1/reports/collection/export",
            params={**params, "format": "csv", "table": "proposals"},
            headers=staff,
            timeout=30,
        )
        assert csv_file.status_code == 200, csv_file.text
        assert csv_file.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert csv_file.content.startswith(b"\xef\xbb\xbf")
        table = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
        assert table[0][:2] == ["查询码", "建议标题"] and len(table) == 1 + rows_before + 2

    def test_refusals_are_the_json_envelope(self, make_run):
        base = make_run.base_url
        url = f"{base}/api/v1/reports/collection/export"
        params = {"area_code": AREA, "year": "2027", "format": "xlsx"}
        staff = make_run.login("zhengfu", "demo-zhengfu-2026")
        deputy = make_run.login("daibiao", "demo-daibiao-2026")  # a deputy of 林荫街道

        anonymous = requests.get(url, params=params, timeout=10)
        other_area = requests.get(
            url, params={**params, "area_code": "150602"}, headers=staff, timeout=10
        )
        not_staff = requests.get(
            url, params={**params, "area_code": "150602001"}, headers=deputy, timeout=10
        )
        bad_format = requests.get(
            url, params={**params, "format": "pdf"}, headers=staff, timeout=10
        )
        no_year = requests.get(
            f"{base}/api/v1/reports/collection", params={"area_code": AREA}, headers=staff
        )

        for response, status, code in (
            (anonymous, 401, "unauthenticated"),
            (other_area, 403, "forbidden"),
            (not_staff, 403, "forbidden"),
            (bad_format, 400, "validation_failed"),
            (no_year, 400, "validation_failed"),
        ):
            assert response.status_code == status, response.text
            assert response.headers["Content-Type"].startswith("application/json")
            assert response.json()["error"]["code"] == code
        assert "format" in bad_format.json()["error"]["details"]
        assert "year" in no_year.json()["error"]["details"]
