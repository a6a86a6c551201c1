"""The knowledge base in Spanish (and any other overlay in data/<language>/): a complete
overlay on the English files, validated on load, with the same ids, rules and weights, and
no English left in what people read."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from myoguide import Knowledge, load_knowledge
from myoguide.engine import Engine
from myoguide.knowledge import KnowledgeError, data_dir, languages

from .test_vignettes import CASES

SAME_IN_BOTH = {"Meningitis", "Diabetes"}
"""Texts that are spelled the same in English and Spanish."""

ENGLISH_STOP_WORDS = frozenset(
    "the and of to is are you your with for it its on that this be or not have an at by "
    "from if do does can will when what how which they their was were been should would could "
    "into than then there about after before more most some any all one".split()
)
"""Common English words that are not also Spanish words."""

PROPER_NAMES = ("NHS 111", "Lou Gehrig", "FAST", "Every Mind Matters", "Epilepsy Foundation")
"""Names that stay as they are in any language."""


@pytest.fixture(scope="module")
def english() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def spanish() -> Knowledge:
    return load_knowledge(language="es")


@pytest.fixture(scope="module", params=[code for code in languages() if code != "en"])
def translated(request: pytest.FixtureRequest) -> Knowledge:
    """Each translation: the checks that hold for any language run on every overlay."""
    return load_knowledge(language=request.param)


def texts(english: Any, spanish: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """Every translatable text of the two knowledge bases, side by side: (path, en, es)."""
    if isinstance(english, BaseModel):
        declared = getattr(type(english), "translatable", ())
        for name in type(english).model_fields:
            en, es = getattr(english, name), getattr(spanish, name)
            if name in declared and en is not None:
                yield from _flat(en, es, f"{path}.{name}")
            else:
                yield from texts(en, es, f"{path}.{name}")
    elif isinstance(english, list | tuple):
        for index, (en, es) in enumerate(zip(english, spanish, strict=True)):
            yield from texts(en, es, f"{path}[{index}]")
    elif isinstance(english, dict):
        for key in english:
            yield from texts(english[key], spanish[key], f"{path}.{key}")


def _flat(english: Any, spanish: Any, path: str) -> Iterator[tuple[str, str, str]]:
    if isinstance(english, str):
        yield path, english, spanish
    elif isinstance(english, dict):
        for key in english:
            yield from _flat(english[key], spanish[key], f"{path}.{key}")
    else:
        for index, (en, es) in enumerate(zip(english, spanish, strict=True)):
            yield from _flat(en, es, f"{path}[{index}]")


def language_free(value: Any) -> Any:
    """The knowledge with every translatable text, and each source's page, taken out."""
    if isinstance(value, BaseModel):
        model = type(value)
        dropped = {*getattr(model, "translatable", ()), *getattr(model, "own_page", ())}
        return {
            name: language_free(getattr(value, name))
            for name in model.model_fields
            if name not in dropped
        }
    if isinstance(value, list | tuple):
        return [language_free(item) for item in value]
    if isinstance(value, dict):
        return {key: language_free(item) for key, item in value.items()}
    return value


def test_each_translation_loads_and_says_which_language(
    english: Knowledge, translated: Knowledge
) -> None:
    assert english.language == "en" and languages()[0] == "en"
    assert translated.language in languages()[1:]
    assert load_knowledge(language=translated.language) is translated, "cached per language"
    assert translated.meta.version == english.meta.version
    assert translated.version.startswith(translated.meta.version + "+")
    assert translated.version != english.version, "the version names the translated text too"
    assert translated.english_version == english.version


def test_spanish_is_one_of_the_languages(spanish: Knowledge) -> None:
    assert spanish.language == "es" and "es" in languages()


def test_every_text_has_its_translation(english: Knowledge, translated: Knowledge) -> None:
    pairs = list(texts(english, translated))
    assert len(pairs) > 800
    untranslated = [(path, en) for path, en, es in pairs if en == es and en not in SAME_IN_BOTH]
    assert not untranslated
    assert all(es.strip() for _, _, es in pairs)


def test_ids_rules_and_weights_are_the_same(english: Knowledge, translated: Knowledge) -> None:
    en, es = language_free(english), language_free(translated)
    for name in ("version", "language"):
        del en[name], es[name]
    assert en == es


def test_seed_quotes_stay_verbatim_and_are_marked_english(
    english: Knowledge, translated: Knowledge
) -> None:
    assert translated.seed_facts == english.seed_facts
    for source in translated.sources:
        if source.type == "seed":
            assert source.language == "en"
            assert source.title == english.source(source.id).title
    quoted = [(o, c) for o, c in _citations(translated) if c.quote]
    assert quoted and all(translated.source(c.source).language == "en" for _, c in quoted)


def test_a_translation_keeps_a_source_or_gives_its_own_page_whole(
    english: Knowledge, translated: Knowledge
) -> None:
    """A source is the English page, or a page in the translation's language (title, https
    address and language given together): never a page in a third language."""
    for source in translated.sources:
        original = english.source(source.id)
        if source.language == "en":
            assert (source.url, source.title) == (original.url, original.title), source.id
        else:
            assert source.language == translated.language, source.id
            assert source.type == "guideline" and source.url != original.url, source.id
            assert source.url and source.url.startswith("https://"), source.id


