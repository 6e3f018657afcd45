"""Money as the treasury tests make it: a township project with a plan, a budget from its own
fiscal source under a finance key, disbursements recorded by finance staff, and treasury files
in the documented formats (README, "Treasury import")."""

import json
from typing import Any

from servicekit.auth import ANONYMOUS, Principal

from tests.support import projects as p
from tests.support.workers import service_worker

FINANCE = Principal("fin-1", ("finance_staff",), "150622100")
BANNER_FINANCE = Principal("fin-b", ("finance_staff",), "150622")
OTHER_FINANCE = Principal("fin-2", ("finance_staff",), "150602")  # another banner
DIVISION = "150622"  # the township's projects carry their county's code by default
HEADER = "payment_id,mof_div_code,fiscal_year,pro_code,voucher_no,amount,paid_on,payee"
PAYEE = "薛家湾镇城建工程有限公司"


def worker(sessions, principal: Principal = FINANCE):
    return service_worker("implementation", sessions, principal)


def funded_project(sessions, pro_code: str = "XJW-2026-001", budget_fen: int = 100_000_00) -> str:
    """One elected project of the township, planned, budgeted from own_fiscal under pro_code."""
    before = {
        i["id"] for i in worker(sessions, p.STAFF).list_projects({"area_code": p.AREA})["items"]
    }
    worker(sessions, ANONYMOUS).handle_voting_session_results_announced(
        p.envelope(p.results(elected=1, other=0))
    )
    items = worker(sessions, p.STAFF).list_projects({"area_code": p.AREA})["items"]
    (project_id,) = {i["id"] for i in items} - before
    worker(sessions, p.STAFF).put_plan(project_id, p.plan())
    worker(sessions).put_budget(
        project_id,
        {"amounts": {"own_fiscal": budget_fen}, "pro_code": pro_code, "reason": "年初预算"},
    )
    return project_id


def disburse(sessions, project_id: str, voucher: str, fen: int, day: str = "2026-06-30") -> dict:
    return worker(sessions).add_fund_flow(
        project_id,
        {
            "kind": "disbursement",
            "source": "own_fiscal",
            "amount_fen": fen,
            "flow_date": day,
            "voucher_no": voucher,
            "payee": PAYEE,
        },
    )


def payment(
    payment_id: str,
    voucher: str,
    amount: str,
    pro_code: str = "XJW-2026-001",
    division: str = DIVISION,
    day: str = "2026-07-02",
) -> dict[str, Any]:
    return {
        "payment_id": payment_id,
        "mof_div_code": division,
        "fiscal_year": 2026,
        "pro_code": pro_code,
        "voucher_no": voucher,
        "amount": amount,
        "paid_on": day,
        "payee": PAYEE,
    }


def csv_file(payments: list[dict[str, Any]], bom: bool = False) -> str:
    lines = [HEADER] + [",".join(str(row[c]) for c in HEADER.split(",")) for row in payments]
    return ("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n"


def json_file(payments: list[dict[str, Any]]) -> str:
    return json.dumps(payments, ensure_ascii=False)


def import_body(content: str, fmt: str = "csv", area: str = p.AREA) -> dict[str, Any]:
    return {"area_code": area, "year": p.YEAR, "format": fmt, "content": content}
