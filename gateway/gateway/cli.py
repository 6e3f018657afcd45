"""Create accounts for a real deployment:

    python -m gateway.cli create-account --username zhangsan --role government_staff \
        --area 150622100 [--name 张三]      (the password is asked for, never echoed)
    python -m gateway.cli create-account --username lisi --role department_staff \
        --area 150622 --department 住建局   (department staff must name their unit)

Non-interactive (scripts, deploy jobs): the password comes from MINSHENG_NEW_PASSWORD instead,
never from an argument (arguments show in `ps` and shell history):

    MINSHENG_NEW_PASSWORD=… python -m gateway.cli create-account --username … --role … --area …

Deactivate an account (it cannot log in, and the gateway refuses its tokens within
ACCOUNT_CHECK_SECONDS, 30 s), or reactivate it:

    python -m gateway.cli deactivate-account --username zhangsan
    python -m gateway.cli activate-account --username zhangsan

Name the unit of an account made before accounts carried one (department staff act only on
their department's projects; the next login's token carries it):

    python -m gateway.cli set-department --username lisi --department 住建局

Exit status 0 when done, 1 when refused (one line on stderr saying why), 2 on bad usage.
"""

import argparse
import getpass
import os
import sys

from servicekit import config
from servicekit.clock import utcnow
from servicekit.db import make_engine
from servicekit.errors import ServiceError
from servicekit.migrate import upgrade
from sqlalchemy.orm import Session

from . import accounts


def create_account(args: argparse.Namespace) -> int:
    password = os.environ.get("MINSHENG_NEW_PASSWORD") or getpass.getpass("密码 (password): ")
    upgrade("gateway")
    with Session(make_engine(config.database_url("gateway"))) as session:
        try:
            account = accounts.create_account(
                session,
                username=args.username,
                password=password,
                roles=args.role,
                area_code=args.area,
                display_name=args.name,
                now=utcnow(),
                department=args.department,
            )
        except ServiceError as exc:
            print(f"未创建 (not created): {exc.message} {exc.details}", file=sys.stderr)
            return 1
        scope = [",".join(account.role_list), account.area_code, account.department or ""]
        print(f"已创建账号 {account.username}（{'，'.join(filter(None, scope))}）")
        # The user id links the account elsewhere (a social supervisor's `subject`).
        print(f"用户编号 (user id): {account.id}")
    return 0


def set_active(args: argparse.Namespace) -> int:
    active = args.command == "activate-account"
    upgrade("gateway")
    with Session(make_engine(config.database_url("gateway"))) as session:
        try:
            accounts.set_active(session, args.username, active)
        except ServiceError as exc:
            print(f"未更改 (not changed): {exc.message} {exc.details}", file=sys.stderr)
            return 1
    if active:
        print(f"已启用账号 {args.username} (activated)")
    else:
        seconds = config.env("ACCOUNT_CHECK_SECONDS", "30")
        print(
            f"已停用账号 {args.username}：不能再登录，已发令牌 {seconds} 秒内失效 "
            f"(deactivated: no more logins; its tokens stop working within {seconds} s)"
        )
    return 0


def set_department(args: argparse.Namespace) -> int:
    upgrade("gateway")
    with Session(make_engine(config.database_url("gateway"))) as session:
        try:
            account = accounts.set_department(session, args.username, args.department)
        except ServiceError as exc:
            print(f"未更改 (not changed): {exc.message} {exc.details}", file=sys.stderr)
            return 1
        print(
            f"账号 {account.username} 所属部门：{account.department or '（无）'} (department set)"
        )
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-account", help="create a staff or deputy account")
    create.add_argument("--username", required=True)
    create.add_argument("--role", action="append", required=True, help="repeat for several roles")
    create.add_argument("--area", required=True, help="area code of the account's scope")
    create.add_argument("--name", help="display name")
    create.add_argument(
        "--department", help="the unit, e.g. 住建局 (required for department_staff)"
    )
    for name, what in (("deactivate-account", "deactivate"), ("activate-account", "reactivate")):
        command = commands.add_parser(name, help=f"{what} an account")
        command.add_argument("--username", required=True)
    department = commands.add_parser("set-department", help="name the unit of an account")
    department.add_argument("--username", required=True)
    department.add_argument("--department", required=True, help="the unit; empty to clear")
    args = parser.parse_args(argv)
    if args.command == "create-account":
        return create_account(args)
    return set_department(args) if args.command == "set-department" else set_active(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
