"""Answer sets are validated once, against the framework, with one line per problem."""

from __future__ import annotations

import pytest

from advisor.answers import AnswersError, format_answer, validate_answers


def _problems(framework, answers) -> dict[str, str]:
    with pytest.raises(AnswersError) as caught:
        validate_answers(framework, answers)
    return caught.value.by_question()


def test_it_accepts_a_complete_answer_set(framework, make_answers):
    answers = validate_answers(framework, make_answers())

    assert list(answers) == [question.id for question in framework.questions]
    assert answers["utilization_percent"] is None


def test_it_puts_multi_choice_answers_in_framework_order(framework, make_answers):
    answers = validate_answers(framework, make_answers(triggers=["schedule", "http"]))

    assert answers["triggers"] == ["http", "schedule"]


@pytest.mark.parametrize(
    ("override", "question", "message"),
    [
        ({"traffic_pattern": "bursty"}, "traffic_pattern", "got 'bursty'; expected one of spiky"),
        ({"monthly_requests": -1}, "monthly_requests", "expected an integer from 0 to"),
        ({"monthly_requests": 2.5}, "monthly_requests", "got 2.5; expected an integer"),
        ({"monthly_requests": "1000"}, "monthly_requests", "got '1000'; expected an integer"),
        ({"utilization_percent": 101}, "utilization_percent", "from 0 to 100"),
        ({"max_duration_minutes": 0}, "max_duration_minutes", "a number above 0 up to"),
        ({"max_duration_minutes": float("nan")}, "max_duration_minutes", "got nan"),
        ({"gpu": "yes"}, "gpu", "got 'yes'; expected true or false"),
        ({"gpu": 1}, "gpu", "expected true or false"),
        ({"user_facing": None}, "user_facing", "expected true or false"),
        ({"triggers": ["http", "fax"]}, "triggers", "'fax' is not allowed"),
        ({"triggers": []}, "triggers", "a list of one or more of http"),
        ({"triggers": "http"}, "triggers", "a list of one or more of"),
        ({"triggers": ["http", "http"]}, "triggers", "lists the same trigger twice"),
        ({"colour": "blue"}, "colour", "is not a question of this framework"),
        ({"peak_rps": 1, "monthly_requests": 100_000_000}, "peak_rps", "below the average"),
    ],
)
def test_it_names_the_question_and_what_it_accepts(
    framework, make_answers, override, question, message
):
    problems = _problems(framework, make_answers(**override))

    assert question in problems
    assert message in problems[question]


def test_it_reports_missing_required_answers(framework, make_answers):
    answers = make_answers()
    del answers["runtime"]

    problems = _problems(framework, answers)

    assert problems == {
        "runtime": "is required; answer with one of python, node, java, dotnet, go, rust, other"
    }


def test_it_reports_wrong_answers_before_missing_ones(framework):
    with pytest.raises(AnswersError) as caught:
        validate_answers(framework, {"monthly_requests": "lots"})

    assert str(caught.value).startswith("monthly_requests: got 'lots'")
    # One problem per required question: the wrong one, then every other as missing.
    assert len(caught.value.problems) == len([q for q in framework.questions if q.required])


def test_it_refuses_something_that_is_not_a_mapping(framework):
    assert _problems(framework, ["traffic_pattern"]) == {
        "answers": "must be a mapping of question id to answer"
    }


def test_it_formats_answers_for_people(framework):
    assert format_answer(framework.question("traffic_pattern"), "spiky") == "Spiky"
    assert format_answer(framework.question("gpu"), False) == "No"
    assert format_answer(framework.question("triggers"), ["http", "queue"]) == (
        "HTTP requests, queue messages"
    )
    assert format_answer(framework.question("max_duration_minutes"), 40) == "40 minutes"
    assert format_answer(framework.question("utilization_percent"), 80) == "80%"
    assert format_answer(framework.question("monthly_requests"), 2_000_000) == (
        "2,000,000 per month"
    )
    assert format_answer(framework.question("utilization_percent"), None) == "not given"
