"""The ADR as MADR 4 Markdown: YAML front matter, the MADR sections, then this product's own.

Deterministic (same document, same bytes) and safe for any user text: every piece of user text
is escaped for the Markdown context it lands in, so `#`, `---`, HTML, backticks or pipes can
never change the document's structure. The output passes markdownlint's default rules (line
length aside). A free-form ADR (imported or written by hand) has the same escaped opening and
then its body, the Markdown its author wrote for the sections after the drivers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import NamedTuple

from advisor.prose import join_words
from advisor.text import strip_bidi
from decisions.render.context import CHOSEN_PROS_AND_CONS, Adr, AdrDocument, AdrLink, build_adr

# Characters that open emphasis, code, links, HTML, entities, strike-through or table cells
# anywhere in a line. A backslash before ASCII punctuation is valid CommonMark and renders as
# the character itself, so the text reads the same and cannot change the structure.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")
# What only matters at the start of a line: headings, lists, quotes, rules, setext underlines.
_LINE_START = re.compile(r"^([#+\-=]|\d+(?=[.)]))")
# Bare links are turned into links by GitHub-flavoured renderers (and flagged by markdownlint).
_AUTOLINK = re.compile(r"(?i)(:(?=//)|www\.)")
_WHITESPACE = re.compile(r"\s+")


def inline(text: str) -> str:
    """User or data text inside a line (after a heading mark, a list marker, in a cell)."""
    # The forms drop bidirectional controls already; text stored before they did, or written
    # by a script, must not reverse the ADR either.
    text = strip_bidi(text)
    text = _INLINE_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text).strip())
    return _AUTOLINK.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


def _line(text: str) -> str:
    """User text that starts a line of its own, where #, -, + or "1." would begin a block."""
    text = inline(text)
    match = _LINE_START.match(text)
    if match is None:
        return text
    if match.group(1).isdigit():  # "1." or "2)" would start an ordered list
        return f"{text[: match.end()]}\\{text[match.end() :]}"
    return "\\" + text


