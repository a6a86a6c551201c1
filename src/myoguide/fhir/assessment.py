"""An Assessment as FHIR: a ``collection`` Bundle with a RiskAssessment and a CarePlan,
both resting on the QuestionnaireResponse they came from (CONTRACT.md §8).

The RiskAssessment's first prediction is the triage level, each further one a condition to
rule out; its reasons are in ``rationale`` and ``reasonCode``, what to do now in
``mitigation``. The CarePlan's activities are the care-plan items, each with what it is for.
Sources travel in our ``source`` extension; the disclaimer is a note on both. The words
are in the knowledge's language (named by each resource's ``language``); the codes are the
same in every language.

Everything here is built from our own, already valid, values, so the models are made with
``model_construct`` (no validation), and the parts that never change with the answers (a
coded concept, the sources of a statement, a care-plan activity) are built once and shared.
The tests validate every Bundle returned with the full R4B models.
"""

from __future__ import annotations

import uuid
from functools import cache, lru_cache

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.riskassessment import RiskAssessment, RiskAssessmentPrediction

from ..assessment import Assessment, CarePlanItem, Kind, RuleOut, Source
from ..i18n import N_, decimal_symbol, gettext_for
from ..knowledge import Knowledge
from . import CANONICAL
from .codesystem import system_url
from .questionnaire import TITLE
from .serialize import fhir_json

__all__ = ["SOURCE_EXTENSION", "assessment_bundle"]

SOURCE_EXTENSION = f"{CANONICAL}/StructureDefinition/source"
"""Where a statement comes from: sub-extensions ``id``, ``title``, and ``quote`` (a short
excerpt of a source document) or ``url`` (a public guideline)."""
_NAMESPACE = uuid.UUID("5b0e8f8e-6f4c-4d8a-9a57-2f1c0f6b7a11")
_KINDS: dict[Kind, str] = {
    "twitch": N_("Kind: twitch."),
    "spasm": N_("Kind: spasm."),
    "both": N_("Kind: both."),
    "unclear": N_("Kind: unclear."),
}


def assessment_bundle(
    assessment: Assessment, response: QuestionnaireResponse, knowledge: Knowledge
) -> Bundle:
    """The assessment of `response` as a ``collection`` Bundle: the RiskAssessment, the
    CarePlan and the response itself (as it was sent), in the knowledge's language. The same
    input gives the same Bundle, ids included."""
    language = knowledge.language
    _ = gettext_for(language)
    seed = fhir_json(response).decode()
    urls = {name: f"urn:uuid:{uuid.uuid5(_NAMESPACE, name + seed)}" for name in ("ra", "cp", "qr")}
    answers = Reference.model_construct(reference=urls["qr"], type="QuestionnaireResponse")
    subject = response.subject or _answerer(language)
    disclaimer = _note(assessment.disclaimer)
    signs = _sign_names(knowledge)
    reasons = [
        _concept("warning-sign", reason.id, signs[reason.id], reason.text)
        for reason in assessment.triage.reasons
    ]
    risk = RiskAssessment.model_construct(
        language=language,
        status="final",
        code=_said(_(TITLE)),
        method=_said(
            _("myoguide, knowledge version {version}").format(version=assessment.knowledge_version)
        ),
        subject=subject,
        basis=[answers],
        reasonCode=reasons or None,
        prediction=[
            _triage(assessment, knowledge),
            *(_rule_out(rule) for rule in assessment.rule_out),
        ],
        mitigation=" ".join([assessment.triage.action, *assessment.triage.while_you_wait]),
        note=[disclaimer, *_notes(assessment, knowledge)],
    )
    kinds = {kind.id: kind.name for kind in knowledge.kinds.kinds}
    factors = tuple((factor.id, factor.name) for factor in assessment.factors)
    plan = CarePlan.model_construct(
        language=language,
        status="active",
        intent="proposal",
        title=_("What to do"),
        description=assessment.triage.action,
        subject=subject,
        supportingInfo=[answers],
        activity=[
            _activity(item, tuple(_reason(target, factors, kinds) for target in item.for_))
            for item in assessment.care_plan
        ]
        or None,
        note=[disclaimer],
    )
    return Bundle.model_construct(
        language=language,
        type="collection",
        entry=[
            BundleEntry.model_construct(fullUrl=urls["ra"], resource=risk),
            BundleEntry.model_construct(fullUrl=urls["cp"], resource=plan),
            BundleEntry.model_construct(fullUrl=urls["qr"], resource=response),
        ],
    )


