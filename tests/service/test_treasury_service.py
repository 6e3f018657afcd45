"""Treasury imports (国库集中支付) through implementation's entrypoints on its migrated SQLite
database: all rows or none with every row's errors, the same file answered again, overlapping
files adding only new payments, the reconciliation report (JSON and Excel), scope and roles."""

import base64
import io

import pytest
from implementation.db.models import ReconciliationRun, TreasuryImport, TreasuryPayment
from openpyxl import load_workbook
from servicekit.auth import ANONYMOUS, Principal
from servicekit.errors import Forbidden, NotFound, RuleViolation, Unauthenticated, ValidationFailed
from sqlalchemy import func, select

from tests.support import projects as p
from tests.support import treasury as t
from tests.support.workers import migrated_sessions


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("implementation", tmp_path) as sessions:
        yield sessions


def counts(sessions) -> tuple[int, int, int]:
    session = sessions["implementation"]
    session.rollback()
    return tuple(
        session.scalar(select(func.count()).select_from(table))
        for table in (TreasuryImport, TreasuryPayment, ReconciliationRun)
    )


@pytest.fixture
def disbursed(sessions):
    """A project with three disbursements: V1 10,000.00, V2 20,000.00, V3 5,000.00 yuan."""
    project_id = t.funded_project(sessions)
    for voucher, fen in (("V1", 10_000_00), ("V2", 20_000_00), ("V3", 5_000_00)):
        t.disburse(sessions, project_id, voucher, fen)
    return project_id


# V1 agrees; V2 differs by 0.10; V3 the treasury has not paid; P9 we never disbursed.
TREASURY = [
    t.payment("P1", "V1", "10000.00"),
    t.payment("P2", "V2", "20000.10"),
    t.payment("P9", "V9", "800.00"),
]