def test_spanish_pages_replace_english_ones_only_where_they_exist(
    english: Knowledge, spanish: Knowledge
) -> None:
    moved = {s.id: s for s in spanish.sources if s.language == "es"}
    assert set(moved) >= {"medlineplus_cramps", "medlineplus_twitching"}
    for source in spanish.sources:
        original = english.source(source.id)
        if source.id in moved:
            article = r"https://medlineplus\.gov/ency/article/(\d{6})\.htm"
            number = re.fullmatch(article, original.url or "")
            assert number, "only MedlinePlus articles have a known Spanish address"
            assert source.url == f"https://medlineplus.gov/spanish/ency/article/{number[1]}.htm"
        else:
            assert (source.url, source.title, source.language) == (
                original.url,
                original.title,
                "en",
            )


def test_emergency_text_names_112_and_911(english: Knowledge, translated: Knowledge) -> None:
    for path, en, es in texts(english, translated):
        if re.search(r"\b(999|911|112)\b", en):
            assert "112" in es and "911" in es, path
    assert "112" in translated.meta.triage_levels["emergency"].action


def test_no_english_sentence_is_left(english: Knowledge, translated: Knowledge) -> None:
    found = []
    for path, _, es in texts(english, translated):
        for name in PROPER_NAMES:
            es = es.replace(name, "")
        for sentence in re.split(r"(?<=[.!?:;])\s+", es):
            words = re.findall(r"[^\W\d_]+", sentence.lower())
            stop = [w for w in words if w in ENGLISH_STOP_WORDS]
            if len(stop) >= 2 or (words and len(stop) / len(words) > 0.2):
                found.append((path, sentence))
    assert not found


def test_the_check_finds_english(english: Knowledge) -> None:
    """The stop-word check above is not vacuous: it flags the English texts themselves."""
    flagged = [
        en
        for _, en, _ in texts(english, english)
        if len([w for w in re.findall(r"[a-z]+", en.lower()) if w in ENGLISH_STOP_WORDS]) >= 2
    ]
    assert len(flagged) > 400


def test_translations_are_plain(translated: Knowledge) -> None:
    """Reading age about 12, as in English: short sentences, few very long words (Spanish
    words run longer, so a long word here is 14 letters or more)."""
    texts_ = [e.summary for e in translated.factors + translated.care_plan]
    texts_ += [e.description for e in translated.factors + translated.care_plan]
    texts_ += [s.summary for s in translated.warning_signs]
    words = [w for t in texts_ for w in re.findall(r"[^\W\d_]+", t)]
    sentences = [s for t in texts_ for s in re.split(r"(?<=[.!?])\s+", t) if s]
    assert len(words) / len(sentences) < 20
    long_words = [w for w in words if len(w) >= 14]
    assert len(long_words) / len(words) < 0.01


@pytest.fixture(scope="module")
def engines(english: Knowledge, translated: Knowledge) -> tuple[Engine, Engine]:
    return Engine(english), Engine(translated)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_assessments_agree_across_languages(
    case: dict[str, Any], engines: tuple[Engine, Engine], translated: Knowledge
) -> None:
    en, es = (engine.assess(case["answers"]) for engine in engines)
    assert es.kind == en.kind
    assert es.triage.level == en.triage.level
    assert [r.id for r in es.triage.reasons] == [r.id for r in en.triage.reasons]
    assert [(f.id, f.score) for f in es.factors] == [(f.id, f.score) for f in en.factors]
    assert [r.id for r in es.rule_out] == [r.id for r in en.rule_out]
    assert [c.id for c in es.care_plan] == [c.id for c in en.care_plan]
    assert [s.id for s in es.sources] == [s.id for s in en.sources]
    assert es.triage.action.startswith(translated.meta.triage_levels[es.triage.level].action)
    assert es.disclaimer == translated.meta.disclaimer
    cited = [*es.sources, *(s for f in es.factors for s in f.sources)]
    assert all(s.language == "en" for s in cited if s.quote), "a seed quote is marked English"
    assert all(s.language == translated.source(s.id).language for s in cited)


# --- validation on load ---------------------------------------------------------------------


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def edit(copy: Path, name: str, change: Any) -> None:
    path = copy / "es" / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def rejected(copy: Path, *needles: str) -> str:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(copy, language="es")
    message = str(caught.value)
    for needle in needles:
        assert needle in message
    return message


def test_a_copy_loads(copy: Path) -> None:
    assert load_knowledge(copy, language="es").regions[0].name == "Párpado"


def test_a_missing_text_is_named(copy: Path) -> None:
    edit(copy, "regions.yaml", lambda d: d["eyelid"].pop("summary"))
    rejected(copy, "es/regions.yaml: eyelid.summary: missing")


