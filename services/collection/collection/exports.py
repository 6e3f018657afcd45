"""Writing report tables as files: CSV (one table) and Excel (one sheet per table).

The encoding, with its guard against formula injection, is shared with the other services'
exports and lives in `servicekit.tables`; these names stay importable from here for the
collection code and tests that use them.
"""

from servicekit.tables import FORMULA_STARTS, Cell, Table, safe_cell, to_csv, to_xlsx

__all__ = ["FORMULA_STARTS", "Cell", "Table", "safe_cell", "to_csv", "to_xlsx"]
