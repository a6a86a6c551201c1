"""Plain renderers: an assessment or a knowledge entry as Markdown (and as JSON data).

The terminal shows this Markdown through Rich; anything else can print it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .assessment import Assessment, Source
from .i18n import ENGLISH, N_, format_number, gettext_for
from .knowledge import Knowledge
from .knowledge.models import Citation, Factor, RuleOutEntry, Topic, WarningSign

__all__ = [
    "CAUSES_INTRO",
    "FOR_LATER",
    "assessment_markdown",
    "banner_tone",
    "entry_data",
    "entry_markdown",
    "kind_title",
    "link_strength",
    "source_numbers",
    "topics_data",
    "topics_markdown",
    "triage_banner",
]

_GROUPS = (
    (N_("Kinds"), "kinds"),
    (N_("Body regions"), "regions"),
    (N_("Causes (factors)"), "factors"),
    (N_("Conditions a doctor may rule out"), "rule_outs"),
    (N_("Warning signs"), "warning_signs"),
    (N_("What helps (care plan)"), "care_plan"),
)


CAUSES_INTRO = N_(
    "Most likely first. Each one says how clearly your answers point to it, and which answers do."
)
"""Said once above the causes, so the words for each one read as a scale."""

# A factor's score (0 to 1, in the JSON) as words a person can weigh: (lowest score, words).
_STRENGTHS = (
    (0.7, N_("likely: your answers point clearly to it")),
    (0.4, N_("possible: some of your answers point to it")),
    (0.0, N_("less likely: only a little in your answers points to it")),
)

_KIND_TITLES = {
    "twitch": N_("A twitch"),
    "spasm": N_("A spasm (cramp)"),
    "both": N_("Twitches and spasms"),
    "unclear": N_("Not clear yet"),
}


def kind_title(kind: str, language: str = ENGLISH) -> str:
    """What the result calls a kind ("A twitch", "Un tic muscular")."""
    return gettext_for(language)(_KIND_TITLES[kind])


def link_strength(score: float, language: str = ENGLISH) -> str:
    """How strongly a person's answers point to a cause, in words instead of a number."""
    words = next(words for lowest, words in _STRENGTHS if score >= lowest)
    return gettext_for(language)(words)


class _Numbering:
    """Numbers source documents in the order a text first cites them."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def refs(self, sources: Iterable[Source]) -> str:
        numbers = [self.order.setdefault(s.id, len(self.order) + 1) for s in sources]
        return " ".join(f"[{n}]" for n in dict.fromkeys(numbers))


def source_numbers(assessment: Assessment) -> dict[str, int]:
    """Numbers for the source documents, in the order a result cites them."""
    numbering = _Numbering()
    for item in assessment.triage.reasons:
        numbering.refs(item.sources)
    numbering.refs(assessment.kind_sources)
    parts: tuple[tuple[Any, ...], ...] = (
        assessment.factors,
        assessment.rule_out,
        assessment.care_plan,
    )
    for part in parts:
        for entry in part:
            numbering.refs(entry.sources)
    return numbering.order


FOR_LATER = N_("For later, once you have help")
"""The heading that ends an emergency's first screen: what follows is not for now."""


def banner_tone(assessment: Assessment) -> str:
    """The banner's colour: the level's, except that a result which could not check every
    warning sign is never the green of "look after it at home"."""
    triage = assessment.triage
    return "unchecked" if triage.level == "self_care" and triage.unanswered else triage.level


def triage_banner(assessment: Assessment, knowledge: Knowledge) -> tuple[str, str]:
    """The triage level's label and what to do now."""
    info = knowledge.meta.triage_levels[assessment.triage.level]
    return info.label, assessment.triage.action