def test_a_missing_entry_is_named(copy: Path) -> None:
    edit(copy, "care_plan.yaml", lambda d: d.pop("massage"))
    rejected(copy, "es/care_plan.yaml: massage: missing")


def test_a_missing_option_is_named(copy: Path) -> None:
    edit(copy, "questions.yaml", lambda d: d["questions"]["pain"]["options"].pop("severe"))
    rejected(copy, "es/questions.yaml: questions.pain.options.severe: missing")


def test_an_unknown_id_is_named(copy: Path) -> None:
    edit(copy, "factors.yaml", lambda d: d.update(coffee=d["caffeine"]))
    rejected(copy, "es/factors.yaml: coffee: no such entry in the English file")


def test_an_extra_field_is_named(copy: Path) -> None:
    edit(copy, "regions.yaml", lambda d: d["eyelid"].update(colour="rojo"))
    rejected(copy, "es/regions.yaml: eyelid.colour: no such field")


def test_a_rule_cannot_be_translated(copy: Path) -> None:
    edit(copy, "factors.yaml", lambda d: d["caffeine"].update(prior=9.0))
    edit(copy, "regions.yaml", lambda d: d["eyelid"].update(kinds=["spasm"]))
    rejected(
        copy,
        "es/factors.yaml: caffeine.prior: is not translatable",
        "es/regions.yaml: eyelid.kinds: is not translatable",
    )


def test_an_empty_text_is_named(copy: Path) -> None:
    edit(copy, "warning_signs.yaml", lambda d: d["weakness"].update(summary=" "))
    edit(copy, "kinds.yaml", lambda d: d["sensation"].update(unsure=""))
    rejected(
        copy,
        "es/warning_signs.yaml: weakness.summary: empty text",
        "es/kinds.yaml: sensation.unsure: empty text",
    )


def test_reasons_are_as_many_as_in_english(copy: Path) -> None:
    edit(copy, "factors.yaml", lambda d: d["caffeine"]["evidence"].pop())
    rejected(copy, "es/factors.yaml: caffeine.evidence: has 4 items, the English has 5")


def test_an_empty_reason_is_named_by_its_place(copy: Path) -> None:
    edit(copy, "factors.yaml", lambda d: d["caffeine"]["evidence"][2].update(why=""))
    rejected(copy, "es/factors.yaml: caffeine.evidence[2].why: empty text")


def test_a_lost_placeholder_is_named(copy: Path) -> None:
    edit(copy, "factors.yaml", lambda d: d["caffeine"]["evidence"][0].update(why="Mucho café."))
    rejected(copy, "es/factors.yaml: caffeine.evidence[0].why: should keep the English placeholder")


def test_a_source_page_comes_whole_and_in_its_language(copy: Path) -> None:
    edit(copy, "sources.yaml", lambda d: d["nhs_dvt"].update(url="https://www.nhs.uk/es/"))
    edit(copy, "sources.yaml", lambda d: d["medlineplus_cramps"].update(language="fr"))
    rejected(
        copy,
        "es/sources.yaml: nhs_dvt: title, url, language go together",
        "es/sources.yaml: medlineplus_cramps.language: should be 'es'",
    )


def test_a_missing_overlay_file_is_named(copy: Path) -> None:
    (copy / "es" / "topics.yaml").unlink()
    rejected(copy, "es/topics.yaml")


def test_an_overlay_for_a_file_without_text_is_refused(copy: Path) -> None:
    (copy / "es" / "seed_facts.yaml").write_text("facts: []\n", encoding="utf-8")
    rejected(copy, "es/seed_facts.yaml: seed_facts.yaml has no text to translate")


def test_every_problem_is_reported_at_once(copy: Path) -> None:
    edit(copy, "regions.yaml", lambda d: d["eyelid"].pop("summary"))
    edit(copy, "topics.yaml", lambda d: d["what_helps"]["sections"][0].update(heading=""))
    message = rejected(copy, "eyelid.summary", "what_helps.sections[0].heading")
    assert message.count("\n") >= 2


def test_an_unknown_language_is_refused() -> None:
    there_is = re.escape(", ".join(languages()))
    with pytest.raises(
        KnowledgeError, match=rf"no knowledge in language 'xx' \(there is: {there_is}\)"
    ):
        load_knowledge(language="xx")


def _citations(knowledge: Knowledge) -> Iterator[tuple[str, Any]]:
    for entry in knowledge.entry_ids():
        item = knowledge.entry(entry)
        for citation in getattr(item, "citations", []):
            yield entry, citation
        for section in getattr(item, "sections", []):
            for citation in section.citations:
                yield entry, citation


def test_text_the_english_leaves_out_is_refused(copy: Path) -> None:
    edit(copy, "care_plan.yaml", lambda d: d["massage"].update(for_children="Con cuidado."))
    edit(copy, "warning_signs.yaml", lambda d: d["weakness"].update(advice=[{"text": "Ve."}]))
    rejected(
        copy,
        "es/care_plan.yaml: massage.for_children: not in the English file",
        "es/warning_signs.yaml: weakness.advice: not in the English file",
    )
