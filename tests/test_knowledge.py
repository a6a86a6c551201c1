"""The knowledge base: valid, complete against the contract, and faithful to its sources."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from myoguide import Knowledge, load_knowledge
from myoguide.conditions import Condition
from myoguide.knowledge import KnowledgeError, data_dir

from .conftest import SEEDS_DIR, normalise
from .contract_ids import CARE_PLAN, FACTORS, REGIONS, RULE_OUTS

CONTRACT = (
    (SEEDS_DIR.parent / "spec" / "CONTRACT.md").read_text(encoding="utf-8")
    if (SEEDS_DIR.parent / "spec" / "CONTRACT.md").exists()
    else None
)


def all_citations(knowledge: Knowledge) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [("kinds", c) for c in knowledge.kinds.citations]
    groups = [
        knowledge.kinds.kinds,
        knowledge.regions,
        knowledge.factors,
        knowledge.rule_outs,
        knowledge.care_plan,
        knowledge.warning_signs,
    ]
    for group in groups:
        for entry in group:
            found += [(entry.id, c) for c in entry.citations]
    for topic in knowledge.topics:
        for section in topic.sections:
            found += [(topic.id, c) for c in section.citations]
    return found


def test_contract_ids_are_all_defined(knowledge: Knowledge) -> None:
    assert {r.id for r in knowledge.regions} == REGIONS
    assert {f.id for f in knowledge.factors} >= FACTORS
    assert {r.id for r in knowledge.rule_outs} == RULE_OUTS
    assert {c.id for c in knowledge.care_plan} >= CARE_PLAN


@pytest.mark.skipif(CONTRACT is None, reason="../shared/spec/CONTRACT.md is not present")
def test_id_lists_match_the_contract_text() -> None:
    assert CONTRACT is not None
    section = CONTRACT[CONTRACT.index("## 4. Identifiers") : CONTRACT.index("## 5. Sources")]
    for ids in (REGIONS, FACTORS, RULE_OUTS, CARE_PLAN):
        for identifier in ids:
            assert f"`{identifier}`" in section, identifier


def test_every_factor_is_complete(knowledge: Knowledge) -> None:
    care_ids = {c.id for c in knowledge.care_plan}
    for factor in knowledge.factors:
        assert factor.kinds and factor.regions, factor.id
        assert any(e.is_direct for e in factor.evidence), f"{factor.id} can never appear"
        assert set(factor.care_plan) <= care_ids
        if factor.id in FACTORS:
            assert any(c.quote for c in factor.citations), f"{factor.id} cites no seed excerpt"


def test_every_care_plan_item_is_reachable(knowledge: Knowledge) -> None:
    reachable = {c for f in knowledge.factors for c in f.care_plan}
    reachable |= {c for k in knowledge.kinds.kinds for c in k.care_plan}
    assert {c.id for c in knowledge.care_plan} == reachable


def test_every_rule_out_has_a_source_and_a_trigger(knowledge: Knowledge) -> None:
    for entry in knowledge.rule_outs:
        assert entry.triggers and entry.citations, entry.id


def test_warning_signs_cover_the_guidance(knowledge: Knowledge) -> None:
    read = {field for sign in knowledge.warning_signs for field in sign.when.fields()}
    for field in (
        "medical.weakness",
        "medical.muscle_wasting",
        "medical.spreading",
        "medical.speech_or_swallowing_difficulty",
        "medical.breathing_difficulty",
        "medical.calf_swelling_redness_warmth",
        "medical.dark_urine",
        "medical.fever",
        "history_days",
        "factors.medications",
    ):
        assert field in read, f"no warning sign reads {field}"
    levels = {sign.level for sign in knowledge.warning_signs}
    assert levels == {"see_doctor", "see_doctor_soon", "emergency"}


def test_every_warning_sign_cites_public_guidance(knowledge: Knowledge) -> None:
    guideline_ids = {s.id for s in knowledge.sources if s.type == "guideline"}
    for sign in knowledge.warning_signs:
        assert any(c.source in guideline_ids for c in sign.citations), sign.id


def test_warning_sign_questions_have_no_skip_rule(knowledge: Knowledge) -> None:
    medical_flags = {q.id for q in knowledge.questions.questions if q.id.startswith("medical.")} - {
        "medical.conditions",
        "medical.family_history",
    }
    flagged = {q.id for q in knowledge.questions.questions if q.warning_sign}
    assert flagged == medical_flags
    # Follow-up signs (when a sign began, a wound…) ask only the people they concern;
    # tests/test_safety.py checks that skipping one can never change the triage.
    follow_ups = {"medical.sign_onset", "medical.tingling_around_mouth", "medical.fluid_loss"}
    follow_ups.add("medical.recent_wound")
    for question in knowledge.questions.questions:
        if question.warning_sign:
            assert (question.ask_if is None) == (question.id not in follow_ups), question.id


def test_every_answer_field_has_a_question(knowledge: Knowledge) -> None:
    from myoguide.conditions import answer_paths

    asked = {q.id for q in knowledge.questions.questions}
    assert asked == set(answer_paths())
    for question in knowledge.questions.questions:
        assert question.help.strip(), question.id


def test_question_options_are_valid_answers(knowledge: Knowledge) -> None:
    from myoguide import Answers
    from myoguide.questionnaire import set_answer

    for question in knowledge.questions.questions:
        for option in question.options:
            answers: dict[str, Any] = {}
            value: Any = [option.value] if question.type == "multi" else option.value
            set_answer(answers, question.id, value)
            Answers.model_validate(answers)


def test_guideline_sources_have_https_urls(knowledge: Knowledge) -> None:
    for source in knowledge.sources:
        if source.type == "guideline":
            assert source.url and source.url.startswith("https://"), source.id


def test_every_source_is_cited(knowledge: Knowledge) -> None:
    """By an entry, or as the figure behind a question's prior (which the loader checks)."""
    cited = {c.source for _, c in all_citations(knowledge)}
    cited |= {q.prior_cites for q in knowledge.questions.questions if q.prior_cites}
    assert cited == {s.id for s in knowledge.sources}


