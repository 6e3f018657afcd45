"""Supervision · inspections (集中督查 and the standing committee's other forms), findings,
rectification requests and look-backs (回头看): its RPC names and schemas."""


class InspectionsRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""
