"""Petition's tables: deputies, liaison stations and their public codes (码上找代表).

The matters and their handling: `db.matters`. Lists (specialties, a station's duty schedule)
are JSON text; every record carries its area's ancestor path, so "everything under banner X"
is one prefix query.
"""

from datetime import date, datetime

from servicekit.db import UtcDateTime
from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
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


# ---- duty posts (履职圈) and the sentiment diary (民情日记) --------------------------------
class DutyPost(Base):
    """A deputy's duty activity, public until hidden by congress staff; deleted by its author
    (kept, with its moderation, for the record; shown to nobody)."""

    __tablename__ = "duty_posts"

    id: Mapped[str] = mapped_column(String(34), primary_key=True)  # level letter + hex
    deputy_id: Mapped[str] = mapped_column(ForeignKey("deputies.id"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[date] = mapped_column(Date)
    attachments: Mapped[str] = mapped_column(Text, default="[]")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(500))
    hidden_by: Mapped[str | None] = mapped_column(String(64))
    hidden_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DutyPostModeration(Base):
    """Every hide and unhide of a post: who, when, why."""

    __tablename__ = "duty_post_moderation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[str] = mapped_column(ForeignKey("duty_posts.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(500))
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class DiaryNote(Base):
    """民情日记: a deputy's private note. Read by its author only; the matter it became, if any."""

    __tablename__ = "diary_notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    deputy_id: Mapped[str] = mapped_column(ForeignKey("deputies.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    noted_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    matter_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DiaryTag(Base):
    """A note's tags, one row each (a tag filter is an indexed equality)."""

    __tablename__ = "diary_tags"

    note_id: Mapped[str] = mapped_column(ForeignKey("diary_notes.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(20), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
