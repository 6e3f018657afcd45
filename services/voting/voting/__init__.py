"""The voting service (代表定): congress sessions and an exact, secret, verifiable ballot.

Two databases, kept apart on purpose (ARCHITECTURE §8): `voting` holds the sessions, rosters,
the roll (who received a ballot) and the audit log; `voting_ballots` is the ballot box (what was
voted), with no deputy identifier, no time and no address in it.
"""
