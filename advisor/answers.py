"""Answer sets: validated once at the boundary against the framework's questions.

The pydantic model is generated from the framework, so a question added to the data file is
validated (and rejected, when wrong) with no code change. Every problem is reported as one line
that names the question and says what it accepts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from advisor.costs import SECONDS_PER_MONTH
from advisor.digits import group_digits
from advisor.framework.schema import Framework, Question, per_framework
from advisor.prose import lower_first

Answers = dict[str, Any]


@dataclass(frozen=True)
class AnswerProblem:
    question: str
    message: str
    # missing (no answer), invalid (not an allowed value), unknown (no such question) or
    # conflict (allowed alone, inconsistent with another answer)
    kind: str = "invalid"
    # The same problem said to a person at a form, in words rather than question ids.
    advice: str = ""

    def __str__(self) -> str:
        return f"{self.question}: {self.message}"


class AnswersError(ValueError):
    """One or more answers are unusable; `problems` holds one line per question."""

    def __init__(self, problems: list[AnswerProblem]) -> None:
        self.problems = problems
        super().__init__(self._one_line() if problems else "invalid answers")

    def _one_line(self) -> str:
        """The first problem in full, then which other questions have one, on the same line."""
        first, others = self.problems[0], self.problems[1:]
        if not others:
            return str(first)
        names = list(dict.fromkeys(p.question for p in others if p.question != first.question))
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        more = f"{len(others)} more problem{'s' if len(others) > 1 else ''}"
        return f"{first} ({more}: {shown})" if names else f"{first} ({more})"

    def by_question(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for problem in self.problems:
            found.setdefault(problem.question, problem.message)
        return found


def allowed(question: Question) -> str:
    """What a question accepts, in words, for error messages and help."""
    if question.type == "choice":
        return "one of " + ", ".join(question.choice_values)
    if question.type == "multi_choice":
        return "a list of one or more of " + ", ".join(question.choice_values)
    if question.type == "boolean":
        return "true or false"
    kind = "an integer" if question.type == "integer" else "a number"
    low, high = question.min, question.max
    if low is not None and high is not None:
        above = "above" if question.exclusive_min else "from"
        joiner = "up to" if question.exclusive_min else "to"
        return f"{kind} {above} {group_digits(low)} {joiner} {group_digits(high)}"
    if low is not None:
        return f"{kind} {'>' if question.exclusive_min else '>='} {group_digits(low)}"
    return kind


def _field_type(question: Question) -> Any:
    if question.type in ("choice", "multi_choice"):
        # The allowed values are data, so the type is built at run time.
        choice: Any = Literal[tuple(question.choice_values)]
        if question.type == "choice":
            return choice
        return Annotated[list[choice], Field(min_length=1)]
    if question.type == "boolean":
        return bool
    bounds: dict[str, Any] = {}
    if question.min is not None:
        bounds["gt" if question.exclusive_min else "ge"] = question.min
    if question.max is not None:
        bounds["le"] = question.max
    if question.type == "integer":
        return Annotated[int, Field(**bounds)]
    return Annotated[float, Field(allow_inf_nan=False, **bounds)]


def _build_model(framework: Framework, *, partial: bool) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for question in framework.questions:
        annotation = _field_type(question)
        if question.required and not partial:
            fields[question.id] = (annotation, ...)
        else:
            fields[question.id] = (annotation | None, None)
    suffix = "_partial" if partial else ""
    return create_model(
        f"Answers_{framework.id.replace('-', '_')}{suffix}",
        __config__=ConfigDict(extra="forbid"),
        **fields,
    )


@per_framework
def answers_model(framework: Framework) -> type[BaseModel]:
    return _build_model(framework, partial=False)


@per_framework
def partial_answers_model(framework: Framework) -> type[BaseModel]:
    """The same checks with every answer optional, for a questionnaire in progress."""
    return _build_model(framework, partial=True)


def _describe_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _problem(framework: Framework, error: Any) -> AnswerProblem:
    loc = error["loc"]
    question_id = str(loc[0]) if loc else "answers"
    if error["type"] == "extra_forbidden":
        known = ", ".join(q.id for q in framework.questions)
        return AnswerProblem(
            question_id, f"is not a question of this framework (questions: {known})", "unknown"
        )
    try:
        question = framework.question(question_id)
    except KeyError:
        return AnswerProblem(question_id, str(error["msg"]))
    if error["type"] == "missing":
        return AnswerProblem(
            question_id, f"is required; answer with {allowed(question)}", "missing"
        )
    value = error.get("input")
    if question.type == "multi_choice" and len(loc) > 1:
        return AnswerProblem(
            question_id,
            f"{_describe_value(value)} is not allowed; use {allowed(question)}",
        )
    return AnswerProblem(question_id, f"got {_describe_value(value)}; expected {allowed(question)}")


# "Nobody waits" (latency_target: async) and "a person waits on the response" (user_facing:
# true) cannot both be true: async is defined as nobody waiting, which leaves no person waiting.
# That is a contradiction, not an unlikely pair (those are warnings in the framework file and
# refuse nothing), so it is refused wherever answers enter. Neither answer is derived from the
# other: either one may be the slip (background work behind a product people use is often called
# "user facing"; an interactive call is sometimes ticked "nobody waits" because it is queued), and
# they pull the advice apart (a queue in front of the work against a warm fleet of at least two
# instances). The person who knows the workload says which holds; the error sits on user_facing,
# the later of the two questions, and names both ways out.
WAITING_BUT_ASYNC = (
    "is true, but latency_target is async (nobody waits), so no person can be waiting; "
    "answer false, or give the latency_target that person needs"
)
WAITING_BUT_ASYNC_ADVICE = (
    "The response time above says nobody waits, so no person can be waiting on the response. "
    "Answer No, or choose the response time that person needs."
)


def cross_check(answers: Answers) -> list[AnswerProblem]:
    """Rules that tie answers together; each names the answer to correct.

    The CLI, the questionnaire's forms and the sensitivity analysis all call this one function.
    """
    problems: list[AnswerProblem] = []
    monthly = answers.get("monthly_requests")
    peak = answers.get("peak_rps")
    if isinstance(monthly, int) and isinstance(peak, int):
        average = monthly / SECONDS_PER_MONTH
        shown = group_digits(average, 1)
        if monthly > 0 and peak < max(1, math.floor(average)):
            problems.append(
                AnswerProblem(
                    "peak_rps",
                    f"is below the average rate monthly_requests implies ({shown} per "
                    "second); the peak cannot be lower than the average",
                    "conflict",
                    advice=(
                        "The peak cannot be lower than the average the monthly volume implies "
                        f"({shown} a second)."
                    ),
                )
            )
    if answers.get("latency_target") == "async" and answers.get("user_facing") is True:
        problems.append(
            AnswerProblem(
                "user_facing", WAITING_BUT_ASYNC, "conflict", advice=WAITING_BUT_ASYNC_ADVICE
            )
        )
    triggers = answers.get("triggers")
    if isinstance(triggers, list) and len(set(triggers)) != len(triggers):
        problems.append(AnswerProblem("triggers", "lists the same trigger twice", "conflict"))
    return problems


def validate_answers(framework: Framework, data: object, *, partial: bool = False) -> Answers:
    """Check a mapping of answers and return them in framework order, unanswered ones as None.

    `partial` accepts an incomplete set (a questionnaire in progress): missing answers are not
    problems, everything given is checked exactly as in a complete set.
    """
    if not isinstance(data, dict):
        raise AnswersError([AnswerProblem("answers", "must be a mapping of question id to answer")])
    bad_keys = [key for key in data if not isinstance(key, str)]
    if bad_keys:
        raise AnswersError([AnswerProblem(str(bad_keys[0]), "question ids must be text")])
    model = partial_answers_model(framework) if partial else answers_model(framework)
    try:
        validated = model.model_validate(data, strict=True)
    except ValidationError as exc:
        # Say what is wrong with the answers given before listing the ones that are missing.
        errors = sorted(exc.errors(), key=lambda error: error["type"] == "missing")
        raise AnswersError([_problem(framework, error) for error in errors]) from None
    answers: Answers = {q.id: getattr(validated, q.id) for q in framework.questions}
    problems = cross_check(answers)
    if problems:
        raise AnswersError(problems)
    for question in framework.questions:
        if question.type == "multi_choice" and answers[question.id] is not None:
            chosen = set(answers[question.id])
            answers[question.id] = [v for v in question.choice_values if v in chosen]
    return answers


def format_answer(question: Question, value: Any) -> str:
    """An answer as a person reads it: choice labels, units, yes or no."""
    if value is None:
        return "not given"
    if question.type == "choice":
        return question.choice_label(value)
    if question.type == "multi_choice":
        # One list in a sentence: "HTTP requests, a schedule", acronyms kept.
        labels = [question.choice_label(v) for v in value]
        return ", ".join([labels[0], *(lower_first(label) for label in labels[1:])])
    if question.type == "boolean":
        return "Yes" if value else "No"
    text = group_digits(value)
    unit = question.unit
    if not unit:
        return text
    if unit == "%":
        return f"{text}%"
    if value == 1 and unit.endswith("s") and " " not in unit:  # "1 minute", not "1 minutes"
        unit = unit[:-1]
    return f"{text} {unit}"


# Answer files are a few kilobytes; the cap keeps the pure-Python YAML parser well under a
# second on anything larger someone sends.
MAX_ANSWERS_BYTES = 64 * 1024
# An answer set is a mapping holding lists at most; anything deeper is not an answer file.
MAX_NESTING = 10
# The largest value any question allows has 13 digits. Python refuses to convert more than 4,300
# digits, and nobody means an integer longer than this.
MAX_INTEGER_DIGITS = 30


class OversizedInteger:
    """An integer written with absurdly many digits, left unconverted.

    It fails validation like any other wrong type, so the problem names its question.
    """

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a {self.digits:,}-digit integer"

    __str__ = __repr__


class YamlRefused(yaml.YAMLError):
    """Valid YAML that a file read by this product may not use, said in one sentence with its
    place."""


def _at(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"


class StrictYamlLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases (an alias bomb expands a few hundred bytes into
    billions of values), with bounded nesting and with duplicate keys refused, not overwritten.

    Answer files use it, and so does the front matter of imported ADRs."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlRefused(
                f"uses a YAML anchor or alias ({_at(event.start_mark)}); "
                "write each value out in full"
            )
        if not isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        if self.depth >= MAX_NESTING:
            raise YamlRefused(
                f"nests lists or mappings more than {MAX_NESTING} deep ({_at(event.start_mark)})"
            )
        self.depth += 1
        node = super().compose_node(parent, index)
        self.depth -= 1
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        lines: dict[tuple[type, Any], int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # an unhashable key is refused by the constructor below
            key = self.construct_object(key_node)
            # By type too, so that `1` and `true` (equal in Python) are different keys.
            seen = (type(key), key)
            line = key_node.start_mark.line + 1
            if seen in lines:
                raise YamlRefused(
                    f"gives {key!r} twice, on lines {lines[seen]} and {line}; keep one"
                )
            lines[seen] = line
        return super().construct_mapping(node, deep=deep)

    def construct_answer_int(self, node: Any) -> Any:
        digits = len(node.value.lstrip("+-").replace("_", ""))
        if digits > MAX_INTEGER_DIGITS:
            return OversizedInteger(digits)
        return self.construct_yaml_int(node)


StrictYamlLoader.add_constructor("tag:yaml.org,2002:int", StrictYamlLoader.construct_answer_int)


def parse_answers_text(text: str, source: str) -> object:
    """Parse an answer file (YAML, of which JSON is a subset) into plain data.

    Errors become one line naming the source and the place, never a parser traceback.
    """
    if len(text.encode("utf-8")) > MAX_ANSWERS_BYTES:
        raise AnswersError([AnswerProblem(source, f"is larger than {MAX_ANSWERS_BYTES:,} bytes")])
    try:
        data = yaml.load(text, Loader=StrictYamlLoader)
    except YamlRefused as exc:
        raise AnswersError([AnswerProblem(source, str(exc))]) from None
    except yaml.MarkedYAMLError as exc:
        place = _at(exc.problem_mark)
        raise AnswersError(
            [AnswerProblem(source, f"is not valid YAML or JSON ({place}: {exc.problem})")]
        ) from None
    except yaml.YAMLError as exc:
        raise AnswersError([AnswerProblem(source, f"is not valid YAML or JSON ({exc})")]) from None
    if data is None:
        raise AnswersError(
            [AnswerProblem(source, "holds no answers; write one per line, e.g. 'gpu: false'")]
        )
    return data
