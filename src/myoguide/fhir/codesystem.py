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
from ..knowledge import Knowledge
from . import CANONICAL

__all__ = [
    "NONE_OF_THESE",
    "code_system",
    "code_system_ids",
    "question_system_id",
    "system_url",
]

NONE_OF_THESE = "none"
"""The one code of ``none-of-these``: a list answered empty (none applies), not unknown."""
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
    """The code system with this id, or None when there is none."""
    concepts = _concepts(knowledge).get(system_id)
    if concepts is None:
        return None
    title, description, codes = concepts
    return CodeSystem(
        id=system_id,
        url=system_url(system_id),
        version=knowledge.version,
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
    systems: dict[str, _Concepts] = {}
    for question in knowledge.questions.questions:
        if question.type in {"choice", "multi"}:
            systems[question_system_id(question.id)] = (
                f"Answers to: {question.text}",
                f"The choices of the question `{question.id}`; the codes are its contract values.",
                [(option.value, option.label, None) for option in question.options],
            )
    systems[_NONE_SYSTEM] = (
        "None of these",
        "The answer to a question with several answers when none of them applies.",
        [(NONE_OF_THESE, "None of these", "None of the choices applies (this is not unknown).")],
    )
    levels = knowledge.meta.triage_levels
    systems["triage-level"] = (
        "Triage levels",
        "How soon to get care, from least to most urgent.",
        [(level, levels[level].label, levels[level].action) for level in TRIAGE_ORDER],
    )
    for system_id, title, entries in (
        ("warning-sign", "Warning signs", knowledge.warning_signs),
        ("rule-out", "Conditions a doctor may need to rule out", knowledge.rule_outs),
        ("care-plan", "What to do", knowledge.care_plan),
        ("factor", "Likely contributing causes", knowledge.factors),
        ("kind", "Kinds of movement: twitch, spasm or both", knowledge.kinds.kinds),
    ):
        systems[system_id] = (
            title,
            f"{title}; the codes are myoguide's contract ids.",
            [(entry.id, entry.name, entry.summary) for entry in entries],
        )
    return systems
