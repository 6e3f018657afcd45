"""Supervision · evaluation: performance frameworks and evaluations (绩效评价), the deputies'
satisfaction vote (满意度测评), the year-end report: its RPC names and schemas."""


class EvaluationRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""
