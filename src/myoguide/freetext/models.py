"""What ``parse`` returns: answers, and each understood piece of the text."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..answers import Answers


class Finding(BaseModel):
    """One understood piece: ``text[start:end]`` says ``field`` is ``value``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str = Field(description="Dotted answer path, as in CONTRACT.md §2.")
    value: bool | int | float | str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    negated: bool = Field(False, description="Denied: 'no weakness'. The answer is false.")
    uncertain: bool = Field(
        False, description="Hedged: 'maybe a bit weaker?'. The answer stays unknown."
    )


class Parsed(BaseModel):
    """The answers the text gives (absent: unknown) and the findings behind them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    answers: Answers
    findings: list[Finding]
