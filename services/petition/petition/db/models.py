"""Petition's tables: deputies, liaison stations and their public codes (码上找代表).

The matters and their handling: `db.matters`. Lists (specialties, a station's duty schedule)
are JSON text; every record carries its area's ancestor path, so "everything under banner X"
is one prefix query.
"""

from datetime import datetime

from servicekit.db import UtcDateTime
from sqlalchemy import Boolean, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from . import Base


class Station(Base):
    """人大代表联络站 / 代表之家: where deputies meet residents, with its duty schedule."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("area_code", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(24))
    opening_hours: Mapped[str | None] = mapped_column(String(100))
    duty: Mapped[str] = mapped_column(Text, default="[]")  # [{"weekday": 1, "deputy_id": …}]
    public_code: Mapped[str] = mapped_column(String(8), unique=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Deputy(Base):
    """A deputy's profile, linked to the gateway's `deputy` account by its username (账号)."""

    __tablename__ = "deputies"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    level: Mapped[str] = mapped_column(String(10))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    delegation: Mapped[str | None] = mapped_column(String(100))
    station_id: Mapped[str | None] = mapped_column(ForeignKey("stations.id"), index=True)
    specialties: Mapped[str] = mapped_column(Text, default="[]")
    contact_policy: Mapped[str] = mapped_column(String(10))
    public_phone: Mapped[str | None] = mapped_column(String(24))
    public_code: Mapped[str] = mapped_column(String(8), unique=True)
    imported_by: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PublicCode(Base):
    """Every code ever printed: the current one of its holder, or revoked and pointing to the
    code that replaced it (the same holder's new one, or a successor's)."""

    __tablename__ = "public_codes"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # deputy / station
    holder_id: Mapped[str] = mapped_column(String(36), index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    replaced_by: Mapped[str | None] = mapped_column(String(8))
    revoked_reason: Mapped[str | None] = mapped_column(String(200))
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
