"""myoguide in HL7 FHIR R4 (the R4B models of ``fhir.resources``): the questionnaire, the
answers, the assessment and the adaptive interview as FHIR resources, and the diary as a
Bundle of Observations (:mod:`.diary`). No HTTP in here.

Every URL we mint lives under :data:`CANONICAL` (``https://myoguide.org/fhir``): the code
systems at ``CANONICAL/CodeSystem/<id>``, the questionnaire at
``CANONICAL/Questionnaire/myoguide``. They name things; they are not fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..i18n import gettext_for

if TYPE_CHECKING:
    from ..knowledge import Knowledge

__all__ = [
    "CANONICAL",
    "FHIR_VERSION",
    "FhirInputError",
    "FhirProblem",
    "Phrase",
    "resource_version",
]

CANONICAL = "https://myoguide.org/fhir"
FHIR_VERSION = "4.3.0"
"""R4B: the release of the ``fhir.resources.R4B`` models (wire-compatible with R4 here)."""


def resource_version(knowledge: Knowledge) -> str:
    """The version of our Questionnaire and code systems: the English knowledge's, so the
    same in every language (a translation changes words, never a code or a rule)."""
    return knowledge.english_version or knowledge.version


class Phrase(str):
    """A value of a :class:`FhirProblem` that is itself one of our phrases (marked with
    ``N_`` where it is written), so it is translated with the sentence it goes into."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class FhirProblem:
    """One problem with a FHIR input: where it is (a FHIRPath expression, such as
    ``QuestionnaireResponse.item[0].answer[0]``) and what is wrong.

    ``message`` is a catalogue sentence (marked with ``N_``) with the ``values`` it names
    in ``{braces}``, so an adapter can say it in the reader's language; without values it
    is said as it is (a library's own words, which no catalogue holds, pass through)."""

    expression: str
    message: str
    values: Mapping[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """What is wrong, in English."""
        return self.message.format(**self.values) if self.values else self.message

    def translated(self, gettext: Callable[[str], str]) -> str:
        """What is wrong, in the language of ``gettext``."""
        if not self.values:
            return gettext(self.message)
        values = {
            name: gettext(value) if isinstance(value, Phrase) else value
            for name, value in self.values.items()
        }
        return gettext(self.message).format(**values)

    def message_in(self, language: str) -> str:
        """What is wrong, in ``language``."""
        return self.translated(gettext_for(language))

    def in_language(self, language: str) -> str:
        """Where and what is wrong, in ``language``, as ``str()`` says it in English."""
        message = self.message_in(language)
        return f"{self.expression}: {message}" if self.expression else message

    def __str__(self) -> str:
        return f"{self.expression}: {self.text}" if self.expression else self.text


class FhirInputError(ValueError):
    """A FHIR input that cannot be read, with every problem found, each at its place."""

    def __init__(self, problems: list[FhirProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems

    def in_language(self, language: str) -> str:
        """Every problem, each at its place, in ``language``."""
        return "; ".join(problem.in_language(language) for problem in self.problems)
