"""Supervision · checkpoints (年初问选题 · 年中问进度 · 年底问效果), their reports, the
chairpersons' meeting documents: its RPC names and schemas."""


class CheckpointsRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""
