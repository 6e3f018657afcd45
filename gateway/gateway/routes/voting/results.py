"""Results, the audit chain and exports of a session.

Public once the result is published (anyone may recompute the digest from the published
ballots and chain); before that, only staff and supervisors of the area. Who sees what is the
voting service's rule: the gateway needs no login here, and a caller's valid token still
travels with the call (gateway.identity), so staff can read a result before it is published.
Rate-limited per client like every public route.
"""

from contracts import reports
from contracts import voting as v
from contracts.rpc import VOTING
from contracts.rpc import VotingRpc as Rpc

from ...table.route import routes_of
from ...table.who import describe
from . import roles
from .sessions import IN_SESSION, SESSION

route = routes_of(VOTING, "voting")
# Unknown formats do not match the route at all: 404 with the envelope, like any unknown path.
FORMAT = f"<any({', '.join(v.EXPORT_FORMATS)}):fmt>"
MEDIA_TYPES = (
    "application/json",  # minsheng-session-export/1, what `python -m voting.verify` reads
    reports.CONTENT_TYPES["csv"],
    reports.CONTENT_TYPES["xlsx"],
    "text/plain; charset=utf-8",  # Pabulib .pb
)
BEFORE_PUBLISHED = (
    f"公布前仅限本地区的{describe(roles.READ)}，公布后任何人 (before publication only these roles "
    "of the area; anyone afterwards)"
)
# Before publication the service asks for the login (401) and the role and area (403).
UNPUBLISHED = (401, 403)

ROUTES = (
    route(
        "get",
        f"{SESSION}/result",
        Rpc.get_result,
        "票决结果，各轮计票与当选项目（公开后任何人可查）(the result, public once published)",
        who=BEFORE_PUBLISHED,
        where=IN_SESSION,
        response=v.SessionResult,
        public_limit=True,
        refuses=UNPUBLISHED,
    ),
    route(
        "get",
        f"{SESSION}/audit",
        Rpc.get_audit,
        "哈希链审计日志 (the hash-chained audit log)",
        who=BEFORE_PUBLISHED,
        where=IN_SESSION,
        response=v.AuditLog,
        public_limit=True,
        refuses=UNPUBLISHED,
    ),
    route(
        "get",
        f"{SESSION}/export.{FORMAT}",
        Rpc.get_export,
        "导出某一轮的结果与选票：json、csv、xlsx、pb (export a round; fmt: json|csv|xlsx|pb)",
        who=BEFORE_PUBLISHED,
        where=IN_SESSION,
        query=v.ExportQuery,
        files=MEDIA_TYPES,
        public_limit=True,
        refuses=(*UNPUBLISHED, 409),  # no announced round yet
    ),
)
