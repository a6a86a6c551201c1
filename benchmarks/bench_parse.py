"""Free text: how long parse() takes on a 100-word text, and how many questions a text saves.

The first call builds the pipeline (spaCy, medspaCy's ConText, the lexicon); later calls
reuse it. Goal: median under 20 ms after the first call, in English and in Spanish.
Then, for each vignette written in the person's own words, the interview after the text
against the interview from nothing, each question answered from the vignette's answers
("not sure" where it has none): the questions asked, and the triage against the full form's.
Run: .venv/bin/python benchmarks/bench_parse.py
"""

from __future__ import annotations

import copy
import statistics
import sys
import time
from datetime import date
from typing import Any

from _cases import vignette_texts
from myoguide import assess, next_question, parse
from myoguide.questionnaire import answer_at, set_answer

GOAL_MEDIAN_MS = 20.0
RUNS = 200
# The day the vignette texts' relative dates count back from (as in their test).
TODAY = date(2026, 12, 2)
TEXT = (
    "Hi, I'm a 45 year old woman and for the past three weeks the muscle in my left calf has "
    "been twitching on and off, mostly at night when I'm lying in bed. It doesn't hurt. I'm "
    "drinking about five cups of coffee a day and only sleeping 5 hours because work is mad "
    "and I'm stressed. No weakness that I can tell, no numbness, it hasn't spread. My dad had "
    "ALS so I'm terrified. I started atorvastatin in March. Maybe my grip is a bit weaker? "
    "Not sure. Swallowing and breathing are fine. I don't smoke and I drink 2 glasses of "
    "water a day."
)
# The same description as a person in Spain or Latin America would write it.
TEXT_ES = (
    "Hola, soy una mujer de 45 años y desde hace tres semanas me salta el músculo de la "
    "pantorrilla izquierda de vez en cuando, sobre todo por la noche cuando estoy en la cama. "
    "No me duele. Me tomo unos cinco cafés al día y duermo solo 5 horas porque el trabajo es "
    "una locura y estoy estresada. Sin debilidad que yo note, sin hormigueo, no se ha "
    "extendido. Mi padre tuvo ELA así que estoy aterrada. Empecé con atorvastatina en marzo. "
    "¿Puede que tenga la mano un poco más débil? No lo sé. Tragar y respirar, bien. No fumo y "
    "bebo 2 vasos de agua al día."
)


def interview(start: dict[str, Any], full: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The answers at the end, and the questions asked, each answered from ``full``."""
    answers, unknown, asked = copy.deepcopy(start), [], 0
    while (question := next_question(answers, unknown)) is not None:
        asked += 1
        value = answer_at(full, question.id)
        if value is None:
            unknown.append(question.id)
        else:
            set_answer(answers, question.id, value)
    return answers, asked


def questions_saved() -> bool:
    """Questions asked after the text against without it; True when every triage is the
    full form's."""
    texts = vignette_texts()
    with_text, without, same = [], [], 0
    for text, full in texts:
        start = parse(text, today=TODAY).answers.model_dump(mode="json", exclude_none=True)
        answers, asked = interview(start, full)
        with_text.append(asked)
        without.append(interview({}, full)[1])
        same += assess(answers).triage.level == assess(full).triage.level
    print(f"\ntext then interview, {len(texts)} vignettes written in the person's own words")
    print(
        f"  questions asked: mean {statistics.mean(with_text):.1f} after the text,"
        f" {statistics.mean(without):.1f} without it"
        f" (median {statistics.median(with_text):g} and {statistics.median(without):g})"
    )
    print(f"  triage as the full form's: {same}/{len(texts)}")
    return same == len(texts)


def timed(text: str, language: str) -> bool:
    """Print the first call's and the median time of parse() on ``text``; True when the
    median meets the goal."""
    start = time.perf_counter()
    parse(text, today=TODAY, language=language)
    first_ms = (time.perf_counter() - start) * 1000
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        parse(text, today=TODAY, language=language)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95)]
    print(f"parse() of a {len(text.split())}-word text, language {language}")
    print(f"  first call (loads spaCy, medspaCy, the lexicon): {first_ms:.0f} ms")
    print(f"  after it, {RUNS} runs: median {median:.2f} ms, p95 {p95:.2f} ms")
    ok = median < GOAL_MEDIAN_MS
    print(f"  goal median < {GOAL_MEDIAN_MS:.0f} ms: {'met' if ok else 'MISSED'}")
    return ok


def main() -> int:
    english = timed(TEXT, "en")
    spanish = timed(TEXT_ES, "es")
    same = questions_saved()
    return 0 if english and spanish and same else 1


if __name__ == "__main__":
    sys.exit(main())
