"""The open-data export of a year's project money through implementation's entrypoint on
SQLite: anyone downloads it, frictionless finds the Fiscal Data Package valid, the figures are
the budgets' and flows' own, and nothing personal travels."""

import base64
import csv
import io
import zipfile

import pytest
from servicekit.auth import ANONYMOUS
from servicekit.errors import ValidationFailed

from tests.support import treasury as t
from tests.support.fiscal_data_package import problems_of, unpack
from tests.support.workers import migrated_sessions


@pytest.fixture
def sessions(tmp_path):
    with migrated_sessions("implementation", tmp_path) as sessions:
        yield sessions


@pytest.fixture
def folder(tmp_path):
    """Where a package is unpacked: beside, not among, the service's database files."""
    path = tmp_path / "package"
    path.mkdir()
    return path


def exported(sessions, area: str = "150622", year: int = 2026) -> dict:
    query = {"area_code": area, "year": year}
    return t.worker(sessions, ANONYMOUS).export_fiscal_data(query)


@pytest.fixture
def funded(sessions):
    """Two projects: one budgeted 100,000.00 then adjusted to 120,000.00, with 35,000.00
    disbursed and 12,345.67 paid; one budgeted 50,000.00 and untouched."""
    first = t.funded_project(sessions, "XJW-2026-001", 100_000_00)
    t.worker(sessions).put_budget(
        first,
        {"amounts": {"own_fiscal": 120_000_00}, "pro_code": "XJW-2026-001", "reason": "追加"},
    )
    t.disburse(sessions, first, "V1", 35_000_00)
    t.worker(sessions).add_fund_flow(
        first,
        {
            "kind": "payment",
            "source": "own_fiscal",
            "amount_fen": 12_345_67,
            "flow_date": "2026-07-01",
            "voucher_no": "Z1",
            "payee": "某某个人施工队",
        },
    )
    second = t.funded_project(sessions, "XJW-2026-002", 50_000_00)
    return first, second


class TestOpenData:
    def test_anyone_downloads_a_valid_fiscal_data_package(self, sessions, funded, folder):
        answer = exported(sessions)
        assert answer["content_type"] == "application/zip"
        assert answer["ascii_file_name"] == "minsheng-funds-150622-2026.zip"
        descriptor = unpack(base64.b64decode(answer["content_base64"]), folder)
        assert problems_of(folder) == []
        assert descriptor["name"] == "minsheng-funds-150622-2026"
        assert descriptor["fiscalPeriod"] == {"start": "2026-01-01", "end": "2026-12-31"}

    def test_the_figures_are_the_first_and_current_budget_and_the_flows(
        self, sessions, funded, folder
    ):
        unpack(base64.b64decode(exported(sessions)["content_base64"]), folder)
        with (folder / "funds.csv").open(encoding="utf-8", newline="") as opened:
            rows = {row["project_id"]: row for row in csv.DictReader(opened)}
        first, second = funded
        assert {k: rows[first][k] for k in ("allocated", "adjusted", "executed", "paid")} == {
            "allocated": "100000.00",
            "adjusted": "120000.00",
            "executed": "35000.00",
            "paid": "12345.67",
        }
        assert (rows[second]["allocated"], rows[second]["executed"]) == ("50000.00", "0.00")
        assert rows[first]["fund_source_name"] == "本级财政"
        assert (rows[first]["area_name"], rows[first]["area_level"]) == ("薛家湾镇", "township")
        assert (rows[first]["pro_code"], rows[first]["mof_div_code"]) == ("XJW-2026-001", "150622")

    def test_no_payee_voucher_or_staff_name_is_published(self, sessions, funded, folder):
        archive = base64.b64decode(exported(sessions)["content_base64"])
        unpack(archive, folder)
        published = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()))
        for private in ("某某个人施工队", t.PAYEE, "V1", "Z1", "fin-1", "gov-1", "王副镇长"):
            assert private not in published

    def test_a_township_sees_its_own_and_another_year_is_empty(self, sessions, funded, folder):
        town = unpack(base64.b64decode(exported(sessions, "150622100")["content_base64"]), folder)
        assert town["name"] == "minsheng-funds-150622100-2026"
        empty = folder / "empty"
        empty.mkdir()
        unpack(base64.b64decode(exported(sessions, year=2025)["content_base64"]), empty)
        assert (empty / "funds.csv").read_bytes().count(b"\r\n") == 1  # the header alone
        assert problems_of(empty) == []

    def test_the_same_data_exports_the_same_csv(self, sessions, funded):
        def csv_of(answer):
            with zipfile.ZipFile(io.BytesIO(base64.b64decode(answer["content_base64"]))) as z:
                return z.read("funds.csv")

        assert csv_of(exported(sessions)) == csv_of(exported(sessions))

    @pytest.mark.parametrize("query", [{"area_code": "999999", "year": 2026}, {"year": 2026}])
    def test_an_unknown_or_missing_area_is_refused(self, sessions, query):
        with pytest.raises(ValidationFailed):
            t.worker(sessions, ANONYMOUS).export_fiscal_data(query)
