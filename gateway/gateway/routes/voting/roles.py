"""Who may call each voting route: for every RPC, the union of the roles the voting service
accepts for it (voting.use_cases), so the gateway's pre-check refuses only callers the
service would refuse as well. The service keeps its finer rules: the session's area, and a
deputy checking in or taking a ballot only for themselves (their roster 账号).
tests/contract/test_gateway_roles.py keeps each set equal to the service's own."""

RUN = frozenset({"congress_staff"})  # only congress staff of the area run a session
READ = frozenset({"congress_staff", "supervisor"})  # unpublished results and the roll
SESSION_READ = READ | {"deputy"}
RULES_READ = RUN | {"supervisor", "deputy"}
ROSTER_READ = RUN | {"supervisor"}
ROLL = RUN | {"deputy"}  # check-in and ballots: staff, or a deputy for themselves
TELLER = frozenset({"congress_staff"})  # 计票人
SUPERVISOR = frozenset({"supervisor"})  # 监票人
