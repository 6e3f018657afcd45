"""Reading a treasury payments file: both formats, exact fen, every problem by row and field,
Chinese first; the digest of a re-run."""

import json
from datetime import date

import pytest
from implementation.domain import treasury_file as files

TODAY = date(2026, 12, 1)
HEADER = "payment_id,mof_div_code,fiscal_year,pro_code,voucher_no,amount,paid_on,payee"
ROW = "P001,150622,2026,150622-2026-001,V1,1200.50,2026-06-30,薛家湾镇建设公司"


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def read_csv(text: str):
    return files.read(text, "csv", 2026, TODAY)


def errors_of(problems):
    return [(p.row, p.field) for p in problems]


class TestCsv:
    def test_a_good_row_is_a_payment_in_fen(self):
        payments, problems = read_csv(csv_of(ROW))
        assert problems == []
        (payment,) = payments
        assert payment.row == 2 and payment.payment_id == "P001"
        assert payment.amount_fen == 120050 and payment.paid_on == date(2026, 6, 30)
        assert payment.payee == "薛家湾镇建设公司" and payment.fiscal_year == 2026

    def test_a_byte_order_mark_is_accepted(self):
        payments, problems = read_csv("\ufeff" + csv_of(ROW))
        assert problems == [] and len(payments) == 1

    def test_chinese_headers_and_unknown_columns_are_read(self):
        header = (
            "支付流水号,财政区划代码,预算年度,项目代码,支付凭证号,支付金额,支付日期,收款单位,备注"
        )
        payments, problems = read_csv(csv_of(ROW + ",随便", header=header))
        assert problems == [] and payments[0].voucher_no == "V1"

    @pytest.mark.parametrize(
        ("amount", "fen"),
        [("1200", 120000), ("0.01", 1), ("-300.00", -30000), ("1200.5", 120050)],
    )
    def test_amounts_are_exact_yuan_reversals_negative(self, amount, fen):
        payments, problems = read_csv(csv_of(ROW.replace("1200.50", amount)))
        assert problems == [] and payments[0].amount_fen == fen

    @pytest.mark.parametrize(
        ("amount", "says"),
        [
            ("1200.505", "两位小数"),
            ("1200.500", "两位小数"),
            ("0", "不能为 0"),
            ("-0.00", "不能为 0"),
            ('"1,200.50"', "不含逗号"),  # quoted, as a spreadsheet writes it
            ("1200元", "不含逗号"),
            ("1e3", "不含逗号"),
            ("", "必填"),
            ("5000000000.01", "上限"),
        ],
    )
    def test_amounts_that_are_not_yuan_to_the_fen_are_refused(self, amount, says):
        _, problems = read_csv(csv_of(ROW.replace("1200.50", amount)))
        assert errors_of(problems) == [(2, "amount")]
        assert says in problems[0].message

    @pytest.mark.parametrize("day", ["2026-02-30", "2026/06/30", "20260630", "30.06.2026"])
    def test_a_bad_date_is_refused(self, day):
        _, problems = read_csv(csv_of(ROW.replace("2026-06-30", day)))
        assert errors_of(problems) == [(2, "paid_on")]
        assert problems[0].message.startswith("支付日期应为 YYYY-MM-DD")

    def test_a_payment_in_the_future_is_refused(self):
        _, problems = read_csv(csv_of(ROW.replace("2026-06-30", "2026-12-02")))
        assert errors_of(problems) == [(2, "paid_on")] and "晚于今天" in problems[0].message

    def test_a_missing_column_is_named_in_the_header(self):
        header = HEADER.replace(",voucher_no", "")
        row = ROW.replace(",V1", "")
        payments, problems = read_csv(csv_of(row, header=header))
        assert payments == [] and errors_of(problems) == [(1, "voucher_no")]
        assert "表头缺少列 voucher_no（支付凭证号）" in problems[0].message

    def test_a_repeated_column_is_refused(self):
        _, problems = read_csv(csv_of(ROW + ",x", header=HEADER + ",金额"))
        assert errors_of(problems) == [(1, "amount")] and "重复" in problems[0].message

    def test_a_payment_id_twice_in_one_file_is_refused_at_its_second_row(self):
        _, problems = read_csv(csv_of(ROW, ROW.replace("V1", "V2"), ROW))
        assert errors_of(problems) == [(3, "payment_id"), (4, "payment_id")]
        assert problems[0].message.startswith("支付流水号与第 2 行重复")

    def test_the_fiscal_year_must_be_the_imports(self):
        _, problems = read_csv(csv_of(ROW.replace(",2026,", ",2025,")))
        assert errors_of(problems) == [(2, "fiscal_year")] and "2026" in problems[0].message

    def test_every_problem_of_every_row_is_listed_in_row_and_field_order(self):
        bad = "P 2,15062,26,,V/1,abc,2026-13-01,"
        _, problems = read_csv(csv_of(ROW, bad, ROW.replace("P001", "P003") + ",extra"))
        assert errors_of(problems) == [
            (3, "payment_id"),
            (3, "mof_div_code"),
            (3, "fiscal_year"),
            (3, "pro_code"),
            (3, "amount"),
            (3, "paid_on"),
            (3, "payee"),
            (4, None),
        ]
        assert all(not p.message.isascii() for p in problems)  # Chinese first

    def test_blank_lines_are_skipped_and_rows_keep_their_numbers(self):
        payments, problems = read_csv(csv_of("", ROW, "", ROW.replace("P001", "P002")))
        assert problems == [] and [p.row for p in payments] == [3, 5]

    def test_an_empty_file_or_a_header_alone_is_refused(self):
        assert read_csv("")[1][0].message.startswith("文件为空")
        assert read_csv(csv_of())[1][0].message.startswith("文件中没有支付记录")

    def test_a_cell_beyond_the_csv_readers_limit_is_a_refusal_not_a_crash(self):
        for text in ("x" * 200_000, csv_of(ROW.replace("V1", "V" * 200_000))):
            payments, problems = read_csv(text)
            assert payments == [] and problems

    def test_a_payee_on_two_lines_is_refused(self):
        _, problems = read_csv(csv_of(ROW.replace("薛家湾镇建设公司", '"建设\n公司"')))
        assert errors_of(problems) == [(2, "payee")]


