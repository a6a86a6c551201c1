"""What a warning sign noted with a diary episode means, and which signs a diary holds.

An episode with a warning sign gets the check's own triage, run on what the episode knows:
its kind as the sensation, its places, its length, and each noted sign as a yes. Everything
else stays unknown, never "no", so nothing the diary leaves out can lower the level. Pure
functions over the engine: nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import get_args

from pydantic import BaseModel, ConfigDict

from ..answers import Answers, EpisodeLength, Medical, Sensation
from ..assessment import TriageLevel, TriageReason
from ..engine import Engine, default_engine
from ..i18n import N_
from .models import DiaryKind, EpisodeIn, WarningSign

__all__ = [
    "SIGN_NAMES",
    "WARNING_SIGNS",
    "EpisodeTriage",
    "ReportedSign",
    "episode_answers",
    "episode_triage",
    "reported_signs",
    "sign_names",
]

WARNING_SIGNS: tuple[WarningSign, ...] = get_args(WarningSign)

# What a person reads, in a form, a list or a report. The knowledge base asks each sign as a
# question (questions.yaml); these are the same signs as short names.
SIGN_NAMES: dict[WarningSign, str] = {
    "weakness": N_("Muscle weakness"),
    "muscle_wasting": N_("A muscle looks thinner"),
    "spreading": N_("Twitching has spread to new places"),
    "speech_or_swallowing_difficulty": N_("Trouble speaking or swallowing"),
    "breathing_difficulty": N_("Trouble breathing"),
    "loss_of_voluntary_control": N_("Losing control of a muscle"),
    "numbness_or_tingling": N_("Numbness or tingling"),
    "calf_swelling_redness_warmth": N_("A swollen, red or warm calf"),
    "dark_urine": N_("Dark urine"),
    "recent_head_injury": N_("A recent head injury"),
    "tremor_or_rigidity": N_("Shaking, or stiff and slow movement"),
    "fever": N_("Fever"),
    "severe_headache": N_("A severe headache"),
}

# The person chose the word; the contract's sensation says the same thing in its own terms.
_SENSATION: dict[DiaryKind, Sensation] = {"twitch": "jumping", "spasm": "cramping"}


class EpisodeTriage(BaseModel):
    """What to do about an episode that came with a warning sign: the check's triage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: TriageLevel
    label: str
    action: str
    reasons: tuple[TriageReason, ...]
    signs: tuple[WarningSign, ...]
    knowledge_version: str


@dataclass(frozen=True, slots=True)
class ReportedSign:
    """One warning sign in a diary: on how many episodes, and the first and last day."""

    sign: WarningSign
    name: str
    episodes: int
    first: dt.date
    last: dt.date


def sign_names(signs: Iterable[WarningSign]) -> list[str]:
    return [SIGN_NAMES[sign] for sign in signs]


def episode_answers(episode: EpisodeIn) -> Answers:
    """The check's answers that an episode gives: only what it knows; the rest is unknown."""
    medical = Medical.model_validate(dict.fromkeys(episode.warning_signs, True))
    return Answers(
        sensation=_SENSATION[episode.kind],
        locations=list(episode.regions),
        episode_length=_episode_length(episode.duration_s),
        medical=medical,
    )


def episode_triage(episode: EpisodeIn, engine: Engine | None = None) -> EpisodeTriage | None:
    """The check's triage of what an episode tells, or None when that is plain self-care
    and no warning sign was noted, so that an everyday episode raises no alarm.

    An episode can need a doctor without a noted sign (a cramp in the chest, a cramp that
    lasts over 10 minutes): the same rules as the check decide, on what the episode knows."""
    engine = engine or default_engine()
    result = engine.assess(episode_answers(episode))
    level = result.triage.level
    if level == "self_care" and not episode.warning_signs:
        return None
    return EpisodeTriage(
        level=level,
        label=engine.knowledge.meta.triage_levels[level].label,
        action=result.triage.action,
        reasons=result.triage.reasons,
        signs=tuple(episode.warning_signs),
        knowledge_version=result.knowledge_version,
    )


def reported_signs(episodes: Iterable[EpisodeIn]) -> list[ReportedSign]:
    """Every warning sign noted in these episodes, the most often noted first. Days are the
    episode's own local dates."""
    seen: dict[WarningSign, list[dt.date]] = {}
    for episode in episodes:
        for sign in episode.warning_signs:
            seen.setdefault(sign, []).append(episode.at.date())
    found = [
        ReportedSign(sign, SIGN_NAMES[sign], len(dates), min(dates), max(dates))
        for sign, dates in seen.items()
    ]
    found.sort(key=lambda item: (-item.episodes, WARNING_SIGNS.index(item.sign)))
    return found


def _episode_length(seconds: int | None) -> EpisodeLength | None:
    """The contract's length of an episode, from the seconds logged."""
    if seconds is None:
        return None
    if seconds < 60:
        return "seconds"
    if seconds <= 10 * 60:
        return "minutes"
    if seconds < 3600:
        return "over_10_minutes"
    return "hours"
