"""Closed vocabularies shared by every service and the gateway (Chinese values are canonical)."""

import re

LEVELS = ("city", "banner", "township")
LEVEL_NAMES = {"city": "市级", "banner": "旗区级", "township": "苏木乡镇（街道）级"}

AREA_KINDS = ("city", "banner", "district", "town", "sumu", "township", "street")

CATEGORIES = (
    "教育",
    "医疗卫生",
    "养老托育",
    "基础设施",
    "老旧小区改造",
    "农村牧区人居环境",
    "交通出行",
    "就业创业",
    "文化体育",
    "其他",
)

PUBLIC_CHANNEL = "online"
# Entered by staff on someone's behalf; "visit" is a walk-in (来访) at a government office.
STAFF_CHANNELS = ("deputy", "department", "letter", "visit", "hotline")
# Created only from petition's matter_converted_to_proposal_v1, never submitted over HTTP.
PETITION_CHANNEL = "petition"
CHANNELS = (PUBLIC_CHANNEL, *STAFF_CHANNELS, PETITION_CHANNEL)

# Attachments are metadata only (the bytes live behind collection's storage interface); the
# allow-list covers photos, scans and office documents residents and staff actually hand in.
ATTACHMENT_CONTENT_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # 20 MiB
MAX_ATTACHMENTS = 10  # per proposal, submitted and added later together
MAX_SUPPORTERS_PER_SUBMISSION = 200

# The services of ARCHITECTURE §2; events name one of them as their source.
SERVICES = ("collection", "voting", "implementation", "supervision", "petition")

ROLES = (
    "admin",
    "congress_staff",
    "government_staff",
    "department_staff",
    "finance_staff",  # 财政: budgets, disbursements, treasury imports
    "deputy",
    "supervisor",
    "evaluator",
)

PROPOSAL_STATUSES = (
    "submitted",
    "in_library",
    "rejected",
    "needs_info",
    "merged",
    "adopted",
    "not_adopted",
)
# What a screener may decide; stays internal until the area's outcomes are published.
SCREENING_VERDICTS = ("in_library", "rejected", "needs_info")

# Bounds that catch typing errors without refusing real projects: the largest single
# livelihood project in the source is far below CNY 5 billion; Ordos has ~2.2 million people.
MAX_COST_FEN = 5_000_000_000_00
MAX_BENEFICIARIES = 10_000_000

# A tracking code starts with its level's letter so the gateway routes a public lookup to the
# right level's workers without asking anyone; the rest is random (Crockford base32).
LEVEL_LETTERS = {"city": "C", "banner": "B", "township": "T"}
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # base32 without I, L, O, U
TRACKING_CODE_PATTERN = r"^[CBT][0-9A-HJKMNP-TV-Z]{3}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"


def level_of_tracking_code(code: str) -> str | None:
    first = code[:1].upper()
    return next((level for level, letter in LEVEL_LETTERS.items() if letter == first), None)


def tracking_code_level(code: str) -> str | None:
    """The level of a well-formed tracking code (any case, as residents type it), or None.
    The whole value must match: `$` alone would also take a trailing newline."""
    if not (code.isascii() and re.fullmatch(TRACKING_CODE_PATTERN, code.upper())):
        return None
    return level_of_tracking_code(code)
