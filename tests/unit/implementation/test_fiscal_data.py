"""The Fiscal Data Package of a year's project money: lines per project and fund source, exact
yuan, and a descriptor frictionless finds valid (and invalid once spoiled)."""

import json

import pytest
from implementation.domain import fiscal_data as fdp
from implementation.domain.funds import FUND_SOURCE_NAMES, FUND_SOURCES

from tests.support.fiscal_data_package import problems_of

PROJECT = {
    "project_id": "T-" + "a" * 32,
    "project_title": "老旧小区改造",
    "pro_code": "XJW-2026-001",
    "mof_div_code": "150622",
    "area_code": "150622100",
    "area_name": "薛家湾镇",
    "area_level": "township",
    "area_level_name": "苏木乡镇（街道）级",
    "fiscal_year": 2026,
}


def lines():
    return fdp.lines_of(
        PROJECT,
        {"own_fiscal": 100_000_00},
        {"own_fiscal": 80_000_00, "banner_special": 40_000_05},
        {"disbursement": {"own_fiscal": 30_000_00}, "payment": {"own_fiscal": 12_345_67}},
        FUND_SOURCES,
        FUND_SOURCE_NAMES,
    )


def write(folder, lines_, change=None):
    content = fdp.to_csv(lines_)
    descriptor = fdp.descriptor("150622100", "薛家湾镇", 2026, content, "2026-12-03T00:00:00Z")
    if change:
        change(descriptor)
    (folder / "funds.csv").write_bytes(content)
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))
    return folder


class TestLines:
    def test_one_line_per_source_with_money_in_either_budget_or_flows(self):
        own, special = lines()
        assert (own.fund_source_code, special.fund_source_code) == ("own_fiscal", "banner_special")
        assert (own.allocated, own.adjusted, own.executed, own.paid) == (
            100_000_00,
            80_000_00,
            30_000_00,
            12_345_67,
        )
        assert (special.allocated, special.adjusted, special.fund_source_name) == (
            0,
            40_000_05,
            "旗区专项",
        )

    @pytest.mark.parametrize(("fen", "text"), [(123456, "1234.56"), (-5, "-0.05"), (0, "0.00")])
    def test_yuan_are_exact_with_two_decimals(self, fen, text):
        assert fdp.yuan_text(fen) == text

    def test_the_csv_is_in_yuan_and_keyed_by_project_and_source(self):
        text = fdp.to_csv(lines()).decode("utf-8")
        header, first, second, _ = text.split("\r\n")
        assert header.split(",")[-4:] == ["allocated", "adjusted", "executed", "paid"]
        assert first.endswith(",2026,0.00,40000.05,0.00,0.00")  # banner_special sorts first
        assert second.endswith(",2026,100000.00,80000.00,30000.00,12345.67")


class TestPackage:
    def test_frictionless_finds_the_package_valid(self, tmp_path):
        assert problems_of(write(tmp_path, lines())) == []

    def test_an_empty_year_is_still_a_valid_package(self, tmp_path):
        assert problems_of(write(tmp_path, [])) == []

    def test_the_model_names_cny_and_the_budget_phases(self):
        model = fdp.descriptor("150622", "准格尔旗", 2026, b"", "x")["model"]
        assert {m["currency"] for m in model["measures"].values()} == {"CNY"}
        assert [m["phase"] for m in model["measures"].values()] == [
            "approved",
            "adjusted",
            "executed",
            "executed",
        ]
        assert set(model["dimensions"]) == {"project", "fund_source", "area", "fiscal_year"}

    def test_a_spoiled_package_is_caught(self, tmp_path):
        def spoil(descriptor):
            descriptor["model"]["measures"]["adjusted"]["currency"] = "yuan"
            descriptor["model"]["measures"]["paid"]["source"] = "payee"
            descriptor["resources"][0]["hash"] = "sha256:" + "0" * 64

        found = problems_of(write(tmp_path, lines(), spoil))
        assert any("hash" in p for p in found)
        assert any("'yuan' does not match" in p for p in found)
        assert "measure paid: no column payee" in found

    def test_a_value_off_its_schema_is_caught(self, tmp_path):
        folder = write(tmp_path, lines())
        path = folder / "funds.csv"
        spoiled = path.read_text(encoding="utf-8").replace("12345.67", "一万")
        path.write_text(spoiled, encoding="utf-8")
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        for key in ("bytes", "hash"):
            del descriptor["resources"][0][key]
        (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))
        assert any(p.startswith("type-error") for p in problems_of(folder))
