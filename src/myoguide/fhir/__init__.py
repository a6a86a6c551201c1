"""myoguide in HL7 FHIR R4 (the R4B models of ``fhir.resources``): the questionnaire, the
answers, the assessment and the adaptive interview as FHIR resources, and the diary as a
Bundle of Observations (:mod:`.diary`). No HTTP in here.

Every URL we mint lives under :data:`CANONICAL` (``https://myoguide.org/fhir``): the code
systems at ``CANONICAL/CodeSystem/<id>``, the questionnaire at
``CANONICAL/Questionnaire/myoguide``. They name things; they are not fetched.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CANONICAL", "FHIR_VERSION", "FhirInputError", "FhirProblem"]

CANONICAL = "https://myoguide.org/fhir"
FHIR_VERSION = "4.3.0"
"""R4B: the release of the ``fhir.resources.R4B`` models (wire-compatible with R4 here)."""


@dataclass(frozen=True, slots=True)
class FhirProblem:
    """One problem with a FHIR input: where it is (a FHIRPath expression, such as
    ``QuestionnaireResponse.item[0].answer[0]``) and what is wrong."""

    expression: str
    message: str

    def __str__(self) -> str:
        return f"{self.expression}: {self.message}" if self.expression else self.message


class FhirInputError(ValueError):
    """A FHIR input that cannot be read, with every problem found, each at its place."""

    def __init__(self, problems: list[FhirProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
