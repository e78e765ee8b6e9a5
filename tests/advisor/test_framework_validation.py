"""A broken framework file is refused with a message naming the file and the bad field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from advisor import checks
from advisor.framework import FrameworkError, load_framework
from advisor.framework.loader import DEFAULT_FRAMEWORK, parse_framework, parse_prices


@pytest.fixture(scope="module")
def pristine() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_FRAMEWORK.read_text(encoding="utf-8"))


@pytest.fixture
def data(pristine) -> dict[str, Any]:
    return copy.deepcopy(pristine)


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(data, "framework.yaml")
    return str(caught.value)


def test_the_shipped_framework_is_valid():
    framework = load_framework()

    assert framework.id == "serverless-vs-containers"
    assert {"serverless", "containers", "hybrid"} == set(framework.outcome_ids)


def test_it_names_a_missing_field(data):
    del data["rules"][2]["reason"]

    assert _error(data).startswith("framework.yaml: rules[2].reason: Field required")


def test_it_names_an_unknown_question_in_a_condition(data):
    data["knockouts"][1]["when"] = {"all": [{"q": "gpu", "eq": True}, {"q": "gpus", "eq": True}]}

    assert _error(data) == "framework.yaml: knockouts[1].when: unknown question 'gpus'"


def test_it_names_an_unknown_choice_in_a_condition(data):
    data["rules"][0]["when"] = {"q": "traffic_pattern", "eq": "bursty"}

    message = _error(data)
    assert message.startswith("framework.yaml: rules[0].when: 'traffic_pattern' has no choice")
    assert "spiky, variable, steady, unknown" in message


def test_it_names_a_duplicate_id(data):
    data["anti_patterns"][3]["id"] = data["patterns"][0]["id"]

    assert _error(data) == "framework.yaml: catalogue: duplicate id 'api-backend'"


def test_it_names_a_duplicate_question(data):
    first = data["sections"][0]["questions"][0]
    data["sections"][1]["questions"].append(copy.deepcopy(first))

    assert _error(data) == f"framework.yaml: sections.questions: duplicate id '{first['id']}'"


@pytest.fixture
def prices() -> dict[str, Any]:
    return yaml.safe_load((DEFAULT_FRAMEWORK.parent / "prices.yaml").read_text(encoding="utf-8"))


def _price_error(prices: dict[str, Any]) -> str:
    with pytest.raises(FrameworkError) as caught:
        parse_prices(prices, "prices.yaml")
    return str(caught.value)


def test_it_names_a_bad_price(prices):
    prices["clouds"]["aws"]["containers"]["vcpu_hour"]["value"] = -0.04

    message = _price_error(prices)
    assert message.startswith("prices.yaml: clouds.aws.containers.vcpu_hour.value:")
    assert "greater than or equal to 0" in message


def test_it_names_a_price_that_is_not_a_number(prices):
    prices["clouds"]["aws"]["vms"]["instances"][1]["reserved_hourly"] = "cheap"

    assert _price_error(prices).startswith(
        "prices.yaml: clouds.aws.vms.instances[1].reserved_hourly:"
    )


def test_a_missing_price_is_an_error_not_a_zero(prices):
    del prices["clouds"]["gcp"]["functions"]["per_million_requests"]

    assert _price_error(prices) == (
        "prices.yaml: clouds.gcp.functions.per_million_requests: Field required"
    )


def test_it_refuses_a_cloud_without_a_price_sheet(data, prices):
    del prices["clouds"]["azure"]
    data["prices"] = prices

    assert _error(data) == "framework.yaml: prices: no price sheet for cloud 'azure'"


def test_it_refuses_tiers_that_do_not_rise(prices):
    tiers = prices["clouds"]["aws"]["gateways"]["rest"]["tiers"]
    tiers[0]["up_to_millions"], tiers[1]["up_to_millions"] = 1000, 333

    assert "tiers must rise" in _price_error(prices)


def test_it_refuses_a_condition_with_two_operators(data):
    data["rules"][0]["when"] = {"q": "traffic_pattern", "eq": "spiky", "ne": "steady"}

    message = _error(data)
    assert message.startswith("framework.yaml: rules[0].when:")
    assert "exactly one operator" in message


def test_it_refuses_to_knock_out_the_fallback_outcome(data):
    data["knockouts"][0]["outcome"] = data["scoring"]["fallback"]

    assert "knockouts[0].outcome: the fallback outcome" in _error(data)


def test_it_refuses_a_service_a_cloud_cannot_name(data):
    del data["clouds"]["azure"]["queue"]

    assert _error(data) == "framework.yaml: clouds.azure: no name for service 'queue'"


def test_it_counts_further_problems(data):
    del data["rules"][0]["reason"]
    del data["rules"][1]["reason"]

    assert _error(data).endswith("(and 1 more problem)")


def test_it_names_the_file_when_the_yaml_is_broken(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")

    with pytest.raises(FrameworkError, match=r"broken\.yaml: is not valid YAML"):
        load_framework(path)


def test_it_names_the_file_when_it_is_missing(tmp_path: Path):
    with pytest.raises(FrameworkError, match=r"missing\.yaml: cannot be read"):
        load_framework(tmp_path / "missing.yaml")


def test_a_broken_price_sheet_stops_the_app_at_start_up(tmp_path: Path, data, prices, monkeypatch):
    prices["clouds"]["aws"]["functions"]["gb_second"]["value"] = -1
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    sheet = tmp_path / data["prices"]
    sheet.write_text(yaml.safe_dump(prices), encoding="utf-8")
    monkeypatch.setattr(checks, "DEFAULT_FRAMEWORK", path)

    with pytest.raises(SystemCheckError) as caught:
        call_command("check")

    assert "advisor.E001" in str(caught.value)
    assert f"{sheet}: clouds.aws.functions.gb_second.value" in str(caught.value)


def test_the_start_up_check_passes_for_the_shipped_file():
    assert checks.framework_is_valid() == []


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(rule for rule in data["rules"] if rule["id"] == rule_id)


def test_it_refuses_a_decisive_factor_that_a_pile_of_weak_ones_could_outvote(data):
    latency = next(factor for factor in data["factors"] if factor["id"] == "latency")
    latency["cap"] = 10

    message = _error(data)
    assert "decisive factor 'latency' has cap 10" in message
    assert "above the 18 that all other factors can add up to" in message


def test_it_refuses_a_rule_beyond_its_factors_cap(data):
    _rule(data, "traffic-spiky")["points"] = {"serverless": 7}

    assert "7 for 'serverless' is beyond the cap 6 of factor 'load'" in _error(data)


def test_it_refuses_a_rule_with_an_unknown_factor(data):
    _rule(data, "traffic-spiky")["factor"] = "vibes"

    assert "factor: unknown factor 'vibes'" in _error(data)


def test_it_lets_only_the_split_factor_score_the_hybrid(data):
    _rule(data, "traffic-spiky")["points"] = {"serverless": 3, "hybrid": 1}

    assert "only rules of the split factor 'split' score 'hybrid'" in _error(data)


def test_it_refuses_a_cloud_without_function_limits(data):
    del data["limits"]["gcp"]

    assert _error(data) == "framework.yaml: limits: no function limits for cloud 'gcp'"


def test_it_refuses_a_default_that_is_not_an_allowed_answer(data):
    section = next(s for s in data["sections"] if s["id"] == "workload")
    ordering = next(q for q in section["questions"] if q["id"] == "ordering")
    ordering["default"] = "sometimes"

    assert "default 'sometimes' is not an allowed answer" in _error(data)


def test_it_refuses_a_default_on_a_required_question(data):
    data["sections"][0]["questions"][0]["default"] = "spiky"

    assert "only an optional question takes a default" in _error(data)


def test_it_refuses_an_unknown_question_in_a_warning(data):
    data["warnings"][0]["questions"] = ["latency_target", "patience"]

    assert _error(data) == "framework.yaml: warnings[0].questions: unknown question 'patience'"
