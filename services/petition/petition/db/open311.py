"""Open311's tables: the integrators' keys (a hash only), what each POSTed request brought
beyond the matter (its token, the resident's email: never shown), and the updates integrators
POST (once per key and update_id)."""

from datetime import datetime

from servicekit.db import UtcDateTime
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Open311Key(Base):
    """An integrator's api_key for an area (and the areas under it); revoked, it opens nothing."""

    __tablename__ = "open311_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    prefix: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Open311Request(Base):
    """A matter that came in through Open311: who filed it, its token, the resident's email."""

    __tablename__ = "open311_requests"

    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id"), primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("open311_keys.id"), index=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    resident_email: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[str | None] = mapped_column(String(100))
    device_id: Mapped[str | None] = mapped_column(String(100))
    media_url: Mapped[str | None] = mapped_column(String(500))  # kept, not shown


class Open311Update(Base):
    """An update an integrator POSTed (servicerequestupdates), recorded as one matter step."""

    __tablename__ = "open311_updates"

    key_id: Mapped[str] = mapped_column(ForeignKey("open311_keys.id"), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    matter_id: Mapped[str] = mapped_column(ForeignKey("matters.id"), index=True)
    step_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    media_url: Mapped[str | None] = mapped_column(String(500))
