"""What the FHIR endpoints support, as a CapabilityStatement (``GET /fhir/metadata``)."""

from __future__ import annotations

from datetime import date

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from .. import __version__
from ..knowledge import Knowledge
from . import CANONICAL, FHIR_VERSION
from .questionnaire import QUESTIONNAIRE_URL

__all__ = ["ASSESS_OPERATION", "NEXT_QUESTION_OPERATION", "capability_statement"]

NEXT_QUESTION_OPERATION = (
    "http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-next-question"
)
ASSESS_OPERATION = f"{CANONICAL}/OperationDefinition/QuestionnaireResponse-assess"


def capability_statement(knowledge: Knowledge, published: date) -> CapabilityStatement:
    """The server's capabilities; `published` is the day this server started."""
    return CapabilityStatement(
        url=f"{CANONICAL}/CapabilityStatement/myoguide",
        version=knowledge.version,
        name="Myoguide",
        title="myoguide FHIR endpoints",
        status="active",
        experimental=False,
        date=published.isoformat(),
        publisher="myoguide",
        description="The muscle twitch and spasm check as an SDC questionnaire, its "
        "assessment as a RiskAssessment and a CarePlan, and SDC's adaptive $next-question. "
        + knowledge.meta.disclaimer,
        kind="instance",
        software={"name": "myoguide", "version": __version__},
        implementation={"description": "myoguide's FHIR R4 endpoints, under /fhir"},
        fhirVersion=FHIR_VERSION,
        format=["application/fhir+json", "json"],
        rest=[
            {
                "mode": "server",
                "documentation": "Stateless: nothing sent is kept. Errors are OperationOutcomes.",
                "resource": [
                    {
                        "type": "Questionnaire",
                        "interaction": [{"code": "read"}],
                        "documentation": f"Only 'myoguide' ({QUESTIONNAIRE_URL}).",
                        "operation": [
                            {"name": "next-question", "definition": NEXT_QUESTION_OPERATION}
                        ],
                    },
                    {
                        "type": "QuestionnaireResponse",
                        "documentation": "Answers to the myoguide questionnaire, by linkId.",
                        "operation": [{"name": "assess", "definition": ASSESS_OPERATION}],
                    },
                    {
                        "type": "CodeSystem",
                        "interaction": [{"code": "read"}],
                        "documentation": "Our code systems: their codes are myoguide's ids.",
                    },
                ],
            }
        ],
    )
