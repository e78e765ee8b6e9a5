"""The help beside each number field speaks in the unit the field asks for, so nobody has to
convert before answering (the monthly volume once spoke of requests a day)."""

from __future__ import annotations

import re

import pytest

from advisor.framework import Framework, default_framework
from advisor.framework.schema import Question

SIZE = re.compile(r"\b\d[\d,.]*\s?(KB|MB|GB|GiB|TB)\b")
DURATION = re.compile(r"\b\d[\d,.]*\s?(ms|milliseconds?|seconds?|minutes?|hours?)\b")
PERIOD = re.compile(r"\b(?:a|an|per) (second|minute|hour|day|week|month|year)\b")
SINGULAR = {"milliseconds": "ms", "millisecond": "ms", "minute": "minutes", "second": "seconds"}

NUMBER_QUESTIONS = [q for q in default_framework().questions if q.type in ("integer", "number")]


def _foreign_units(question: Question, text: str) -> list[str]:
    """Units in `text` of the same kind as the question's unit, other than that unit."""
    unit = question.unit
    if unit.startswith("per "):
        return [p for p in PERIOD.findall(text) if p != unit.removeprefix("per ")]
    if SIZE.fullmatch(f"1 {unit}"):
        return [u for u in SIZE.findall(text) if u != unit]
    if DURATION.fullmatch(f"1 {unit}"):
        return [u for u in DURATION.findall(text) if SINGULAR.get(u, u) != unit]
    return []


def test_the_check_catches_a_unit_the_field_does_not_ask_for(framework: Framework) -> None:
    monthly = framework.question("monthly_requests")
    memory = framework.question("memory_mb")

    assert _foreign_units(monthly, "loses at one to five million requests a day") == ["day"]
    assert _foreign_units(memory, "up to 10 GB") == ["GB"]
    assert _foreign_units(memory, "up to 10,240 MB") == []


@pytest.mark.parametrize("question", NUMBER_QUESTIONS, ids=[q.id for q in NUMBER_QUESTIONS])
def test_every_number_question_explains_itself_in_its_own_unit(question: Question) -> None:
    assert _foreign_units(question, question.help) == [], question.help


def test_the_monthly_volume_speaks_of_months(framework: Framework) -> None:
    question = framework.question("monthly_requests")

    assert question.unit == "per month"
    assert "a month" in question.help
