from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from myoguide import Knowledge, load_knowledge

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def seed_texts(knowledge: Knowledge) -> dict[str, str]:
    """The seed documents' text by source id, read from ../shared/seeds/."""
    texts = {}
    for source in knowledge.sources:
        if source.type != "seed":
            continue
        assert source.file is not None
        path = SEEDS_DIR / source.file
        if not path.exists():
            if os.environ.get("CI"):
                pytest.fail(f"seed document {path} is missing in CI")
            pytest.skip(f"seed documents not present at {SEEDS_DIR}")
        texts[source.id] = normalise(path.read_text(encoding="utf-8"))
    return texts
