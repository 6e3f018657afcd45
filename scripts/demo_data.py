"""Demo data for `make run`: one account per role (printed passwords) and one open collection
notice per area of the areas file, created through the gateway's HTTP API like any client."""

import json
import urllib.error
import urllib.request
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from servicekit import areas, config
from servicekit.clock import utcnow
from servicekit.db import make_engine
from servicekit.errors import Conflict
from sqlalchemy.orm import Session

from gateway import accounts, db

DEMO_ACCOUNTS = (
    # username, role, area code, display name, password (demo only)
    ("admin", "admin", "150600", "系统管理员", "demo-admin-2026"),
    ("renda", "congress_staff", "150622", "准格尔旗人大常委会办公室", "demo-renda-2026"),
    ("zhengfu", "government_staff", "150622100", "薛家湾镇政府", "demo-zhengfu-2026"),
    ("bumen", "department_staff", "150602", "东胜区住建局", "demo-bumen-2026"),
    ("daibiao", "deputy", "150602001", "林荫街道人大代表", "demo-daibiao-2026"),
    ("jiandu", "supervisor", "150625", "杭锦旗社会监督员", "demo-jiandu-2026"),
    ("pinggu", "evaluator", "150600", "第三方评估机构", "demo-pinggu-2026"),
)


def ensure_accounts() -> list[tuple[str, str, str, str, str]]:
    with Session(make_engine(config.database_url("gateway"))) as session:
        for username, role, area, name, password in DEMO_ACCOUNTS:
            if db.account_by_username(session, username) is None:
                with suppress(Conflict):  # another loader created it meanwhile
                    accounts.create_account(
                        session,
                        username=username,
                        password=password,
                        roles=[role],
                        area_code=area,
                        display_name=name,
                        now=utcnow(),
                    )
    return list(DEMO_ACCOUNTS)


def _post(url: str, body: dict[str, Any], token: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


# Two sumu show the other states of a notice: one closed last month, one opening next month.
CLOSED_AREA, UPCOMING_AREA = "150625200", "150624200"


def _window(area_code: str, now: datetime) -> tuple[datetime, datetime]:
    if area_code == CLOSED_AREA:
        return now - timedelta(days=60), now - timedelta(days=30)
    if area_code == UPCOMING_AREA:
        return now + timedelta(days=30), now + timedelta(days=90)
    return now - timedelta(minutes=1), now + timedelta(days=60)


def ensure_notices(base_url: str) -> int:
    """One notice per area (open now for 60 days, except the two above) unless it has one."""
    _, login = _post(
        f"{base_url}/api/v1/auth/token", {"username": "admin", "password": "demo-admin-2026"}
    )
    token = login["access_token"]
    now = utcnow()
    created = 0
    for area in areas.load().all():
        if _get(f"{base_url}/api/v1/notices?area_code={area.code}")["items"]:
            continue
        opens, closes = _window(area.code, now)
        year = closes.year
        status, body = _post(
            f"{base_url}/api/v1/notices",
            {
                "area_code": area.code,
                "year": year,
                "title": f"{area.name}{year}年民生实事项目征集公告",
                "body": "欢迎群众通过线上、代表之家、联络站等渠道提出民生实事项目建议。",
                "opens_at": opens.isoformat(),
                "closes_at": closes.isoformat(),
            },
            token,
        )
        if status != 201:
            raise RuntimeError(f"notice for {area.code} refused: {status} {body}")
        created += 1
    return created