class TestImport:
    def test_an_import_stores_every_payment_and_reconciles_the_year(self, sessions, disbursed):
        answer = t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(TREASURY)))
        assert answer["id"].startswith("T-") and answer["reconciliation_id"].startswith("T-")
        assert (answer["rows"], answer["added"], answer["known"]) == (3, 3, 0)
        assert answer["replayed"] is False and answer["imported_by"] == "fin-1"
        summary = answer["reconciliation"]
        assert (summary["matched"], summary["amount_mismatches"]) == (1, 1)
        assert (summary["missing_in_treasury"], summary["missing_in_ours"]) == (1, 1)
        assert summary["mismatch_difference_fen"] == 10 and summary["missing_in_ours_fen"] == 800_00
        assert summary["ours_fen"] == 35_000_00 and summary["treasury_fen"] == 30_800_10
        assert summary["clean"] is False
        assert counts(sessions) == (1, 3, 1)

    def test_the_report_names_each_record_and_its_project(self, sessions, disbursed):
        answer = t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(TREASURY)))
        report = t.worker(sessions).get_reconciliation(answer["reconciliation_id"])
        assert report["area_name"] == "薛家湾镇" and report["import_id"] == answer["id"]
        (mismatch,) = report["amount_mismatches"]
        assert mismatch["ours"]["voucher_no"] == "V2" and mismatch["treasury"]["payment_id"] == "P2"
        assert mismatch["ours"]["project_id"] == disbursed
        assert (
            mismatch["ours"]["project_title"].startswith("第") and mismatch["difference_fen"] == 10
        )
        assert [r["voucher_no"] for r in report["missing_in_treasury"]] == ["V3"]
        assert [r["payment_id"] for r in report["missing_in_ours"]] == ["P9"]
        assert [m["ours"]["voucher_no"] for m in report["matched"]] == ["V1"]
        key = report["matched"][0]["treasury"]
        assert (key["mof_div_code"], key["fiscal_year"], key["pro_code"]) == (
            "150622",
            2026,
            "XJW-2026-001",
        )

    def test_json_and_a_byte_order_mark_are_the_same_payments(self, sessions, disbursed):
        by_json = t.worker(sessions).import_treasury_payments(
            t.import_body(t.json_file(TREASURY[:1]), "json")
        )
        assert by_json["added"] == 1
        by_csv = t.worker(sessions).import_treasury_payments(
            t.import_body(t.csv_file(TREASURY[:1], bom=True))
        )
        assert (by_csv["added"], by_csv["known"], by_csv["replayed"]) == (0, 1, False)

    def test_one_bad_row_stores_nothing_and_every_error_is_listed(self, sessions, disbursed):
        rows = [
            *TREASURY,
            t.payment("P4", "V4", "12.345"),  # three decimals
            t.payment("P5", "V5", "1.00", day="2026-02-30"),
            t.payment("P1", "V6", "1.00"),  # P1 again
        ]
        with pytest.raises(RuleViolation) as refused:
            t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(rows)))
        details = refused.value.details
        assert details["code"] == "treasury_file_refused" and details["error_count"] == 3
        assert [(e["row"], e["field"]) for e in details["errors"]] == [
            (5, "amount"),
            (6, "paid_on"),
            (7, "payment_id"),
        ]
        assert refused.value.message.startswith("国库支付文件有 3 处错误")
        assert counts(sessions) == (0, 0, 0)

    def test_the_same_file_again_answers_the_first_import(self, sessions, disbursed):
        body = t.import_body(t.csv_file(TREASURY))
        first = t.worker(sessions).import_treasury_payments(body)
        again = t.worker(sessions).import_treasury_payments(body)
        assert again["replayed"] is True
        assert {k: v for k, v in again.items() if k != "replayed"} == {
            k: v for k, v in first.items() if k != "replayed"
        }
        assert counts(sessions) == (1, 3, 1)

    def test_an_overlapping_file_adds_only_the_new_payments(self, sessions, disbursed):
        t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(TREASURY[:2])))
        later = [*TREASURY, t.payment("P3", "V3", "5000.00")]
        answer = t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(later)))
        assert (answer["rows"], answer["added"], answer["known"]) == (4, 2, 2)
        assert answer["reconciliation"]["missing_in_treasury"] == 0
        assert counts(sessions) == (2, 4, 2)

    def test_a_known_payment_with_other_content_is_a_row_error(self, sessions, disbursed):
        t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(TREASURY[:1])))
        changed = [t.payment("P9", "V9", "800.00"), t.payment("P1", "V1", "9999.00")]
        with pytest.raises(RuleViolation) as refused:
            t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(changed)))
        (error,) = refused.value.details["errors"]
        assert (error["row"], error["field"]) == (3, "payment_id")
        assert "内容不同：支付金额" in error["message"]
        assert counts(sessions) == (1, 1, 1)

    def test_reversals_net_out_a_disbursement_paid_twice(self, sessions, disbursed):
        rows = [
            t.payment("P1", "V1", "10000.00"),
            t.payment("P1R", "V1", "-10000.00"),  # 冲销: the same voucher reversed
        ]
        answer = t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(rows)))
        summary = answer["reconciliation"]
        assert summary["treasury_fen"] == 0 and summary["duplicates_in_treasury"] == 1
        assert summary["duplicates_in_treasury_fen"] == -10_000_00


class TestScope:
    def test_a_payment_of_another_area_is_refused(self, sessions, disbursed):
        rows = [*TREASURY, t.payment("P7", "V7", "1.00", division="150602")]
        with pytest.raises(RuleViolation) as refused:
            t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(rows)))
        (error,) = refused.value.details["errors"]
        assert (error["row"], error["field"]) == (5, "mof_div_code")
        assert error["message"].startswith("财政区划代码 150602 不在本地区 150622100 内")

    def test_a_township_takes_its_countys_code_only_for_its_own_projects(self, sessions, disbursed):
        rows = [t.payment("P8", "V8", "1.00", pro_code="OTHER-TOWN-1")]
        with pytest.raises(RuleViolation):
            t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(rows)))
        township_code = [t.payment("P8", "V8", "1.00", pro_code="X", division="150622100")]
        answer = t.worker(sessions).import_treasury_payments(
            t.import_body(t.csv_file(township_code))
        )
        assert answer["reconciliation"]["missing_in_ours"] == 1

    def test_the_banner_imports_and_reconciles_its_townships(self, sessions, disbursed):
        rows = [*TREASURY, t.payment("P8", "V8", "1.00", pro_code="OTHER-TOWN-1")]
        answer = t.worker(sessions, t.BANNER_FINANCE).import_treasury_payments(
            t.import_body(t.csv_file(rows), area="150622")
        )
        assert answer["id"].startswith("B-") and answer["reconciliation"]["missing_in_ours"] == 2


