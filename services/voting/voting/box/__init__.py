"""The ballot box: its tables and the only code that reads or writes them."""