def test_seed_quotes_occur_verbatim(knowledge: Knowledge, seed_texts: dict[str, str]) -> None:
    quotes = [(owner, c.source, c.quote) for owner, c in all_citations(knowledge) if c.quote]
    quotes += [("seed_facts", f.source, f.quote) for f in knowledge.seed_facts.facts]
    missing = [
        f"{owner}: {quote!r}"
        for owner, source, quote in quotes
        if normalise(quote) not in seed_texts[source]
    ]
    assert not missing, "quotes not found in their seed:\n" + "\n".join(missing)
    assert len(quotes) > 150


def test_every_seed_sentence_is_accounted_for(
    knowledge: Knowledge, seed_texts: dict[str, str]
) -> None:
    quotes: dict[str, list[str]] = {}
    for _, citation in all_citations(knowledge):
        if citation.quote:
            quotes.setdefault(citation.source, []).append(normalise(citation.quote))
    for fact in knowledge.seed_facts.facts:
        quotes.setdefault(fact.source, []).append(normalise(fact.quote))
    ignored: dict[str, list[str]] = {}
    for line in knowledge.seed_facts.not_facts:
        ignored.setdefault(line.source, []).append(normalise(line.text))
    source_files = {s.id: s.file for s in knowledge.sources if s.type == "seed"}
    uncovered = []
    for source, file_name in source_files.items():
        assert file_name is not None
        raw = (SEEDS_DIR / file_name).read_text(encoding="utf-8")
        for line in raw.splitlines():
            text = normalise(line.lstrip(" •"))
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                if len(sentence.split()) < 5:
                    continue
                if any(q in sentence or sentence in q for q in quotes.get(source, [])):
                    continue
                if any(i in sentence for i in ignored.get(source, [])):
                    continue
                uncovered.append(f"{source}: {sentence}")
    assert not uncovered, "seed sentences with no knowledge entry:\n" + "\n".join(uncovered)


def test_seed_facts_name_existing_entries(knowledge: Knowledge) -> None:
    ids = set(knowledge.entry_ids()) | {"kinds"}
    for fact in knowledge.seed_facts.facts:
        assert set(fact.used_by) <= ids, fact.quote


def test_no_product_is_promoted(knowledge: Knowledge) -> None:
    text = "\n".join(
        path.read_text(encoding="utf-8")
        for path in data_dir().glob("*.yaml")
        if path.name != "seed_facts.yaml"
    )
    assert "Tic Tamer" not in text
    assert "™" not in text
    assert "®" not in text


def test_text_shown_to_people_is_plain(knowledge: Knowledge) -> None:
    """Reading age about 12: short sentences, few long words (a rough readability check)."""
    texts = [e.summary for e in knowledge.factors + knowledge.care_plan]
    texts += [e.description for e in knowledge.factors + knowledge.care_plan]
    texts += [s.summary for s in knowledge.warning_signs]
    words = [w for t in texts for w in re.findall(r"[A-Za-z']+", t)]
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if s]
    assert len(words) / len(sentences) < 20
    long_words = [w for w in words if len(w) >= 12]
    assert len(long_words) / len(words) < 0.03


