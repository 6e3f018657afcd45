"""Supervision · public supervision: project codes, QR codes and site signs, public feedback
(码上监督), social supervisors (社会监督员): its RPC names and schemas."""


class PublicRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""
