"""HTML written in Python escapes what it is given, as Django's templates would."""

from __future__ import annotations

from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from advisor.markup import escape_html, html_attrs


def test_it_escapes_as_django_does_and_lets_safe_strings_through():
    hostile = "\"'><script>alert(1)</script>&amp;"

    assert escape_html(hostile) == conditional_escape(hostile)
    assert escape_html(42) == "42"
    assert escape_html(mark_safe("<b>kept</b>")) == "<b>kept</b>"


def test_it_writes_attributes_as_flatatt_does():
    attrs = {"id": 'x"y', "required": True, "disabled": False, "aria-invalid": None}

    assert html_attrs(attrs) == ' id="x&quot;y" required'
    assert sorted(html_attrs(attrs).split()) == sorted(flatatt(attrs).split())
