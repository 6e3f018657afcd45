"""Voting's pure rules, standard library only (import-linter enforces it): rules, quorum and
threshold arithmetic (`rules`), ballots and tally (`ballots`), the satisfaction vote
(`satisfaction`), the hash-chained audit log and the result digest (`audit`)."""
