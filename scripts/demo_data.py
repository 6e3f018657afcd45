"""Demo data for `make run`: one account per role (printed passwords), one open collection
notice per area of the areas file, and voting rules plus a roster of made-up deputies for one
banner and one of its towns, created through the gateway's HTTP API like any client.

Every documented flow can be tried with the printed accounts, in 准格尔旗 (150622) and its town
薛家湾镇 (150622100): zhengfu builds the town's candidate list; renda runs the session and is the
first teller (计票人), jipiao the second (paper ballots need two different tellers per sheet);
daibiao is the roster's deputy DEMO-001 (账号 column), so checks in and takes a token for
themselves; jiandu is the count supervisor (监票人) of the banner, who resolves mismatched sheets;
caizheng is the town's finance office (财政所), who keeps its projects' budgets and disbursements.
The town's projects themselves (stage 3) come from a real vote: scripts.demo_projects.
"""

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

from gateway import accounts, db, passwords
from scripts import http_vote

DEMO_ACCOUNTS = (
    # username, role, area code, display name, password (demo only)
    ("admin", "admin", "150600", "系统管理员", "demo-admin-2026"),
    ("renda", "congress_staff", "150622", "准格尔旗人大常委会办公室·计票人甲", "demo-renda-2026"),
    ("jipiao", "congress_staff", "150622", "准格尔旗人大常委会办公室·计票人乙", "demo-jipiao-2026"),
    ("zhengfu", "government_staff", "150622100", "薛家湾镇政府", "demo-zhengfu-2026"),
    ("bumen", "department_staff", "150602", "东胜区住建局", "demo-bumen-2026"),
    ("caizheng", "finance_staff", "150622100", "薛家湾镇财政所", "demo-caizheng-2026"),
    ("daibiao", "deputy", "150622100", "薛家湾镇人大代表（演示代表01）", "demo-daibiao-2026"),
    ("jiandu", "supervisor", "150622", "准格尔旗监票人（社会监督员）", "demo-jiandu-2026"),
    ("pinggu", "evaluator", "150600", "第三方评估机构", "demo-pinggu-2026"),
)
DEMO_DEPUTY = "daibiao"  # the roster's DEMO-001 names this account (账号)
# Department staff name their unit: they act on the projects it leads or co-handles.
DEMO_DEPARTMENTS = {"bumen": "住建局"}


def ensure_accounts() -> tuple[list[tuple[str, str, str, str, str]], set[str]]:
    """Create the demo accounts that are missing, and bring a demo account left by an older
    `make run` (still with its demo password) to today's role, area, name and department.
    Returns the accounts and the usernames created or changed now."""
    changed: set[str] = set()
    with Session(make_engine(config.database_url("gateway"))) as session:
        for username, role, area, name, password in DEMO_ACCOUNTS:
            account = db.account_by_username(session, username)
            if account is None:
                with suppress(Conflict):  # another loader created it meanwhile
                    accounts.create_account(
                        session,
                        username=username,
                        password=password,
                        roles=[role],
                        area_code=area,
                        display_name=name,
                        now=utcnow(),
                        department=DEMO_DEPARTMENTS.get(username),
                    )
                    changed.add(username)
            elif _refresh(session, account, (role, area, name), password):
                changed.add(username)
    return list(DEMO_ACCOUNTS), changed


def _refresh(
    session: Session, account: db.Account, wanted: tuple[str, str, str], password: str
) -> bool:
    """An older demo account (its password still the demo one) takes today's role, area,
    name and department; True if it changed. An account someone made their own is left
    alone."""
    department = DEMO_DEPARTMENTS.get(account.username)
    current = (account.roles, account.area_code, account.display_name, account.department)
    if current == (*wanted, department):
        return False
    if not passwords.verify_password(password, account.password_hash):
        return False
    account.roles, account.area_code, account.display_name = wanted
    account.department = department
    session.commit()
    return True


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


