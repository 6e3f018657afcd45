"""servicekit.db's NUL backstop looks at every text among a statement's parameters, however
they are nested (one row, many rows, a list for an IN, JSON-like values), and at nothing else."""

import pytest
from servicekit.db import _holds_nul


@pytest.mark.parametrize(
    ("parameters", "held"),
    [
        ("a\x00b", True),
        ("ab", False),
        ({"a": "x", "b": 1, "c": None}, False),
        ({"a": 1, "b": "x\x00"}, True),
        ([{"a": 1}, {"b": "y"}, {"c": "z\x00"}], True),  # executemany: the last row
        ([{"ids": ["p", "q\x00"]}], True),  # an expanding IN's list
        ((1, 2.5, ("x", ("y", {"k": "\x00"}))), True),
        ([[1, 2, ["x"]]], False),
        (None, False),
        (b"\x00", False),  # bytes are not text: a BLOB may hold any byte
        ((), False),
        ({}, False),
    ],
)
def test_a_nul_anywhere_among_the_texts_is_found(parameters, held):
    assert _holds_nul(parameters) is held
