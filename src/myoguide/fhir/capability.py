"""What the FHIR endpoints support, as a CapabilityStatement (``GET /fhir/metadata``)."""

from __future__ import annotations

from datetime import date

from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from .. import __version__
from ..knowledge import Knowledge
from . import CANONICAL, FHIR_VERSION
from .adaptive import ADAPTIVE_RESPONSE_PROFILE
from .codesystem import code_system_ids
from .diary import DIARY_SYSTEM_ID
from .questionnaire import QUESTIONNAIRE_URL

__all__ = [
    "ASSESS_OPERATION",
    "DIARY_EXPORT",
    "NEXT_QUESTION_OPERATION",
    "SDC_GUIDE",
    "capability_statement",
]

NEXT_QUESTION_OPERATION = (
    "http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-next-question"
)
ASSESS_OPERATION = f"{CANONICAL}/OperationDefinition/QuestionnaireResponse-assess"
SDC_GUIDE = "http://hl7.org/fhir/uv/sdc/ImplementationGuide/hl7.fhir.uv.sdc"
DIARY_EXPORT = "/api/v1/diary/export?format=fhir"
"""The diary as FHIR: outside /fhir, since it needs a diary session (its owner's only)."""


def capability_statement(knowledge: Knowledge, published: date) -> CapabilityStatement:
    """The server's capabilities; `published` is the day this server started."""
    systems = ", ".join([*code_system_ids(knowledge), DIARY_SYSTEM_ID])
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
        implementationGuide=[SDC_GUIDE],
        rest=[
            {
                "mode": "server",
                "documentation": "Stateless: nothing sent is kept. Errors are OperationOutcomes. "
                "A diary's episodes and days, as a Bundle of Observations coded in "
                f"CodeSystem/{DIARY_SYSTEM_ID}, come from GET {DIARY_EXPORT}: outside this base, "
                "with a diary session, the owner's own only.",
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
                        "supportedProfile": [ADAPTIVE_RESPONSE_PROFILE],
                        "documentation": "Answers to the myoguide questionnaire, by linkId "
                        "($assess gives a Bundle with a RiskAssessment, a CarePlan and the "
                        "response).",
                        "operation": [{"name": "assess", "definition": ASSESS_OPERATION}],
                    },
                    {
                        "type": "CodeSystem",
                        "interaction": [{"code": "read"}],
                        "documentation": "Our code systems, whose codes are myoguide's ids: "
                        f"{systems}.",
                    },
                ],
            }
        ],
    )