def paragraphs(text: str) -> str:
    """Free text as paragraphs: blank-line-separated blocks, each escaped as one line."""
    blocks = [b for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "\n\n".join(_line(block) for block in blocks) or "No context was given."


# What YAML does not allow in a document beyond the control characters JSON already escapes:
# DEL, the C1 controls, lone surrogates, non-characters, and the line and paragraph separators.
YAML_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _yaml_string(value: str) -> str:
    # JSON strings are valid YAML scalars, and quoting keeps "---", ":" or "#" inert. Names stay
    # readable (no ASCII-only escaping); what YAML would reject is written as a \u escape.
    quoted = json.dumps(strip_bidi(value), ensure_ascii=False)
    return YAML_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", quoted)


def _yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(_yaml_string(value) for value in values) + "]"


def _bullets(items: list[str]) -> list[str]:
    # A list item's text starts a line of its own, where "#", "-" or "1." would open a block.
    return [f"- {_line(item)}" for item in items] or ["- None."]


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _front_matter(document: AdrDocument, review_by: dt.date | None) -> list[str]:
    return [
        "---",
        f"status: {_yaml_string(document.status)}",
        f"date: {document.date.isoformat()}",
        f"decision-makers: {_yaml_list(document.decision_makers)}",
        f"consulted: {_yaml_list(document.consulted)}",
        f"informed: {_yaml_list(document.informed)}",
        *([f"review-by: {review_by.isoformat()}"] if review_by else []),
        *([f"tags: {_yaml_list(document.tags)}"] if document.tags else []),
        "---",
    ]


def _section(lines: list[str], heading: str, body: list[str]) -> None:
    lines.extend(["", heading, "", *body])


class MarkdownParts(NamedTuple):
    """The ADR in three pieces, so the export can put the metadata where another tool reads it
    and keep the record's text exactly as rendered here."""

    front_matter: list[str]
    title: str
    # Every section after the title, from "## Context and Problem Statement" on.
    sections: list[str]


def render_markdown(document: AdrDocument) -> str:
    parts = markdown_parts(document)
    return "\n".join([*parts.front_matter, "", parts.title, "", *parts.sections]) + "\n"


def markdown_parts(document: AdrDocument) -> MarkdownParts:
    title = f"# {inline(document.adr_id)}: {inline(document.title)}"
    if document.free_form:
        front_matter = _front_matter(document, document.review_by)
        return MarkdownParts(front_matter, title, _free_form_lines(document))
    adr = build_adr(document)
    return MarkdownParts(_front_matter(document, adr.review_by), title, _lines(adr))


def _opening(document: AdrDocument) -> list[str]:
    """Context and drivers: the sections every ADR has, escaped line by line."""
    lines = ["## Context and Problem Statement", "", paragraphs(document.context)]
    if document.drivers or not document.free_form:
        _section(lines, "## Decision Drivers", _bullets(document.drivers))
    return lines


def link_lines(links: list[AdrLink]) -> list[str]:
    """One bullet per related decision, a relative link when the other file is beside it."""
    lines = []
    for link in links:
        name = f"{inline(link.adr_id)}: {inline(link.title)}"
        target = f"[{name}]({link.filename})" if link.filename else name
        lines.append(f"- {inline(link.label)} {target}")
    return lines


def _free_form_lines(document: AdrDocument) -> list[str]:
    """A free-form ADR: the escaped opening, then its body as the Markdown it was written in
    (the sections after the drivers are the author's own)."""
    lines = _opening(document)
    body = document.body.replace("\r\n", "\n").strip("\n")
    if body.strip():
        lines.extend(["", body])
    if document.links:
        _section(lines, "## Related Decisions", link_lines(document.links))
    return lines


def _lines(adr: Adr) -> list[str]:
    document = adr.document
    result = adr.recommendation
    snapshot = adr.snapshot
    lines = _opening(document)
    considered = [
        f"- {inline(option.outcome.name)}: {inline(option.outcome.summary)}"
        for option in adr.options
    ]
    _section(lines, "## Considered Options", considered)

    outcome = [f"Chosen option: {inline(adr.chosen.name)}, because {inline(adr.because)}"]
    if adr.parts:
        outcome += ["", "Where each part runs:", "", *_bullets(adr.parts)]
    outcome += [
        "",
        f"Confidence: {inline(result.confidence_label)}. "
        + inline(" ".join(result.confidence_notes)),
    ]
    _section(lines, "## Decision Outcome", outcome)
    consequences = [f"- Good, because {inline(item)}" for item in adr.good_consequences]
    consequences += [f"- Bad, because {inline(item)}" for item in adr.bad_consequences]
    _section(lines, "### Consequences", consequences or ["- None recorded."])
    confirmation = [
        "Before this decision is accepted, a reviewer checks that:",
        "",
        *[f"- [ ] {inline(item)}" for item in adr.confirmation],
    ]
    if adr.checklist:
        confirmation += ["", "The rest of the implementation checklist is in the appendix."]
    _section(lines, "### Confirmation", confirmation)

    lines.extend(["", "## Pros and Cons of the Options"])
    for option in adr.options:
        body = [f"Not chosen: {inline(option.lost)}.", ""] if option.lost else []
        if option.chosen:
            body.append(CHOSEN_PROS_AND_CONS)
        else:
            body += [f"- Good, because {inline(item)}" for item in option.good]
            body += [f"- Bad, because {inline(item)}" for item in option.bad]
            if not option.good and not option.bad:
                body.append("- Neutral: no answer moved this option.")
        _section(lines, f"### {inline(option.outcome.name)} (score {option.score:.1f})", body)

    lines.extend(["", "## Recommended Patterns", ""])
    lines += [
        f"- **{inline(entry.name)}**: {inline(entry.why)}"
        + (f" ({inline(', '.join(s.name for s in entry.services))})" if entry.services else "")
        for entry in adr.patterns
    ] or ["No pattern in the catalogue matches this design."]
    if adr.more_patterns:
        lines += ["", f"Also applies: {inline(join_words(adr.more_patterns))}."]

    lines.extend(["", "## Anti-Patterns to Avoid", ""])
    lines += [
        f"- **{inline(name)}**: instead, {inline(instead)}" for name, instead in adr.avoid
    ] or ["This workload is exposed to no anti-pattern in the catalogue."]
    if adr.more_anti_patterns:
        lines += ["", f"Also to avoid: {inline(join_words(adr.more_anti_patterns))}."]

    cost = result.cost
    table = [
        "| Option | Sizing | Monthly (USD) |",
        "| --- | --- | ---: |",
        *[
            f"| {inline(o.name)}{f' ({note})' if note else ''} "
            f"| {inline(o.sizing)} | {_money(o.monthly)} |"
            for o, note in cost.rows
        ],
    ]
    body = [
        f"Estimated at {cost.monthly_requests:,.0f} {'runs' if cost.kind == 'job' else 'requests'}"
        f" a month; prices for {inline(cost.pricing.region)} as of "
        f"{inline(cost.pricing.as_of)}.",
        "",
        *table,
        "",
        cost.crossover_sentence,
        *(["", cost.ruled_out_note] if cost.ruled_out_note else []),
        "",
        "Assumptions:",
        "",
        *_bullets(cost.assumptions),
    ]
    _section(lines, "## Cost Estimate", body)

    framework = (
        f"{inline(snapshot.framework_title)} framework ({inline(snapshot.framework_id)}, "
        f"version {inline(snapshot.framework_version)})"
    )
    more = [
        f"This record was written from an assessment scored with the {framework}. "
        "It renders the recommendation as it stood when the decision was created.",
    ]
    if document.team:
        more += ["", f"Team: {inline(document.team)}."]
    _section(lines, "## More Information", more)
    if adr.risks:
        risks = [f"- {inline(r.risk)} Mitigation: {inline(r.mitigation)}" for r in adr.risks]
        _section(lines, "### Risks and Mitigations", risks)
    if adr.rollout:
        steps = [f"{number}. {inline(step)}" for number, step in enumerate(adr.rollout, 1)]
        _section(lines, "### Rollout", steps)
    if adr.review_by is not None:
        review = [f"Review by {adr.review_by.isoformat()}."]
        if adr.review_triggers:
            review += ["", "Reopen it sooner if:", "", *_bullets(adr.review_triggers)]
        _section(lines, "### Review Date", review)

    if adr.checklist:
        lines.extend(["", "## Appendix: Implementation Checklist"])
        for group in adr.checklist:
            _section(
                lines, f"### {inline(group.title)}", [f"- [ ] {inline(i)}" for i in group.items]
            )

    lines.extend(["", "## Appendix: Scoring"])
    answers = ["| Question | Answer |", "| --- | --- |"]
    answers += [f"| {inline(row.label)} | {inline(row.display)} |" for row in snapshot.answers]
    _section(lines, "### Answers", answers)
    names = [option.outcome for option in adr.options]
    scores = ["| Outcome | Points | Score |", "| --- | ---: | ---: |"]
    scores += [
        f"| {inline(option.outcome.name)} | {result.points[option.outcome.id]:g} "
        f"| {option.score:.1f}{' (ruled out)' if option.knocked_out else ''} |"
        for option in adr.options
    ]
    _section(lines, "### Scores", scores)
    if result.factors:
        header = "| Factor | " + " | ".join(inline(o.name) for o in names) + " |"
        factors = [header, "| --- |" + " ---: |" * len(names)]
        factors += [
            f"| {inline(factor.label)}{' (decisive)' if factor.decisive else ''} | "
            + " | ".join(f"{factor.points.get(o.id, 0):g}" for o in names)
            + " |"
            for factor in result.factors
        ]
        _section(lines, "### Points by Factor", factors)
    # Last in every ADR, written or made with the questionnaire, where an import finds it.
    if document.links:
        _section(lines, "## Related Decisions", link_lines(document.links))
    return lines


def _name(adr: Adr, outcome_id: str) -> str:
    for outcome in adr.snapshot.outcomes:
        if outcome.id == outcome_id:
            return outcome.name
    return outcome_id