def assessment_markdown(assessment: Assessment, knowledge: Knowledge, banner: bool = True) -> str:
    """The whole result, most urgent first. ``banner=False`` leaves the triage heading to
    the caller (the terminal draws it as a coloured panel)."""
    _ = gettext_for(knowledge.language)
    numbering = _Numbering()
    lines: list[str] = []
    label, action = triage_banner(assessment, knowledge)
    if banner:
        lines += [f"# {label.upper()}", ""]
    triage = assessment.triage
    if triage.unanswered:
        # What could not be checked comes before anything else the result says.
        questions = {q.id: q.text for q in knowledge.questions.questions}
        lines += ["## " + _("Not checked"), "", knowledge.meta.unanswered_note, ""]
        lines += [f"- {questions.get(q, q)}" for q in triage.unanswered]
        lines.append("")
    if banner:
        lines += [action, ""]
    if triage.reasons:
        lines += ["## " + _("Why"), ""]
        lines += [f"- {r.text} {numbering.refs(r.sources)}" for r in triage.reasons]
        lines.append("")
    if triage.while_you_wait:
        lines += ["## " + _("While you wait"), ""]
        lines += [f"- {step}" for step in triage.while_you_wait]
        lines.append("")
    if triage.level == "emergency":
        lines += ["---", "", "## " + _(FOR_LATER), ""]
    kind_title = _(_KIND_TITLES[assessment.kind])
    kind_text = f"{assessment.kind_explanation} {numbering.refs(assessment.kind_sources)}"
    lines += ["## " + _("What it is: {kind}").format(kind=kind_title), "", kind_text, ""]
    lines += ["## " + _("Likely causes"), ""]
    if assessment.factors:
        lines += [_(CAUSES_INTRO), ""]
        for factor in assessment.factors:
            strength = link_strength(factor.score, knowledge.language)
            refs = numbering.refs(factor.sources)
            lines.append(f"- **{factor.name}**, {strength} {refs}")
            lines += [f"  - {why}" for why in factor.why]
            against = _("Against: {reason}")
            lines += ["  - " + against.format(reason=a) for a in factor.against]
        lines.append("")
    else:
        lines += [_("Your answers do not point to a particular cause."), ""]
    if assessment.rule_out:
        lines += ["## " + _("What a doctor should rule out"), ""]
        for item in assessment.rule_out:
            lines.append(f"- **{item.name}**: {item.text} {numbering.refs(item.sources)}")
            lines += [f"  - {why}" for why in item.why]
        lines.append("")
    if assessment.care_plan:
        names = {f.id: f.name.lower() for f in assessment.factors}
        names.update({"twitch": _("twitches"), "spasm": _("spasms")})
        lines += ["## " + _("What to do"), ""]
        for care in assessment.care_plan:
            targets = ", ".join(names.get(t, t) for t in care.for_)
            meant = _("(for {targets})").format(targets=targets)
            lines.append(
                f"- **{care.title}**: {care.text} _{meant}_ {numbering.refs(care.sources)}"
            )
        lines.append("")
    lines += ["## " + _("Sources"), ""]
    documents = {doc.id: doc for doc in knowledge.sources}
    for source_id, number in numbering.order.items():
        doc = documents[source_id]
        where = f" <{doc.url}>" if doc.url else " " + _("(file {file})").format(file=doc.file)
        foreign = "" if doc.language == knowledge.language else " " + _("(in English)")
        lines.append(f"{number}. {_cite(doc.title, doc.publisher)}{where}{foreign}")
    version = _("Knowledge version {version}").format(version=assessment.knowledge_version)
    lines += ["", "---", "", f"_{assessment.disclaimer}_", "", version]
    return "\n".join(lines) + "\n"


def _cite(title: str, publisher: str) -> str:
    end = "" if title.endswith(("?", "!", ".")) else "."
    return f"{title}{end} {publisher}."


def _citations_markdown(citations: Sequence[Citation], knowledge: Knowledge) -> list[str]:
    _ = gettext_for(knowledge.language)
    lines = []
    for citation in citations:
        doc = knowledge.source(citation.source)
        where = f" <{doc.url}>" if doc.url else " " + _("(seed file {file})").format(file=doc.file)
        foreign = doc.language != knowledge.language
        in_english = " " + _("(in English)") if foreign else ""
        lines.append(f"- {_cite(doc.title, doc.publisher)}{where}{in_english}")
        if citation.quote:
            # Seed quotes stay verbatim; a reader in another language is told why it is English.
            marked = " " + _("(quote in English)") if foreign else ""
            lines.append(f'  > "{citation.quote}"{marked}')
    return lines


def _group(knowledge: Knowledge, name: str) -> Sequence[Any]:
    if name == "kinds":
        return knowledge.kinds.kinds
    groups: Sequence[Any] = getattr(knowledge, name)
    return groups


def topics_markdown(knowledge: Knowledge) -> str:
    _ = gettext_for(knowledge.language)
    lines = ["# " + _("Topics"), ""]
    lines += [f"- `{t.id}`: **{t.title}**. {t.summary}" for t in knowledge.topics]
    lines.append("")
    for title, group in _GROUPS:
        lines += ["## " + _(title), ""]
        lines += [f"- `{e.id}`: {e.name}" for e in _group(knowledge, group)]
        lines.append("")
    lines.append(_("Read any of them with {command}.").format(command="`myoguide explain ID`"))
    return "\n".join(lines) + "\n"


def topics_data(knowledge: Knowledge) -> dict[str, Any]:
    data: dict[str, Any] = {
        "topics": [{"id": t.id, "title": t.title, "summary": t.summary} for t in knowledge.topics]
    }
    for _, group in _GROUPS:
        data[group] = [
            {"id": e.id, "name": e.name, "summary": e.summary} for e in _group(knowledge, group)
        ]
    data["knowledge_version"] = knowledge.version
    return data


def entry_data(entry_id: str, knowledge: Knowledge) -> dict[str, Any]:
    """A knowledge entry as JSON data; raises KeyError for an unknown id."""
    entry = knowledge.entry(entry_id)
    if entry is None:
        raise KeyError(entry_id)
    data: dict[str, Any] = entry.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["type"] = _entry_type(entry_id, knowledge)
    data["knowledge_version"] = knowledge.version
    return data


