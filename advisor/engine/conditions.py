"""Conditions from the framework data compiled into plain predicates over facts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advisor.framework.schema import Condition

Facts = dict[str, Any]
Predicate = Callable[[Facts], bool]


def compile_condition(condition: Condition) -> Predicate:
    """Turn a condition into a predicate over facts. A fact that is absent makes a leaf false."""
    if condition.all is not None:
        parts = [compile_condition(child) for child in condition.all]
        return lambda facts: all(part(facts) for part in parts)
    if condition.any is not None:
        parts = [compile_condition(child) for child in condition.any]
        return lambda facts: any(part(facts) for part in parts)
    if condition.not_ is not None:
        inner = compile_condition(condition.not_)
        return lambda facts: not inner(facts)
    name = condition.q
    assert name is not None
    operator = condition.operator
    operand = condition.operand(operator)
    if operator == "is_set":
        return lambda facts: (facts.get(name) is not None) == operand
    test = _LEAF_TESTS[operator]
    if isinstance(operand, list):
        operand = frozenset(operand)

    def leaf(facts: Facts) -> bool:
        value = facts.get(name)
        return value is not None and test(value, operand)

    return leaf


_LEAF_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda value, operand: value == operand,
    "ne": lambda value, operand: value != operand,
    "in": lambda value, operand: value in operand,
    "not_in": lambda value, operand: value not in operand,
    "gt": lambda value, operand: value > operand,
    "gte": lambda value, operand: value >= operand,
    "lt": lambda value, operand: value < operand,
    "lte": lambda value, operand: value <= operand,
    "contains": lambda value, operand: operand in value,
    "contains_any": lambda value, operand: not operand.isdisjoint(value),
}


def holding_facts(condition: Condition, facts: Facts) -> list[str]:
    """The facts that make a condition hold, in the order the condition names them."""
    if condition.all is not None:
        return [name for child in condition.all for name in holding_facts(child, facts)]
    if condition.any is not None:
        return [
            name
            for child in condition.any
            if compile_condition(child)(facts)
            for name in holding_facts(child, facts)
        ]
    if condition.not_ is not None:
        return []  # what is absent is no reason to name
    return [leaf.q for leaf in condition.leaves() if leaf.q is not None]
