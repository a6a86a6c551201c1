"""POST /api/v1/interview and POST /api/v1/parse: thin adapters over next_question() and
parse() (CONTRACT.md §6 and §7). Both keep nothing: everything they need is in the request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictStr

from ..answers import Answers
from ..assessment import Assessment
from ..conditions import flatten
from ..diary.models import IsoDate
from ..engine import Engine
from ..errors import Refused
from ..freetext import LANGUAGES, MAX_TEXT, Parsed
from ..interview import Question
from ..knowledge import load_knowledge
from .api import language_headers
from .language import request_language
from .problems import ValidationProblem

_IN = ConfigDict(extra="forbid")
# The question ids the schema offers for `unknown` (the packaged questionnaire's).
_QUESTION_IDS: list[JsonValue] = [q.id for q in load_knowledge().questions.questions]
if TYPE_CHECKING:
    TextLanguage = str
else:
    # An enumeration of the languages free text is read in: a new one is a lexicon and a
    # grammar file, and the schema lists it.
    TextLanguage = Literal[LANGUAGES]


class InterviewIn(BaseModel):
    """The answers so far, and the questions answered "not sure"."""

    model_config = _IN

    answers: Answers = Field(default_factory=Answers)
    unknown: Annotated[list[StrictStr], Field(max_length=200)] = Field(
        default_factory=list,
        description="Ids of questions asked and answered 'not sure': not asked again.",
        json_schema_extra={"items": {"type": "string", "enum": _QUESTION_IDS}},
    )


class InterviewOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Question | None = Field(description="The next question; null when done.")
    asked: int = Field(ge=0, description="Questions answered so far, 'not sure' included.")
    remaining: int = Field(
        ge=0,
        description="About how many questions are left, the one returned included (0 when "
        "done): an estimate, the interview played on with the likeliest answers.",
    )
    assessment: Assessment = Field(description="The assessment of the answers so far.")


class ParseIn(BaseModel):
    model_config = _IN

    text: Annotated[StrictStr, Field(max_length=MAX_TEXT)]
    today: IsoDate | None = Field(
        None, description="The day 'since Tuesday' counts back from (default: today)."
    )
    language: TextLanguage = Field(
        "en", description="The language the text is written in, as a language code."
    )


ERRORS: dict[int | str, dict[str, object]] = {
    422: {"model": ValidationProblem, "description": "A field that is not valid, named."}
}


def build_router(engines: dict[str, Engine]) -> APIRouter:
    """The interview answers in the request's language (``engines`` by language); the parse
    reads the language its body names."""
    router = APIRouter(prefix="/api/v1", responses=ERRORS)

    @router.post(
        "/interview",
        response_model=InterviewOut,
        tags=["interview"],
        summary="The next question to ask, and the assessment so far",
    )
    def interview(
        body: InterviewIn,
        response: Response,
        accept_language: Annotated[
            str | None,
            Header(
                alias="Accept-Language",
                description="The language of the question and the assessment, e.g. `es` "
                "(Spanish); English when none of those asked for is available. Ids are the "
                "same in every language; Content-Language says which one it is.",
            ),
        ] = None,
    ) -> InterviewOut:
        """Stateless: send every answer so far. The question is the one whose answer could
        change the result most; warning signs that could still raise the triage always come
        first, and the interview never ends while one of them is open."""
        from ..interview import next_question, questions_left

        language = request_language(accept_language, engines)
        response.headers.update(language_headers(language))
        try:
            question = next_question(body.answers, body.unknown, language=language)
        except ValueError as error:
            said = error.said.in_language(language) if isinstance(error, Refused) else str(error)
            problem = _unknown_problem(said)
            raise HTTPException(422, detail=[problem]) from error
        # A question answered and also listed as "not sure" (or listed twice) is one asked.
        answered = {key for key, value in flatten(body.answers).items() if value is not None}
        return InterviewOut(
            question=question,
            asked=len(answered | set(body.unknown)),
            remaining=0 if question is None else questions_left(body.answers, body.unknown),
            assessment=engines[language].assess(body.answers),
        )

    @router.post(
        "/parse",
        response_model=Parsed,
        response_model_exclude_none=True,
        tags=["free text"],
        summary="Read a description in a person's own words into answers",
    )
    async def parse_text(body: ParseIn) -> Parsed:
        """Each understood piece is a finding with its place in the text; a warning sign
        that is hedged stays unknown and is marked `uncertain`. The text is not kept."""
        from ..freetext import parse

        return await run_in_threadpool(parse, body.text, body.today, language=body.language)

    return router


def _unknown_problem(message: str) -> dict[str, object]:
    return {"loc": ["body", "unknown"], "field": "unknown", "msg": message, "type": "value_error"}