def _entry_type(entry_id: str, knowledge: Knowledge) -> str:
    if any(t.id == entry_id for t in knowledge.topics):
        return "topic"
    if any(s.id == entry_id for s in knowledge.sources):
        return "source"
    for _, group in _GROUPS:
        if any(e.id == entry_id for e in _group(knowledge, group)):
            return group.rstrip("s") if group != "care_plan" else "care_plan"
    raise KeyError(entry_id)


def entry_markdown(entry_id: str, knowledge: Knowledge) -> str:
    """A knowledge entry in full, with its citations; raises KeyError for an unknown id."""
    entry = knowledge.entry(entry_id)
    if entry is None:
        raise KeyError(entry_id)
    if isinstance(entry, Topic):
        return _topic_markdown(entry, knowledge)
    language = knowledge.language
    _ = gettext_for(language)
    if entry_id in {s.id for s in knowledge.sources}:
        doc = knowledge.source(entry_id)
        lines = [f"# {doc.title}", "", f"{doc.publisher}.", ""]
        seed = _("Seed document, file {file}.").format(file=f"`{doc.file}`")
        lines.append(f"<{doc.url}>" if doc.url else seed)
        return "\n".join(lines) + "\n"
    data = entry.model_dump()
    lines = [f"# {data['name']}", "", f"**{data['summary']}**", "", data["description"], ""]
    if data.get("signs"):
        lines += ["## " + _("Signs"), ""] + [f"- {sign}" for sign in data["signs"]] + [""]
    if isinstance(entry, WarningSign):
        label = knowledge.meta.triage_levels[entry.level].label
        lines += [_("**If present:** {level}.").format(level=label), ""]
        lines += [_("**Rule:** {rule}").format(rule=f"`{entry.when.describe(language)}`"), ""]
        if entry.advice:
            lines += ["## " + _("Said with it"), ""]
            for advice in entry.advice:
                rule = f"`{advice.unless.describe(language)}`"
                left_out = _("Left out when {rule}.").format(rule=rule)
                lines.append(f"- {advice.text} {left_out}")
            lines.append("")
    if isinstance(entry, Factor):
        lines += _factor_details(entry, knowledge)
    if isinstance(entry, RuleOutEntry):
        lines += ["## " + _("When myoguide raises it"), ""]
        lines += [f"- {t.why} `{t.when.describe(language)}`" for t in entry.triggers]
        lines.append("")
    citations = _citations_markdown(getattr(entry, "citations", []), knowledge)
    lines += ["## " + _("Sources"), "", *citations]
    return "\n".join(lines) + "\n"


def _factor_details(factor: Factor, knowledge: Knowledge) -> list[str]:
    language = knowledge.language
    _ = gettext_for(language)
    regions = {r.id: r.name for r in knowledge.regions}
    # A kind's name without its aside: "twitch (fasciculation)" is "twitch".
    kinds = {k.id: k.name.split(" (")[0] for k in knowledge.kinds.kinds}
    care = {c.id: c.name for c in knowledge.care_plan}
    lines = [
        _("**Kinds:** {kinds}").format(kinds=", ".join(kinds.get(k, k) for k in factor.kinds)),
        "",
        _("**Where:** {regions}").format(regions=", ".join(regions[r] for r in factor.regions)),
        "",
        "## " + _("Answers that count"),
        "",
    ]
    for evidence in factor.evidence:
        why = evidence.why.replace("{value}", "N")
        rule = evidence.when.describe(language)
        weight = format_number(evidence.weight, language, signed=True)
        strength = _(_strength(evidence.weight))
        lines.append(f"- {strength} ({weight}): {why} `{rule}`")
    lines += ["", "## " + _("What helps"), ""]
    lines += [f"- {care[c]} (`{c}`)" for c in factor.care_plan]
    lines.append("")
    return lines


def _strength(weight: float) -> str:
    if weight < 0:
        return N_("against")
    if weight >= 2.5:
        return N_("strong")
    if weight >= 1.0:
        return N_("moderate")
    return N_("weak")


def _topic_markdown(topic: Topic, knowledge: Knowledge) -> str:
    _ = gettext_for(knowledge.language)
    lines = [f"# {topic.title}", "", f"**{topic.summary}**", ""]
    for section in topic.sections:
        lines += [f"## {section.heading}", "", section.text, ""]
        lines += _citations_markdown(section.citations, knowledge)
        lines.append("")
    for group in topic.lists:
        title = _({g: t for t, g in _GROUPS}[group])
        lines += [f"## {title}", ""]
        lines += [f"- **{e.name}** (`{e.id}`): {e.summary}" for e in _group(knowledge, group)]
        lines.append("")
    return "\n".join(lines) + "\n"