def _get(url: str, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _login(base_url: str, username: str) -> str:
    (password,) = [row[4] for row in DEMO_ACCOUNTS if row[0] == username]
    status, body = _post(
        f"{base_url}/api/v1/auth/token", {"username": username, "password": password}
    )
    if status != 200:
        raise RuntimeError(f"demo login {username} refused: {status} {body}")
    return str(body["access_token"])


# Two sumu show the other states of a notice: one closed last month, one opening next month.
CLOSED_AREA, UPCOMING_AREA = "150625200", "150624200"


def _window(area_code: str, now: datetime) -> tuple[datetime, datetime]:
    if area_code == CLOSED_AREA:
        return now - timedelta(days=60), now - timedelta(days=30)
    if area_code == UPCOMING_AREA:
        return now + timedelta(days=30), now + timedelta(days=90)
    return now - timedelta(minutes=1), now + timedelta(days=60)


def notice_year(now: datetime) -> int:
    """The year of the notice `ensure_notices` opens at `now` in an ordinary area: the year it
    closes in (from November on, the next one)."""
    return _window("", now)[1].year


def ensure_notices(base_url: str) -> int:
    """One notice per area (open now for 60 days, except the two above) unless it has one."""
    token = _login(base_url, "admin")
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


# Voting (stage 2): rules for 准格尔旗 and 薛家湾镇, the areas of the demo congress staff (renda),
# who alone may run their sessions; a roster for the town. The deputies are made up.
VOTING_AREAS = ("150622", "150622100")
ROSTER_AREA = "150622100"
DEMO_DEPUTIES = 30
DELEGATIONS = http_vote.DELEGATIONS
# A town's congress has a presidium (主席团) between sessions, not a standing committee.
PUBLISHER = {"township": "人大主席团", "banner": "人大常委会", "city": "人大常委会"}


def demo_roster_csv(count: int = DEMO_DEPUTIES) -> str:
    """Obviously fake deputies: numbers DEMO-001…, names 演示代表01…, phones 0477-0000001….
    DEMO-001 names the demo deputy's account (账号), who checks in and takes a token for
    themselves; staff check the others in at the desk."""
    return http_vote.roster_csv("DEMO", count, {1: DEMO_DEPUTY}, name="演示代表{n:02d}")


def _import_roster(staff: http_vote.Http, area: areas.Area) -> int:
    title = f"{area.name}第十八届人民代表大会代表名册（演示）"
    return http_vote.import_roster(staff, area.code, title, demo_roster_csv())


def _adopt_rules(staff: http_vote.Http, area: areas.Area) -> None:
    today = utcnow().date()
    http_vote.adopt_rules(
        staff,
        area.code,
        today,
        f"演示-{area.name}人大〔{today.year}〕1号",
        f"{area.name}{PUBLISHER[area.level]}公告栏（演示）",
    )


def ensure_voting(base_url: str, deputy_changed: bool = False) -> tuple[int, int]:
    """Rules (and, for ROSTER_AREA, a roster) per area that has no rules yet. The rules are
    adopted last, so an area with rules is complete and a restart skips it: a crash between the
    two steps at worst imports the roster again as version 2. When the demo deputy's account
    was created or moved just now (data from an older `make run`, whose roster named no
    account), the roster is imported again as a new version that names it; new sessions take
    the latest. Returns (rules, deputies) created. Areas missing from a replaced AREAS_FILE are
    skipped."""
    staff = http_vote.Http(base_url, _login(base_url, "renda"))
    tree = areas.load()
    rules = deputies = 0
    for area in filter(None, map(tree.get, VOTING_AREAS)):
        if staff.call("GET", "/api/v1/voting-rules", params={"area_code": area.code})["items"]:
            if area.code == ROSTER_AREA and deputy_changed:
                deputies += _import_roster(staff, area)
            continue
        if area.code == ROSTER_AREA:
            deputies += _import_roster(staff, area)
        _adopt_rules(staff, area)
        rules += 1
    return rules, deputies