class TestReconcileAgain:
    def test_a_new_report_sees_disbursements_recorded_since(self, sessions, disbursed):
        answer = t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(TREASURY)))
        t.disburse(sessions, disbursed, "V9", 800_00)
        report = t.worker(sessions).reconcile_treasury({"area_code": p.AREA, "year": p.YEAR})
        assert report["id"] != answer["reconciliation_id"] and report["import_id"] is None
        assert report["summary"]["missing_in_ours"] == 0 and report["summary"]["matched"] == 2
        first = t.worker(sessions).get_reconciliation(answer["reconciliation_id"])
        assert first["summary"]["missing_in_ours"] == 1  # a report stays as it was made


class TestExcel:
    def test_the_report_exports_as_a_workbook_with_chinese_headers(self, sessions, disbursed):
        answer = t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(TREASURY)))
        exported = t.worker(sessions).export_reconciliation(answer["reconciliation_id"])
        assert exported["content_type"].endswith("spreadsheetml.sheet")
        assert exported["file_name"].startswith("国库支付对账_薛家湾镇_2026")
        book = load_workbook(io.BytesIO(base64.b64decode(exported["content_base64"])))
        assert book.sheetnames == [
            "对账汇总",
            "金额不一致",
            "国库已支付、本系统无拨付记录",
            "本系统已拨付、国库无支付记录",
            "国库重复记录",
            "本系统重复记录",
            "已核对一致",
        ]
        mismatch = [[c.value for c in row] for row in book["金额不一致"].iter_rows()]
        assert mismatch[0][:4] == ["财政区划代码", "预算年度", "项目代码", "支付凭证号"]
        assert mismatch[1][3] == "V2" and mismatch[1][8] == pytest.approx(0.10)
        summary = {row[0].value: row[1].value for row in book["对账汇总"].iter_rows()}
        assert summary["对账结论"] == "存在差异，请核实" and summary["已核对一致"] == 1


class TestRefusals:
    @pytest.mark.parametrize(
        ("principal", "refusal"),
        [
            (ANONYMOUS, Unauthenticated),
            (p.STAFF, Forbidden),  # government staff: not finance
            (t.OTHER_FINANCE, Forbidden),  # another banner's finance
        ],
    )
    def test_only_finance_staff_of_the_area_import(self, sessions, principal, refusal):
        with pytest.raises(refusal):
            t.worker(sessions, principal).import_treasury_payments(
                t.import_body(t.csv_file(TREASURY))
            )
        with pytest.raises(refusal):
            t.worker(sessions, principal).reconcile_treasury({"area_code": p.AREA, "year": 2026})
        assert counts(sessions) == (0, 0, 0)

    @pytest.mark.parametrize(
        "principal",
        [
            p.DEPUTY,  # reads projects, not reconciliations
            t.OTHER_FINANCE,
            Principal("rd-2", ("congress_staff",), "150602"),
        ],
    )
    def test_a_report_is_read_only_in_its_area_by_finance_and_congress(
        self, sessions, disbursed, principal
    ):
        answer = t.worker(sessions).import_treasury_payments(t.import_body(t.csv_file(TREASURY)))
        with pytest.raises(Forbidden):
            t.worker(sessions, principal).get_reconciliation(answer["reconciliation_id"])
        with pytest.raises(Forbidden):
            t.worker(sessions, principal).export_reconciliation(answer["reconciliation_id"])
        congress = t.worker(sessions, p.CONGRESS).get_reconciliation(answer["reconciliation_id"])
        assert congress["summary"]["matched"] == 1

    def test_an_unknown_report_is_404_for_those_who_may_read_one(self, sessions):
        with pytest.raises(NotFound):
            t.worker(sessions).get_reconciliation("T-" + "0" * 32)
        with pytest.raises(Forbidden):
            t.worker(sessions, p.DEPUTY).get_reconciliation("T-" + "0" * 32)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"format": "xml"}, "format"),
            ({"year": 1999}, "year"),
            ({"content": ""}, "content"),
            ({"content": "payment_id\x07"}, "content"),
            ({"area_code": "15x"}, "area_code"),
            ({"extra": 1}, "extra"),
        ],
    )
    def test_a_malformed_body_is_refused_naming_the_field(self, sessions, change, field):
        body = {**t.import_body(t.csv_file(TREASURY)), **change}
        with pytest.raises(ValidationFailed) as refused:
            t.worker(sessions).import_treasury_payments(body)
        assert field in refused.value.details

    def test_a_body_without_content_is_refused(self, sessions):
        body = t.import_body("x")
        del body["content"]
        with pytest.raises(ValidationFailed) as refused:
            t.worker(sessions).import_treasury_payments(body)
        assert list(refused.value.details) == ["content"]