@cache
def _answerer(language: str) -> Reference:
    _ = gettext_for(language)
    return Reference.model_construct(display=_("The person who answered the questionnaire"))


def _sign_names(knowledge: Knowledge) -> dict[str, str]:
    return {sign.id: sign.name for sign in knowledge.warning_signs}


def _triage(assessment: Assessment, knowledge: Knowledge) -> RiskAssessmentPrediction:
    _ = gettext_for(knowledge.language)
    triage = assessment.triage
    label = knowledge.meta.triage_levels[triage.level].label
    sources = tuple(source for reason in triage.reasons for source in reason.sources)
    return RiskAssessmentPrediction.model_construct(
        extension=_sources(sources),
        outcome=_concept("triage-level", triage.level, label),
        rationale=" ".join(reason.text for reason in triage.reasons)
        or _("None of the answers is a warning sign."),
    )


@lru_cache(maxsize=1024)
def _rule_out(rule: RuleOut) -> RiskAssessmentPrediction:
    why = " ".join(rule.why)
    return RiskAssessmentPrediction.model_construct(
        extension=_sources(rule.sources),
        outcome=_concept("rule-out", rule.id, rule.name),
        rationale=f"{rule.text} {why}".strip(),
    )


@lru_cache(maxsize=1024)
def _activity(item: CarePlanItem, reasons: tuple[tuple[str, str, str], ...]) -> CarePlanActivity:
    return CarePlanActivity.model_construct(
        extension=_sources(item.sources),
        detail=CarePlanActivityDetail.model_construct(
            status="not-started",
            code=_concept("care-plan", item.id, item.title),
            description=item.text,
            reasonCode=[_concept(*reason) for reason in reasons],
        ),
    )


def _note(text: str) -> Annotation:
    return Annotation.model_construct(text=text)


def _notes(assessment: Assessment, knowledge: Knowledge) -> list[Annotation]:
    _ = gettext_for(knowledge.language)
    decimal = decimal_symbol(knowledge.language)
    notes = [_note(f"{_(_KINDS[assessment.kind])} {assessment.kind_explanation}")]
    if assessment.factors:
        cause = _("- {name} ({id}, score {score}): {why}")
        causes = "\n".join(
            cause.format(
                name=factor.name,
                id=factor.id,
                score=f"{factor.score:.2f}".replace(".", decimal),
                why=" ".join(factor.why),
            )
            for factor in assessment.factors
        )
        notes.append(_note(_("Likely causes, most likely first:") + f"\n{causes}"))
    if assessment.triage.unanswered:
        unanswered = _("{note} Unanswered: {questions}.").format(
            note=knowledge.meta.unanswered_note, questions=", ".join(assessment.triage.unanswered)
        )
        notes.append(_note(unanswered))
    return notes


def _reason(
    target: str, factors: tuple[tuple[str, str], ...], kinds: dict[str, str]
) -> tuple[str, str, str]:
    """What a care-plan item is for, as (code system, code, display): a likely cause of
    this assessment, else a kind of movement."""
    name = next((name for factor, name in factors if factor == target), None)
    if name is not None:
        return "factor", target, name
    return "kind", target, kinds[target]


@lru_cache(maxsize=4096)
def _concept(system: str, code: str, display: str, text: str | None = None) -> CodeableConcept:
    coding = Coding.model_construct(system=system_url(system), code=code, display=display)
    return CodeableConcept.model_construct(coding=[coding], text=text)


@lru_cache(maxsize=64)
def _said(text: str) -> CodeableConcept:
    """A concept with no code: only its text."""
    return CodeableConcept.model_construct(text=text)


@lru_cache(maxsize=1024)
def _sources(sources: tuple[Source, ...]) -> list[Extension] | None:
    unique = dict.fromkeys(sources)
    extensions = []
    for source in unique:
        parts = [
            Extension.model_construct(url="id", valueString=source.id),
            Extension.model_construct(url="title", valueString=source.title),
        ]
        if source.quote:
            parts.append(Extension.model_construct(url="quote", valueString=source.quote))
        if source.url:
            parts.append(Extension.model_construct(url="url", valueUri=source.url))
        extensions.append(Extension.model_construct(url=SOURCE_EXTENSION, extension=parts))
    return extensions or None
