"""Voting's routes (代表定): rules, rosters and sessions with their state machine; the floor of
a session (deliberation, check-in, tokens, the anonymous cast, receipts, paper ballots,
consultation); results, the audit chain and exports.

Area-addressed routes go to the level of `area_code`; session-addressed routes to the level
named by the session id's first letter (contracts.voting.session_level), so no lookup is
needed. The voting service checks the area scope of every record itself.
"""

from . import floor, results, sessions

ROUTES = (*sessions.ROUTES, *floor.ROUTES, *results.ROUTES)