class TestJson:
    good = {
        "payment_id": "P001",
        "mof_div_code": "150622100",
        "fiscal_year": 2026,
        "pro_code": "XJW-001",
        "voucher_no": "V1",
        "amount": "1200.50",
        "paid_on": "2026-06-30",
        "payee": "薛家湾镇建设公司",
    }

    def read(self, document):
        return files.read(json.dumps(document, ensure_ascii=False), "json", 2026, TODAY)

    def test_a_list_of_objects_is_read_numbers_exactly(self):
        amounts = [0.1, 12, "3.30", 1200.5]  # a JSON number is read as written, never a float
        document = [
            {**self.good, "payment_id": f"P{i}", "amount": a} for i, a in enumerate(amounts)
        ]
        payments, problems = self.read(document)
        assert problems == [] and [p.amount_fen for p in payments] == [10, 1200, 330, 120050]

    def test_rows_count_from_one_and_name_their_field(self):
        bad = {**self.good, "payment_id": "P2", "amount": 1.234, "fiscal_year": "2026"}
        _, problems = self.read([self.good, bad, "P3"])
        assert errors_of(problems) == [(2, "amount"), (3, None)]

    def test_a_missing_field_is_required(self):
        partial = {k: v for k, v in self.good.items() if k != "voucher_no"}
        _, problems = self.read([partial])
        assert (
            errors_of(problems) == [(1, "voucher_no")] and problems[0].message == "必填 (required)"
        )

    def test_not_json_or_not_a_list_is_refused_whole(self):
        _, problems = files.read("[{", "json", 2026, TODAY)
        assert problems[0].row is None and problems[0].message.startswith("JSON 格式错误")
        assert self.read({"payments": []})[1][0].message.startswith("JSON 应为支付记录的数组")

    def test_hostile_json_is_a_refusal_not_a_crash(self):
        for text in ("[" * 100_000, '[{"amount": NaN}]', "[" + "9" * 5000 + "]"):
            payments, problems = files.read(text, "json", 2026, TODAY)
            assert payments == [] and problems

    def test_a_boolean_or_nested_value_is_not_an_amount_or_a_code(self):
        _, problems = self.read([{**self.good, "amount": True, "pro_code": ["x"]}])
        assert errors_of(problems) == [(1, "pro_code"), (1, "amount")]


class TestDigest:
    def test_the_same_file_for_the_same_area_and_year_has_one_digest(self):
        text = csv_of(ROW)
        first = files.digest("150622", 2026, "csv", text)
        assert first == files.digest("150622", 2026, "csv", "\ufeff" + text)
        assert first != files.digest("150622100", 2026, "csv", text)
        assert first != files.digest("150622", 2025, "csv", text)


def test_the_refusal_counts_problems_and_rows():
    _, problems = read_csv(csv_of(ROW.replace("1200.50", "x"), ROW.replace("2026-06-30", "x")))
    message = files.refusal_message(problems)
    assert message.startswith("国库支付文件有 2 处错误（涉及2 行），未导入任何记录")
