"""How long the FHIR endpoints take against the JSON API, in the same run.

Every clinical vignette is posted in process (FastAPI's TestClient, no network) to
POST /api/v1/assessments as JSON, to POST /fhir/QuestionnaireResponse/$assess as a
QuestionnaireResponse, and, as an in-progress response, to POST /fhir/Questionnaire/$next-question;
the three requests of a vignette go one after the other, so load on the machine falls on all
three alike. Prints each one's median and the ratio of the FHIR ones to the JSON API's.
Run: .venv/bin/python benchmarks/bench_fhir.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from fastapi.testclient import TestClient

from _cases import vignette_answers
from myoguide import Answers, load_knowledge
from myoguide.fhir.response import to_response
from myoguide.web import create_app


def timed(client: TestClient, path: str, body: str, media_type: str) -> float:
    start = time.perf_counter()
    response = client.post(path, content=body, headers={"content-type": media_type})
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code} {response.text}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    knowledge = load_knowledge()
    cases = vignette_answers()
    answers = [Answers.model_validate(case) for case in cases]
    fhir = "application/fhir+json"
    requests = {
        "json": ("/api/v1/assessments", [json.dumps(case) for case in cases], "application/json"),
        "assess": (
            "/fhir/QuestionnaireResponse/$assess",
            [to_response(a, knowledge).model_dump_json() for a in answers],
            fhir,
        ),
        "next": (
            "/fhir/Questionnaire/$next-question",
            [to_response(a, knowledge, status="in-progress").model_dump_json() for a in answers],
            fhir,
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in requests}
    with TestClient(create_app()) as client:
        for path, bodies, media_type in requests.values():  # warm up: the models load lazily
            timed(client, path, bodies[0], media_type)
        for _ in range(options.rounds):
            for index in range(len(cases)):
                for name, (path, bodies, media_type) in requests.items():
                    times[name].append(timed(client, path, bodies[index], media_type))
    median = {name: statistics.median(values) * 1000 for name, values in times.items()}
    print(f"{len(cases)} vignettes x {options.rounds} rounds, in process, medians:")
    print(f"  POST /api/v1/assessments            {median['json']:6.2f} ms")
    print(
        f"  POST /fhir/QuestionnaireResponse/$assess {median['assess']:6.2f} ms"
        f"  ({median['assess'] / median['json']:.1f}x the JSON API)"
    )
    print(
        f"  POST /fhir/Questionnaire/$next-question  {median['next']:6.2f} ms"
        f"  ({median['next'] / median['json']:.1f}x the JSON API)"
    )


if __name__ == "__main__":
    main()
