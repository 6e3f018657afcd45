"""What services share about each other: event and RPC names, payload schemas, error codes.

Depends on marshmallow only. Nothing here knows nameko, SQLAlchemy or a service's internals.
"""
