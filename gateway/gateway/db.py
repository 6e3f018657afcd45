"""Accounts: the gateway's own data (ARCHITECTURE §2). No domain rules here."""

import uuid
from datetime import datetime

from servicekit.db import UtcDateTime
from servicekit.db import metadata as new_metadata
from sqlalchemy import Boolean, String, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    metadata = new_metadata()


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(
        String(200)
    )  # comma-separated, from contracts.reference.ROLES
    area_code: Mapped[str] = mapped_column(String(12))
    # The unit (e.g. 住建局) of a department_staff account; required for that role only.
    department: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    @property
    def role_list(self) -> tuple[str, ...]:
        return tuple(role for role in self.roles.split(",") if role)


def account_by_username(session: Session, username: str) -> Account | None:
    return session.scalar(select(Account).where(Account.username == username))


def replace_password_hash(session: Session, account_id: str, password_hash: str) -> None:
    session.execute(
        update(Account).where(Account.id == account_id).values(password_hash=password_hash)
    )
