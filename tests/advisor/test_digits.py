"""One rule for showing numbers and one for reading them back (advisor.digits)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.digits import group_digits, read_number


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (1_200_000, None, "1,200,000"),
        (999, None, "999"),
        (0, None, "0"),
        (-1_500, None, "-1,500"),
        (2.5, None, "2.5"),
        (1_234_567.5, None, "1,234,567.5"),  # never "1.23457e+06"
        (0.064, None, "0.064"),
        (1e16, None, "10,000,000,000,000,000"),
        (40.0, None, "40"),
        (1234.5678, 2, "1,234.57"),
        (99.6, 0, "100"),
    ],
)
def test_it_groups_thousands_with_commas(value, places, shown):
    assert group_digits(value, places) == shown


@pytest.mark.parametrize(
    "typed",
    [
        "1,200,000",
        "1 200 000",
        "1200000",
        "1\u00a0200\u00a0000",
        "1\u202f200\u202f000",
        "1'200'000",
        "1_200_000",
        "  1,200,000\t",
        "+1,200,000",
        "1,200,000.00",
    ],
)
def test_it_reads_the_ways_people_group_thousands(typed):
    assert read_number(typed, whole=True) == 1_200_000
    assert read_number(typed, whole=False) == 1_200_000.0


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "abc",
        "1.2m",
        "1e6",
        "1,5",  # a decimal comma: refused rather than read as 15
        "12,00,000",
        "1,200 000",  # two kinds of separator
        "1.200.000",
        "1,,200",
        ",200",
        "1.",
        "--5",
        "1" * 41,
    ],
)
def test_it_refuses_what_it_would_have_to_guess(typed):
    with pytest.raises(ValueError):
        read_number(typed, whole=False)
    with pytest.raises(ValueError):
        read_number(typed, whole=True)


def test_a_whole_number_has_no_fraction():
    assert read_number("-5", whole=True) == -5
    assert read_number("2.5", whole=False) == 2.5
    assert read_number("1,440.25", whole=False) == 1440.25
    with pytest.raises(ValueError):
        read_number("2.5", whole=True)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_a_shown_integer_reads_back_as_itself(value):
    assert read_number(group_digits(value), whole=True) == value


@given(st.floats(min_value=0, max_value=1e12).map(lambda value: round(value, 6)))
def test_a_shown_number_reads_back_as_itself(value):
    # Up to six decimals: what a person types, and every number a question allows.
    assert read_number(group_digits(value), whole=False) == value


@pytest.mark.parametrize(
    ("value", "shown"),
    [(900, "900 ms"), (1_234.5, "1,230 ms"), (15_000_000, "15,000,000 ms"), (0.25, "0.25 ms")],
)
def test_measures_in_explanations_are_grouped_and_never_in_exponent_form(value, shown):
    from advisor.engine.explain import _amount

    assert _amount(value, "ms") == shown
