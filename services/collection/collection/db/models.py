"""Collection's tables. Queries live beside this module, one module per part of stage 1
(`db.intake`, …); only `db` imports SQLAlchemy in this service."""

import uuid
from datetime import datetime

from servicekit.db import UtcDateTime
from servicekit.db import metadata as new_metadata
from servicekit.outbox import messaging_tables
from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = new_metadata()


MESSAGING = messaging_tables(Base.metadata)


def new_id() -> str:
    return str(uuid.uuid4())


class Notice(Base):
    """征集公告: a call for proposals in one area and year, open between two moments."""

    __tablename__ = "notices"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Proposal(Base):
    """A livelihood proposal. Personal data (name, phone) stays here and in the staff view."""

    __tablename__ = "proposals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    # Null only for a proposal converted from a petition matter where the area has no notice.
    notice_id: Mapped[str | None] = mapped_column(ForeignKey("notices.id"), nullable=True)
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16), index=True)
    location_text: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lng: Mapped[float | None] = mapped_column(Float, nullable=True)
    estimated_cost_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    beneficiaries: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitter_name: Mapped[str | None] = mapped_column(String(50), nullable=True)
    submitter_phone: Mapped[str | None] = mapped_column(String(24), nullable=True)
    deputy_name: Mapped[str | None] = mapped_column(String(50), nullable=True)
    liaison_station: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    entered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # ---- added with screening and the candidate list (migration 0002) ----
    year: Mapped[int | None] = mapped_column(Integer, index=True, nullable=True)  # its notice's
    department_name: Mapped[str | None] = mapped_column(String(100), nullable=True)  # 重点征集
    source_matter_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    merged_into_id: Mapped[str | None] = mapped_column(
        ForeignKey("proposals.id"), index=True, nullable=True
    )
    # Screening outcome as residents will read it: internal until the list is published.
    outcome_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcome_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # Its character bigrams, space-separated (domain.similarity.signature): what duplicate
    # suggestions compare; written with the row, so a submission writes nothing more.
    shingles: Mapped[str | None] = mapped_column(Text, nullable=True)


class Supporter(Base):
    """A resident who backs a proposal: collected with it by a deputy, or brought in by a merge.
    Name and phone are personal data: staff view only."""

    __tablename__ = "proposal_supporters"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(50), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(24), nullable=True)
    suggestion: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(16))
    merged_from_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Attachment(Base):
    """Metadata of a file handed in with a proposal; the bytes live behind a storage interface."""

    __tablename__ = "proposal_attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_uri: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Screening(Base):
    """One screener's scores on the four principles and verdict. Append-only: a screener's
    latest row counts, earlier ones stay as the record."""

    __tablename__ = "screenings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), index=True)
    screener_id: Mapped[str] = mapped_column(String(64))
    public_benefit: Mapped[int] = mapped_column(SmallInteger)  # 公益均等
    inclusive: Mapped[int] = mapped_column(SmallInteger)  # 普惠共享
    urgency: Mapped[int] = mapped_column(SmallInteger)  # 先急后缓
    assessable: Mapped[int] = mapped_column(SmallInteger)  # 可评可检
    comments: Mapped[str] = mapped_column(Text, default="{}")  # JSON: principle -> comment
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)  # public once published
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LibraryItem(Base):
    """民生实事项目库 (project library): an accepted proposal with the government's figures."""

    __tablename__ = "library_items"

    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12))
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(16), index=True)
    estimated_cost_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    lead_department: Mapped[str | None] = mapped_column(String(100), nullable=True)
    beneficiaries: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rationale: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AreaSettings(Base):
    """Per-area collection settings; areas without a row use the defaults in domain."""

    __tablename__ = "area_settings"

    area_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    rounds: Mapped[int] = mapped_column(SmallInteger)
    differential_ratio_permille: Mapped[int] = mapped_column(Integer)  # 200 = 20%
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DraftList(Base):
    """A draft candidate list of one area and year, revised in rounds (三上三下) until frozen."""

    __tablename__ = "draft_lists"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(100))
    rounds_planned: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(16))  # drafting | in_round | frozen
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcomes_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class DraftListVersion(Base):
    """An immutable numbered version of a draft list (0 = as built from the library)."""

    __tablename__ = "draft_list_versions"

    draft_list_id: Mapped[str] = mapped_column(ForeignKey("draft_lists.id"), primary_key=True)
    number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    items: Mapped[str] = mapped_column(Text)  # JSON list, in list order
    reasons: Mapped[str] = mapped_column(Text, default="{}")  # JSON: proposal id -> why changed
    content_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Round(Base):
    """One 三上三下 round: version `number - 1` goes down for comment, version `number` comes up."""

    __tablename__ = "draft_list_rounds"

    draft_list_id: Mapped[str] = mapped_column(ForeignKey("draft_lists.id"), primary_key=True)
    number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    status: Mapped[str] = mapped_column(String(8))  # open | closed
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class CommentRequest(Base):
    """A comment asked of a township, department or deputy in a round, and its answer."""

    __tablename__ = "round_comments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    draft_list_id: Mapped[str] = mapped_column(ForeignKey("draft_lists.id"), index=True)
    round_number: Mapped[int] = mapped_column(SmallInteger)
    recipient_kind: Mapped[str] = mapped_column(String(16))  # township | department | deputy
    recipient: Mapped[str] = mapped_column(String(100))
    # The account (username) that answers; null on requests made before accounts were named.
    recipient_account: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The first answer, on record (CommentAnswer keeps every answer, with its author).
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class CommentAnswer(Base):
    """One answer to a comment request, appended, never updated: who wrote it, and when."""

    __tablename__ = "round_comment_answers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    comment_request_id: Mapped[str] = mapped_column(ForeignKey("round_comments.id"), index=True)
    author_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # null: before 0003
    author_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    comment: Mapped[str] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CandidateList(Base):
    """A frozen candidate list: what deputies vote on. Never changes once written."""

    __tablename__ = "candidate_lists"
    __table_args__ = (UniqueConstraint("draft_list_id", name="uq_candidate_lists_draft_list_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    draft_list_id: Mapped[str] = mapped_column(ForeignKey("draft_lists.id"))
    version_number: Mapped[int] = mapped_column(SmallInteger)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    area_path: Mapped[str] = mapped_column(String(80), index=True)
    level: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    seats: Mapped[int] = mapped_column(SmallInteger)
    differential_ratio_permille: Mapped[int] = mapped_column(Integer)
    items: Mapped[str] = mapped_column(Text)  # JSON list, in ballot order
    content_hash: Mapped[str] = mapped_column(String(64))
    frozen_by: Mapped[str] = mapped_column(String(64))
    frozen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Filled once when session_results_announced_v1 arrives.
    results_session_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    results_digest: Mapped[str | None] = mapped_column(String(128), nullable=True)
    results_announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ProposalProject(Base):
    """The project a proposal became (implementation's project_created_v1) and its latest
    reported progress (progress_reported_v1): what the resident's tracking page shows next."""

    __tablename__ = "proposal_projects"

    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(34))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    progress_percent: Mapped[str | None] = mapped_column(String(8), nullable=True)
    standing: Mapped[str | None] = mapped_column(String(10), nullable=True)
    progress_as_of: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO date
    progress_reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
