"""Callback data: short, ASCII, versioned; anything else is not ours."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import Callback, cb, parse_callback


def test_round_trip():
    data = cb("match", "accept", 1234)
    assert data == "v1:match:accept:1234"
    assert parse_callback(data) == Callback("match", "accept", ("1234",))
    assert parse_callback(data).int_arg(0) == 1234


def test_too_long_or_non_ascii_is_refused_when_built():
    with pytest.raises(ValueError):
        cb("x", "y", "a" * 60)
    with pytest.raises(ValueError):
        cb("lang", "set", "кыр")


@pytest.mark.parametrize("data", [None, "", "v0:lang:set:ru", "lang:set", "v1:lang", "v1:a:b:" + "x" * 70, "v1:a:b:к"])
def test_foreign_or_forged_data_is_not_parsed(data):
    assert parse_callback(data) is None


@given(st.text(max_size=80))
def test_parser_never_raises(data):
    parsed = parse_callback(data)
    assert parsed is None or data.startswith("v1:")
