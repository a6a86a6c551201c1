"""An Assessment as FHIR: a ``collection`` Bundle with a RiskAssessment and a CarePlan,
both resting on the QuestionnaireResponse they came from (CONTRACT.md §8).

The RiskAssessment's first prediction is the triage level, each further one a condition to
rule out; its reasons are in ``rationale`` and ``reasonCode``, what to do now in
``mitigation``. The CarePlan's activities are the care-plan items, each with what it is for.
Sources travel in our ``source`` extension; the disclaimer is a note on both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.riskassessment import RiskAssessment, RiskAssessmentPrediction

from ..assessment import Assessment, RuleOut, Source
from ..knowledge import Knowledge
from . import CANONICAL
from .codesystem import system_url

__all__ = ["SOURCE_EXTENSION", "assessment_bundle"]

SOURCE_EXTENSION = f"{CANONICAL}/StructureDefinition/source"
"""Where a statement comes from: sub-extensions ``id``, ``title``, and ``quote`` (a short
excerpt of a source document) or ``url`` (a public guideline)."""
_NAMESPACE = uuid.UUID("5b0e8f8e-6f4c-4d8a-9a57-2f1c0f6b7a11")


def assessment_bundle(
    assessment: Assessment, response: QuestionnaireResponse, knowledge: Knowledge
) -> Bundle:
    """The assessment of `response` as a ``collection`` Bundle: the RiskAssessment, the
    CarePlan and the response itself. The same input gives the same Bundle, ids included."""
    seed = response.model_dump_json()
    urls = {name: f"urn:uuid:{uuid.uuid5(_NAMESPACE, name + seed)}" for name in ("ra", "cp", "qr")}
    answers = Reference(reference=urls["qr"], type="QuestionnaireResponse")
    subject = response.subject or Reference(display="The person who answered the questionnaire")
    disclaimer = Annotation(text=assessment.disclaimer)
    signs = {sign.id: sign.name for sign in knowledge.warning_signs}
    risk = RiskAssessment(
        status="final",
        code=CodeableConcept(text="Muscle twitch and spasm check"),
        method=CodeableConcept(text=f"myoguide, knowledge version {assessment.knowledge_version}"),
        subject=subject,
        basis=[answers],
        reasonCode=[
            _concept("warning-sign", reason.id, signs[reason.id], reason.text)
            for reason in assessment.triage.reasons
        ]
        or None,
        prediction=[
            _triage(assessment, knowledge),
            *(_rule_out(rule) for rule in assessment.rule_out),
        ],
        mitigation=" ".join([assessment.triage.action, *assessment.triage.while_you_wait]),
        note=[disclaimer, *_notes(assessment, knowledge)],
    )
    plan = CarePlan(
        status="active",
        intent="proposal",
        title="What to do",
        description=assessment.triage.action,
        subject=subject,
        supportingInfo=[answers],
        activity=[
            CarePlanActivity(
                extension=_sources(item.sources),
                detail=CarePlanActivityDetail(
                    status="not-started",
                    code=_concept("care-plan", item.id, item.title),
                    description=item.text,
                    reasonCode=[_reason(target, assessment, knowledge) for target in item.for_],
                ),
            )
            for item in assessment.care_plan
        ]
        or None,
        note=[disclaimer],
    )
    return Bundle(
        type="collection",
        entry=[
            BundleEntry(fullUrl=urls["ra"], resource=risk),
            BundleEntry(fullUrl=urls["cp"], resource=plan),
            BundleEntry(fullUrl=urls["qr"], resource=response),
        ],
    )


def _triage(assessment: Assessment, knowledge: Knowledge) -> RiskAssessmentPrediction:
    triage = assessment.triage
    label = knowledge.meta.triage_levels[triage.level].label
    sources = [source for reason in triage.reasons for source in reason.sources]
    return RiskAssessmentPrediction(
        extension=_sources(sources),
        outcome=_concept("triage-level", triage.level, label),
        rationale=" ".join(reason.text for reason in triage.reasons)
        or "None of the answers is a warning sign.",
    )


def _rule_out(rule: RuleOut) -> RiskAssessmentPrediction:
    why = " ".join(rule.why)
    return RiskAssessmentPrediction(
        extension=_sources(rule.sources),
        outcome=_concept("rule-out", rule.id, rule.name),
        rationale=f"{rule.text} {why}".strip(),
    )


def _notes(assessment: Assessment, knowledge: Knowledge) -> list[Annotation]:
    notes = [Annotation(text=f"Kind: {assessment.kind}. {assessment.kind_explanation}")]
    if assessment.factors:
        causes = "\n".join(
            f"- {factor.name} ({factor.id}, score {factor.score:.2f}): {' '.join(factor.why)}"
            for factor in assessment.factors
        )
        notes.append(Annotation(text=f"Likely causes, most likely first:\n{causes}"))
    if assessment.triage.unanswered:
        listed = ", ".join(assessment.triage.unanswered)
        notes.append(Annotation(text=f"{knowledge.meta.unanswered_note} Unanswered: {listed}."))
    return notes


def _reason(target: str, assessment: Assessment, knowledge: Knowledge) -> CodeableConcept:
    factor = next((f for f in assessment.factors if f.id == target), None)
    if factor is not None:
        return _concept("factor", factor.id, factor.name)
    kinds = {kind.id: kind.name for kind in knowledge.kinds.kinds}
    return _concept("kind", target, kinds[target])


def _concept(system: str, code: str, display: str, text: str | None = None) -> CodeableConcept:
    return CodeableConcept(
        coding=[Coding(system=system_url(system), code=code, display=display)], text=text
    )


def _sources(sources: Iterable[Source]) -> list[Extension] | None:
    unique = dict.fromkeys(sources)
    extensions = []
    for source in unique:
        parts = [
            Extension(url="id", valueString=source.id),
            Extension(url="title", valueString=source.title),
        ]
        if source.quote:
            parts.append(Extension(url="quote", valueString=source.quote))
        if source.url:
            parts.append(Extension(url="url", valueUri=source.url))
        extensions.append(Extension(url=SOURCE_EXTENSION, extension=parts))
    return extensions or None