def test_knowledge_version_names_the_content(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    original = load_knowledge(directory=copy).version
    meta = copy / "meta.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_knowledge(directory=copy).version != original
    assert original.startswith(load_knowledge().meta.version + "+")


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        ("factors.yaml", lambda d: d[0]["care_plan"].append("no_such_item"), "no_such_item"),
        ("factors.yaml", lambda d: d[0]["citations"].append({"source": "nope"}), "nope"),
        (
            "factors.yaml",
            lambda d: d[0]["citations"].append({"source": "seed_000"}),
            "verbatim quote",
        ),
        (
            "warning_signs.yaml",
            lambda d: d[0].update(when={"field": "medical.not_a_field", "is": True}),
            "not_a_field",
        ),
        (
            "warning_signs.yaml",
            lambda d: d[0].update(when={"field": "pain", "in": ["agony"]}),
            "agony",
        ),
        ("warning_signs.yaml", lambda d: d[0].update(level="self_care"), "raise the triage"),
        ("regions.yaml", lambda d: d.append(dict(d[0])), "already"),
        ("meta.yaml", lambda d: d["triage_levels"].pop("emergency"), "emergency"),
        (
            "factors.yaml",
            lambda d: d[0]["evidence"].append(
                {
                    "when": {
                        "all": [
                            {"field": "factors.caffeine_cups_per_day", "gte": 3},
                            {"field": "factors.sleep_hours", "lt": 6},
                        ]
                    },
                    "weight": 1,
                    "why": "About {value} of them.",
                }
            ),
            "caffeine_cups_per_day and factors.sleep_hours",
        ),
        (
            "rule_outs.yaml",
            lambda d: d[0]["triggers"].append(
                {
                    "when": {"field": "history_days", "lte": 2, "if_unknown": True},
                    "why": "It started {value} days ago.",
                }
            ),
            "needs no number answered",
        ),
        (
            "kinds.yaml",
            lambda d: d["inference"][0].update(why="it does not hurt ({value})"),
            "needs no number answered",
        ),
        (
            "factors.yaml",
            lambda d: d[0]["evidence"][0].update(why="You have {cups} cups."),
            "only placeholder",
        ),
        ("kinds.yaml", lambda d: d.update(inferred="They point to a {kinds}."), "kinds inferred"),
    ],
    ids=[
        "unknown-care-item",
        "unknown-source",
        "seed-citation-without-quote",
        "unknown-answer-field",
        "invalid-answer-value",
        "warning-sign-that-does-not-escalate",
        "duplicate-id",
        "missing-triage-level",
        "value-of-two-numbers",
        "value-that-may-be-unknown",
        "value-of-no-number",
        "unknown-placeholder",
        "unknown-kind-template-name",
    ],
)
def test_broken_knowledge_is_rejected_with_a_clear_message(
    tmp_path: Path, file: str, edit: Any, message: str
) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    path = copy / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(directory=copy)


def test_malformed_yaml_names_the_file(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    (copy / "kinds.yaml").write_text("kinds: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"kinds\.yaml"):
        load_knowledge(directory=copy)


def test_condition_language_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Condition.model_validate({"field": "pain", "in": ["mild"], "is": True})
    with pytest.raises(ValueError, match="any_of needs a list"):
        Condition.model_validate({"field": "pain", "any_of": ["mild"]})
    with pytest.raises(ValueError, match="use any_of"):
        Condition.model_validate({"field": "locations", "in": ["calf"]})


def test_warning_sign_help_never_steers_to_not_sure(knowledge: Knowledge) -> None:
    """A "not sure" lands in the result's "Not checked" box, so no help text asks for one."""
    for question in knowledge.questions.questions:
        if question.warning_sign:
            assert "not sure" not in question.help.lower(), question.id


def test_an_empty_multi_choice_is_never_called_none(knowledge: Knowledge) -> None:
    """Blank means "not sure" everywhere; "none" is its own choice, and the help says so."""
    for question in knowledge.questions.questions:
        if question.type == "multi":
            help_text = question.help.lower()
            assert "leave empty if" not in help_text, question.id
            if "none" in help_text:
                assert '"none of these"' in help_text, question.id
            if "blank" in help_text:
                assert "not sure" in help_text, question.id
