"""The voting service (代表定): congress sessions and an exact, secret, verifiable ballot.

In progress (issue 4): the pure ballot engine (`voting.domain`) and the export verifier
(`python -m voting.verify`) come first; the nameko service, its databases and the gateway
routes follow.
"""
