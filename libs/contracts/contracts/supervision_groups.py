"""Supervision · groups and assignments, group suggestions, the project file (监督档案):
its RPC names and schemas."""


class GroupsRpc:
    """The RPC methods of this part (gathered by contracts.supervision.SupervisionRpc)."""
