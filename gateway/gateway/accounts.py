"""Accounts and logins: the gateway's only use cases."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from contracts.fields import CONTROL_CHARACTERS, CONTROL_REFUSED
from contracts.reference import ROLES
from servicekit import areas
from servicekit.auth import Principal
from servicekit.errors import Conflict, NotFound, Unauthenticated, ValidationFailed
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import db, passwords, tokens

if TYPE_CHECKING:
    from .limits import LoginLimits


def login(
    session: Session,
    limits: "LoginLimits",
    secret: str,
    credentials: dict[str, Any],
    client: str,
    now: datetime,
) -> dict[str, Any]:
    """Username + password -> signed token. Every attempt counts against the client's limit
    before the KDF runs (a password sprayed over many usernames is throttled too); repeated
    failures per user and client are refused; a hash made at an older cost is replaced."""
    key = f"{credentials['username']}|{client}"
    limits.attempts.check(client)
    limits.failures.refuse_if_over(key)
    account = db.account_by_username(session, credentials["username"])
    # The connection goes back to the pool while the KDF runs or waits (up to a queue of
    # logins): held, a burst of logins took every pooled connection and the next ones timed
    # out. Closing detaches the account with its loaded columns.
    session.close()
    usable = account is not None and account.active
    stored = account.password_hash if account and usable else passwords.dummy_hash()
    verified, upgraded = limits.kdf.run(passwords.check, credentials["password"], stored)
    if not (verified and account and usable):
        limits.failures.hit(key)
        raise Unauthenticated("用户名或密码错误 (wrong username or password)")
    limits.failures.forget(key)
    if upgraded:
        db.replace_password_hash(session, account.id, upgraded)
        session.commit()
    return _granted(account, secret, now)


def _granted(account: db.Account, secret: str, now: datetime) -> dict[str, Any]:
    principal = Principal(
        account.id, account.role_list, account.area_code, account.username, account.department
    )
    token, expires = tokens.issue(secret, principal, now)
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_at": expires.isoformat(),
        "user": {
            "id": account.id,
            "username": account.username,
            "display_name": account.display_name,
            "roles": list(account.role_list),
            "area_code": account.area_code,
            "department": account.department,
        },
    }


# Department staff act only on the projects their unit leads or co-handles (implementation),
# so their account names the unit, as a plan names its lead and co-departments.
DEPARTMENT_ROLE = "department_staff"
MAX_DEPARTMENT = 100  # as a plan's lead_department


def _refuse_bad_department(roles: list[str], department: str | None) -> None:
    if DEPARTMENT_ROLE in roles and not department:
        raise ValidationFailed(
            "部门工作人员账号须填写所属部门 (department_staff needs a department)",
            {"department": ["必填 (required)"]},
        )
    if department is not None and len(department) > MAX_DEPARTMENT:
        raise ValidationFailed(
            f"部门名称至多 {MAX_DEPARTMENT} 个字符 (department: at most {MAX_DEPARTMENT})",
            {"department": ["too long"]},
        )
    if department is not None and CONTROL_CHARACTERS.search(department):
        raise ValidationFailed(CONTROL_REFUSED, {"department": [CONTROL_REFUSED]})


def _refuse_bad_account(
    username: str,
    password: str,
    roles: list[str],
    area_code: str,
    display_name: str | None,
    department: str | None,
) -> None:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        raise ValidationFailed(
            "角色无效 (unknown role)", {"roles": unknown or ["至少一个角色 (at least one)"]}
        )
    if areas.load().get(area_code) is None:
        raise ValidationFailed("未知的行政区划代码 (unknown area code)", {"area_code": [area_code]})
    _refuse_bad_department(roles, department)
    if len(password) < 10:
        raise ValidationFailed(
            "密码至少 10 位 (password: at least 10 characters)", {"password": ["too short"]}
        )
    # As every request body: a name or password with a control character could not log in.
    texts = {
        "username": username,
        "password": password,
        "display_name": display_name or "",
        "department": department or "",
    }
    bad = {name: [CONTROL_REFUSED] for name, v in texts.items() if CONTROL_CHARACTERS.search(v)}
    if bad:
        raise ValidationFailed(CONTROL_REFUSED, bad)


def create_account(
    session: Session,
    *,
    username: str,
    password: str,
    roles: list[str],
    area_code: str,
    display_name: str | None,
    now: datetime,
    department: str | None = None,
) -> db.Account:
    department = (department or "").strip() or None  # as the plans it is compared with
    _refuse_bad_account(username, password, roles, area_code, display_name, department)
    account = db.Account(
        username=username,
        display_name=display_name or username,
        password_hash=passwords.hash_password(password),
        roles=",".join(roles),
        area_code=area_code,
        department=department,
        active=True,
        created_at=now,
    )
    session.add(account)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("用户名已存在 (username taken)", {"username": username}) from exc
    return account


def set_active(session: Session, username: str, active: bool) -> db.Account:
    """Deactivate (or reactivate) an account: it cannot log in, and the gateway refuses its
    tokens once its standing is checked again (gateway.standing); nothing else changes."""
    account = db.account_by_username(session, username)
    if account is None:
        raise NotFound("没有这个用户名 (no such username)", {"username": username})
    account.active = active
    session.commit()
    return account


def set_department(session: Session, username: str, department: str | None) -> db.Account:
    """Name (or clear) the unit of an account made before accounts carried one; a department
    staff account must keep one. Its next login's token carries it."""
    account = db.account_by_username(session, username)
    if account is None:
        raise NotFound("没有这个用户名 (no such username)", {"username": username})
    department = (department or "").strip() or None
    _refuse_bad_department(account.role_list, department)
    account.department = department
    session.commit()
    return account
