"""Our code systems: their codes are the contract ids (CONTRACT.md §2-§4), so a coded FHIR
answer or result reads the same as the JSON one. No public system is guessed at: none of
these answer choices or results has a code we could cite, so every code is ours.

One code system per multiple-choice question (``CANONICAL/CodeSystem/<question id>``, with
``_`` written ``-`` as FHIR ids require), one for each kind of result, and
``none-of-these`` for the "none of these" answer to a question with several answers.
"""

from __future__ import annotations

from fhir.resources.R4B.codesystem import CodeSystem, CodeSystemConcept

from ..assessment import TRIAGE_ORDER
from ..i18n import N_, gettext_for
from ..knowledge import Knowledge
from . import CANONICAL, resource_version

__all__ = [
    "NONE_OF_THESE",
    "NONE_OF_THESE_DISPLAY",
    "code_system",
    "code_system_ids",
    "question_system_id",
    "system_url",
]

NONE_OF_THESE = "none"
"""The one code of ``none-of-these``: a list answered empty (none applies), not unknown."""
NONE_OF_THESE_DISPLAY = N_("None of these")
_NONE_SYSTEM = "none-of-these"
_RESULTS = ("triage-level", "warning-sign", "rule-out", "care-plan", "factor", "kind")


def system_url(system_id: str) -> str:
    return f"{CANONICAL}/CodeSystem/{system_id}"


def question_system_id(question_id: str) -> str:
    """The id of the code system of a question's choices (``factors.known-deficiency``)."""
    return question_id.replace("_", "-")


def code_system_ids(knowledge: Knowledge) -> list[str]:
    """Every code system served, by id."""
    choices = [
        question_system_id(q.id)
        for q in knowledge.questions.questions
        if q.type in {"choice", "multi"}
    ]
    return [*choices, _NONE_SYSTEM, *_RESULTS]


def code_system(knowledge: Knowledge, system_id: str) -> CodeSystem | None:
    """The code system with this id, or None when there is none; its words in the
    knowledge's language, its codes the same in every language."""
    concepts = _concepts(knowledge).get(system_id)
    if concepts is None:
        return None
    title, description, codes = concepts
    return CodeSystem(
        id=system_id,
        language=knowledge.language,
        url=system_url(system_id),
        version=resource_version(knowledge),
        name="Myoguide" + "".join(part.title() for part in system_id.replace(".", "-").split("-")),
        title=title,
        status="active",
        experimental=False,
        publisher="myoguide",
        description=description,
        caseSensitive=True,
        content="complete",
        count=len(codes),
        concept=[
            CodeSystemConcept(code=code, display=display, definition=definition)
            for code, display, definition in codes
        ],
    )


_Concepts = tuple[str, str, list[tuple[str, str, str | None]]]


def _concepts(knowledge: Knowledge) -> dict[str, _Concepts]:
    _ = gettext_for(knowledge.language)
    systems: dict[str, _Concepts] = {}
    for question in knowledge.questions.questions:
        if question.type in {"choice", "multi"}:
            systems[question_system_id(question.id)] = (
                _("Answers to: {question}").format(question=question.text),
                _("The choices of the question `{id}`; the codes are its contract values.").format(
                    id=question.id
                ),
                [(option.value, option.label, None) for option in question.options],
            )
    none_of_these = _(NONE_OF_THESE_DISPLAY)
    systems[_NONE_SYSTEM] = (
        none_of_these,
        _("The answer to a question with several answers when none of them applies."),
        [(NONE_OF_THESE, none_of_these, _("None of the choices applies (this is not unknown)."))],
    )
    levels = knowledge.meta.triage_levels
    systems["triage-level"] = (
        _("Triage levels"),
        _("How soon to get care, from least to most urgent."),
        [(level, levels[level].label, levels[level].action) for level in TRIAGE_ORDER],
    )
    for system_id, title, entries in (
        ("warning-sign", N_("Warning signs"), knowledge.warning_signs),
        ("rule-out", N_("Conditions a doctor may need to rule out"), knowledge.rule_outs),
        ("care-plan", N_("What to do"), knowledge.care_plan),
        ("factor", N_("Likely contributing causes"), knowledge.factors),
        ("kind", N_("Kinds of movement: twitch, spasm or both"), knowledge.kinds.kinds),
    ):
        systems[system_id] = (
            _(title),
            _("{title}; the codes are myoguide's contract ids.").format(title=_(title)),
            [(entry.id, entry.name, entry.summary) for entry in entries],
        )
    return systems
