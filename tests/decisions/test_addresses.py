"""A decision's address, built around a once-resolved route, is always what `reverse` gives:
for any number, under a script prefix, and under another URL configuration."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from decisions.addresses import MARK, decision_url


@pytest.mark.parametrize("number", [1, 42, 9999, 10_000, 123_456_789, MARK])
def test_it_is_what_reverse_gives(number):
    assert decision_url(number) == reverse("decision_detail", args=[number])


def test_it_follows_the_script_prefix_of_the_request():
    set_script_prefix("/advisor/")
    try:
        assert decision_url(7) == "/advisor/decisions/7/" == reverse("decision_detail", args=[7])
    finally:
        clear_script_prefix()
    assert decision_url(7) == "/decisions/7/"


@override_settings(ROOT_URLCONF="tests.error_urls")
def test_it_follows_the_url_configuration_in_use():
    with pytest.raises(NoReverseMatch):
        reverse("decision_detail", args=[7])
    with pytest.raises(NoReverseMatch):
        decision_url(7)
