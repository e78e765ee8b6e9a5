"""`manage.py advise`: the JSON contract, and one clear line for every kind of bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from advisor.framework import default_framework
from tests.conftest import BASE_ANSWERS

EXAMPLES = Path(settings.BASE_DIR) / "examples"


def _advise(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "advise", *args],
        cwd=settings.BASE_DIR,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _write(tmp_path: Path, answers: dict, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    return path


def test_it_prints_the_json_contract(tmp_path):
    out = StringIO()
    call_command("advise", str(_write(tmp_path, BASE_ANSWERS)), stdout=out)

    result = json.loads(out.getvalue())

    assert result["recommendation"] == "serverless"
    assert set(result["scores"]) == {"serverless", "containers", "hybrid"}
    assert 0 <= result["confidence"] <= 1
    for key in ("patterns", "anti_patterns"):
        assert result[key], f"{key} is empty"
        assert {"id", "name", "why"} <= set(result[key][0])
    assert isinstance(result["knockouts"], list)
    assert {"question", "answer", "outcome", "points", "reason"} <= set(result["trace"][0])
    assert {"question", "value", "recommendation"} <= set(result["sensitivity"][0])
    assert {"options", "cheapest", "crossover_monthly_requests"} <= set(result["cost"])
    framework = default_framework()
    assert result["framework"] == {"id": framework.id, "version": framework.version}
    assert framework.version.startswith("2.")


def test_it_accepts_framework_2_answers_and_warns_about_unlikely_ones_on_stderr(tmp_path):
    answers = {
        **BASE_ANSWERS,
        "latency_target": "async",  # nobody waits ...
        "user_facing": False,
        "workload_kind": "service",
        "prewarm_ok": True,  # ... yet warm capacity is paid for
        "payload_mb": 2.5,
        "ordering": "per_key",
    }

    done = _advise(str(_write(tmp_path, answers)))

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # standard output stays pure JSON
    assert [w["id"] for w in result["warnings"]] == ["prewarm-without-waiting"]
    assert result["warnings"][0]["questions"] == ["prewarm_ok", "latency_target"]
    assert done.stderr.startswith("warning: prewarm_ok, latency_target: ")
    assert result["answers"]["payload_mb"] == 2.5


def test_it_says_nothing_on_stderr_for_consistent_framework_1_answers(tmp_path):
    done = _advise(str(_write(tmp_path, BASE_ANSWERS)))

    assert done.returncode == 0
    assert done.stderr == ""
    assert json.loads(done.stdout)["warnings"] == []


def test_it_reads_json_from_standard_input_and_writes_a_file(tmp_path):
    output = tmp_path / "result.json"

    completed = _advise("-", "--output", str(output), stdin=json.dumps(BASE_ANSWERS))

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == ""
    assert json.loads(output.read_text(encoding="utf-8"))["recommendation"] == "serverless"


def test_it_scores_the_shipped_examples():
    outcomes = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        out = StringIO()
        call_command("advise", str(path), stdout=out)
        outcomes[path.stem] = json.loads(out.getvalue())["recommendation"]

    assert outcomes == {
        "api-with-nightly-batch": "hybrid",
        "monolith-migration": "hybrid",
        "orders-api": "serverless",
        "reporting-service": "containers",
    }


def test_the_free_tier_switch_lowers_the_function_bill(tmp_path):
    path = str(_write(tmp_path, BASE_ANSWERS))
    paid, free = StringIO(), StringIO()
    call_command("advise", path, stdout=paid)
    call_command("advise", path, "--free-tier", stdout=free)

    def cheapest_functions(out: StringIO) -> float:
        cost = json.loads(out.getvalue())["cost"]
        return next(o for o in cost["options"] if o["id"] == cost["cheapest_functions"])["monthly"]

    assert cheapest_functions(free) < cheapest_functions(paid)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({**BASE_ANSWERS, "colour": "blue"}, "colour: is not a question of this framework"),
        ({**BASE_ANSWERS, "gpu": "maybe"}, "gpu: got 'maybe'; expected true or false"),
        ({**BASE_ANSWERS, "endpoints": -2}, "endpoints: got -2; expected an integer from 0"),
        ({**BASE_ANSWERS, "state": "sticky"}, "state: got 'sticky'; expected one of stateless"),
        (
            {k: v for k, v in BASE_ANSWERS.items() if k != "workflow"},
            "workflow: is required; answer with one of none, pipeline, multi_step",
        ),
        (
            {**BASE_ANSWERS, "latency_target": "async", "user_facing": True},
            "user_facing: is true, but latency_target is async (nobody waits)",
        ),
    ],
    ids=["unknown-question", "wrong-type", "out-of-range", "unknown-choice", "missing", "async"],
)
def test_it_rejects_bad_answers_with_one_line(tmp_path, answers, expected):
    completed = _advise(str(_write(tmp_path, answers)))

    assert completed.returncode != 0
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert expected in lines[0]
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda tmp: str(tmp / "absent.yaml"), "absent.yaml: cannot be read"),
        (lambda tmp: str(tmp), "cannot be read"),
        (
            lambda tmp: (tmp / "bad.yaml").write_text("a: [1,\n") and str(tmp / "bad.yaml"),
            "bad.yaml: is not valid YAML or JSON (line 2",
        ),
        (
            lambda tmp: (
                (tmp / "latin.yaml").write_bytes(b"runtime: caf\xe9\n") and str(tmp / "latin.yaml")
            ),
            "latin.yaml: is not UTF-8 text",
        ),
        (
            lambda tmp: (tmp / "list.yaml").write_text("- spiky\n") and str(tmp / "list.yaml"),
            "answers: must be a mapping",
        ),
        (
            lambda tmp: (tmp / "empty.yaml").write_text("# nothing\n") and str(tmp / "empty.yaml"),
            "empty.yaml: holds no answers",
        ),
    ],
    ids=["missing-file", "directory", "broken-yaml", "not-utf8", "not-a-mapping", "empty"],
)
def test_it_rejects_unreadable_files_with_one_line(tmp_path, setup, expected):
    completed = _advise(setup(tmp_path))

    assert completed.returncode != 0
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert expected in lines[0]


def test_it_names_every_question_with_a_problem_on_the_one_line(tmp_path):
    answers = {k: v for k, v in BASE_ANSWERS.items() if k not in ("workflow", "runtime")}

    completed = _advise(str(_write(tmp_path, {**answers, "gpu": "maybe"})))

    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert "gpu: got 'maybe'" in lines[0]  # what is wrong comes before what is missing
    assert lines[0].endswith("(2 more problems: runtime, workflow)")


def _alias_bomb() -> str:
    """Nine levels of nine aliases each: 9**9 strings from a few hundred bytes."""
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join([*lines, "triggers: *i", ""])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_alias_bomb(), "uses a YAML anchor or alias (line 1, column 4)"),
        ("gpu: &no false\nuser_facing: *no\n", "uses a YAML anchor or alias (line 1, column 6)"),
        ("triggers: " + "[" * 10_000 + "]" * 10_000 + "\n", "nests lists or mappings more than"),
        ('{"triggers": ' + "[" * 10_000 + "]" * 10_000 + "}", "nests lists or mappings more than"),
        ("a:\n" + "".join(f"{'  ' * i}- b{i}:\n" for i in range(1, 60)), "nests lists or"),
        ("gpu: false\nruntime: go\ngpu: true\n", "gives 'gpu' twice, on lines 1 and 3; keep one"),
        ('{"gpu": false,\n "gpu": true}', "gives 'gpu' twice, on lines 1 and 2; keep one"),
        ("gpu: false\n" + "#" * 70_000 + "\n", "is larger than 65,536 bytes"),
    ],
    ids=[
        "alias-bomb",
        "alias",
        "deep-yaml",
        "deep-json",
        "deep-block",
        "duplicate-yaml",
        "duplicate-json",
        "too-large",
    ],
)
def test_it_refuses_hostile_answer_files_with_one_line(tmp_path, text, expected):
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")

    completed = _advise(str(path))

    assert completed.returncode == 1
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert f"{path}: {expected}" in lines[0]


@pytest.mark.parametrize(
    "text",
    [
        "monthly_requests: " + "9" * 5_000 + "\n",
        json.dumps({**BASE_ANSWERS, "monthly_requests": 0}).replace(": 0", ": " + "9" * 5_000),
        "peak_rps: -" + "1_000" * 2_000 + "\n",
    ],
    ids=["yaml", "json", "negative-with-separators"],
)
def test_it_rejects_an_absurdly_long_integer_as_a_wrong_answer(tmp_path, text):
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")

    completed = _advise(str(path))

    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert re.search(r"(monthly_requests|peak_rps): got a [\d,]+-digit integer; expected", lines[0])


@pytest.mark.parametrize(
    "same",
    [
        lambda path: path,
        lambda path: path.parent / ".." / path.parent.name / path.name,
        lambda path: (path.parent / "link.yaml").symlink_to(path) or path.parent / "link.yaml",
        lambda path: (path.parent / "hard.yaml").hardlink_to(path) or path.parent / "hard.yaml",
    ],
    ids=["same-path", "dot-dot", "symlink", "hard-link"],
)
@pytest.mark.parametrize("output_format", ["json", "markdown", "pdf"])
def test_it_refuses_to_write_over_its_own_answers_file(tmp_path, same, output_format):
    path = _write(tmp_path, BASE_ANSWERS)
    before = path.read_bytes()

    with pytest.raises(CommandError, match="is the answers file; write the result somewhere else"):
        call_command("advise", str(path), "--format", output_format, "--output", str(same(path)))

    assert path.read_bytes() == before


def test_the_workload_name_reaches_the_adr_without_bidirectional_controls(tmp_path):
    out = StringIO()
    path = str(_write(tmp_path, BASE_ANSWERS, name="\u202eorders\u202c.yaml"))

    call_command("advise", path, "--format", "markdown", stdout=out)
    call_command(
        "advise", path, "--format", "markdown", "--workload", "\u2067Orders\u2069", stdout=out
    )

    assert "\u202e" not in out.getvalue() and "\u2067" not in out.getvalue()
    assert ": Use serverless for orders\n" in out.getvalue()
    assert ": Use serverless for Orders\n" in out.getvalue()


def test_it_refuses_to_write_over_its_answers_read_from_standard_input(tmp_path):
    path = _write(tmp_path, BASE_ANSWERS)
    before = path.read_bytes()

    completed = subprocess.run(
        [sys.executable, "manage.py", "advise", "-", "--output", str(path)],
        stdin=path.open("rb"),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 1
    assert "is the answers file" in completed.stderr
    assert path.read_bytes() == before
