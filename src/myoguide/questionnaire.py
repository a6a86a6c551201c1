"""The questionnaire as logic: which questions apply, and how a typed reply becomes an answer.

Interfaces (the terminal, the web form) ask the questions; this module decides which ones
to ask and reads the replies, so every interface asks the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .answers import Answers
from .conditions import compile_condition, flatten
from .i18n import ENGLISH, N_, decimal_symbol, gettext_for
from .knowledge import Knowledge
from .knowledge.models import Question, Section

__all__ = [
    "NONE_OF_THESE",
    "UNKNOWN",
    "answer_label",
    "applies",
    "parse_reply",
    "read_form",
    "read_replies",
    "set_answer",
    "walk",
]


class _Unknown:
    """The reply "not sure": the answer stays unknown (it is never a "no")."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()

# The words each reply takes: the English ones and digits always, and, in another language,
# the comma-separated words its catalogue gives for each list.
_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}
_NOT_SURE = {"", "?", "not sure", "unsure", "dont know", "don't know", "skip"}
_NONE = {"none", "none of these", "no", "0", "-"}
_WORDS = {
    "yes": N_("y, yes"),
    "no": N_("n, no"),
    "not_sure": N_("not sure, unsure, dont know, don't know, skip"),
    "none": N_("none, none of these"),
}
NONE_OF_THESE = "none"
"""A form's "none of these" box for a multi-choice question: none, which is not unknown."""


def applies(question: Question, answers: Mapping[str, Any]) -> bool:
    """Ask a question unless its condition is known to be false for the answers so far."""
    if question.ask_if is None:
        return True
    values = flatten(Answers.model_validate(answers))
    return compile_condition(question.ask_if)(values) is not False


def walk(knowledge: Knowledge) -> Iterator[tuple[Section, list[Question]]]:
    """Sections in order, each with its questions."""
    for section in knowledge.questions.sections:
        yield section, [q for q in knowledge.questions.questions if q.section == section.id]


def answer_at(answers: Mapping[str, Any], question_id: str) -> Any:
    """The value at a dotted path (``factors.nicotine``) in a nested answers dict, or None."""
    group, _, name = question_id.rpartition(".")
    return (answers.get(group) or {} if group else answers).get(name)


def set_answer(answers: dict[str, Any], question_id: str, value: Any) -> None:
    """Put a value at a dotted path (``factors.nicotine``) in a nested answers dict."""
    group, _, name = question_id.rpartition(".")
    target = answers.setdefault(group, {}) if group else answers
    if value is UNKNOWN:
        target.pop(name, None)
    else:
        target[name] = value


def _words(language: str, name: str, english: set[str]) -> set[str]:
    translated = gettext_for(language)(_WORDS[name])
    return english | {word.strip() for word in translated.lower().split(",")}


def parse_reply(question: Question, reply: str, language: str = ENGLISH) -> Any:
    """Read what a person typed (in ``language``, or English). Raises ValueError with a
    message they can act on, in that language."""
    _ = gettext_for(language)
    text = reply.strip().lower()
    if text in _words(language, "not_sure", _NOT_SURE):
        return UNKNOWN
    if question.type == "yes_no":
        if text in _words(language, "yes", _YES):
            return True
        if text in _words(language, "no", _NO):
            return False
        raise ValueError(_('please answer yes ("y") or no ("n"), or leave it blank if not sure'))
    if question.type == "choice":
        return _option(question, text, language)
    if question.type == "multi":
        if text in _words(language, "none", _NONE):
            return []
        picked = [
            _option(question, part.strip(), language) for part in text.split(",") if part.strip()
        ]
        return list(dict.fromkeys(picked))
    return _number(question, text, language)


def answer_label(question: Question, value: Any, language: str = ENGLISH) -> str:
    """An answer in the words the question offers: "Yes", an option's label, a number."""
    _ = gettext_for(language)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    labels = {option.value: option.label for option in question.options}
    if isinstance(value, list):
        return ", ".join(labels.get(item, str(item)) for item in value) or _("None of these")
    if isinstance(value, str):
        return labels.get(value, value)
    return _plain(value)


def _option(question: Question, text: str, language: str = ENGLISH) -> str:
    values = [option.value for option in question.options]
    if text.isdigit() and 1 <= int(text) <= len(values):
        return values[int(text) - 1]
    for option in question.options:
        if text in {option.value, option.label.lower()}:
            return option.value
    _ = gettext_for(language)
    raise ValueError(_("please pick a number from 1 to {last}").format(last=len(values)))


def _number(question: Question, text: str, language: str = ENGLISH) -> int | float:
    _ = gettext_for(language)
    # "1,5" in a language that writes decimals with a comma.
    text = text.replace(decimal_symbol(language), ".")
    try:
        value: int | float = int(text) if question.type == "integer" else float(text)
    except ValueError:
        if question.type == "integer":
            message = _("please type a whole number, or leave it blank if not sure")
        else:
            message = _("please type a number, or leave it blank if not sure")
        raise ValueError(message) from None
    if value != value or value in {float("inf"), float("-inf")}:
        raise ValueError(_("please type an ordinary number"))
    if question.minimum is not None and value < question.minimum:
        message = _("please type a number of at least {minimum}")
        raise ValueError(message.format(minimum=_plain(question.minimum)))
    if question.maximum is not None and value > question.maximum:
        message = _("please type a number of at most {maximum}")
        raise ValueError(message.format(maximum=_plain(question.maximum)))
    return value


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def read_form(
    knowledge: Knowledge, form: Mapping[str, list[str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers from a submitted questionnaire form (field name = question id).

    Returns the nested answers and, per question id, a message for any reply that could not
    be read. An empty or "not sure" reply leaves the answer unknown.
    """
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question in knowledge.questions.questions:
        try:
            value = read_replies(question, form.get(question.id, []), knowledge.language)
        except ValueError as error:
            problems[question.id] = str(error)
            continue
        set_answer(answers, question.id, value)
    return answers, problems


def read_replies(question: Question, replies: Sequence[str], language: str = ENGLISH) -> Any:
    """One question's answer from the values a form sent for it (a box per ticked option of
    a multi-choice question, else the last value): ``UNKNOWN`` when none was given or
    "not sure" was. Raises ValueError with a message the person can act on, in
    ``language``."""
    given = [r.strip().lower() for r in replies if r.strip()]
    if question.type != "multi":
        return parse_reply(question, given[-1] if given else "", language)
    picked = [_option(question, r, language) for r in given if r != NONE_OF_THESE]
    if picked:
        return list(dict.fromkeys(picked))
    return [] if NONE_OF_THESE in given else UNKNOWN
