"""Spanish style across the whole product: the knowledge overlays and the catalogue's
sentences speak to the reader as «tú», call each thing by one name (the English says twitch,
spasm, cramp, tremor, jerk and stroke, and so does the Spanish, each in one way), pair ¿…? and
¡…!, keep every placeholder, and name both 112 and 911 wherever an emergency number is given;
and the diary's findings read naturally where a factor or a noun is put into a frame.

The overlays' {placeholders} are checked when the knowledge loads (knowledge/translation.py)
and the catalogue's {placeholders} in tests/test_i18n.py; the catalogue's %(name)s and {id!r}
ones, which neither check reads, are checked here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from myoguide import Knowledge, load_knowledge
from myoguide.diary.analysis import TriggerFinding, triggers_by_kind

from .diaries import caffeine_twitch_diary, day, episodes_on, many_factors_diary, pattern
from .test_i18n import english_sentences
from .test_knowledge_es import texts

CATALOGUE = Path(__file__).resolve().parents[1] / "src/myoguide/locale/es/LC_MESSAGES/myoguide.po"

Text = tuple[str, str, str]
"""Where a text is, its English, its Spanish."""


def _catalogue_texts() -> Iterator[Text]:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    for message in catalogue:
        # Lists of words a person may type (every way to say "twitch") are not prose.
        if not message.id or any("words a person may type" in c for c in message.auto_comments):
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for string in strings:
            yield f"myoguide.po: {ids[0]!r}", " ".join(ids), string


@pytest.fixture(scope="module")
def spanish() -> Knowledge:
    return load_knowledge(language="es")


@pytest.fixture(scope="module")
def every_text(spanish: Knowledge) -> list[Text]:
    """Every Spanish text people read: the knowledge overlays (845) and the catalogue."""
    overlays = [(f"es{path}", en, es) for path, en, es in texts(load_knowledge(), spanish)]
    return overlays + list(_catalogue_texts())


def _offenders(every_text: list[Text], pattern: re.Pattern[str]) -> list[str]:
    return [f"{where}: {es}" for where, _, es in every_text if pattern.search(es)]


# --- tú, never usted ------------------------------------------------------------------------

USTED = re.compile(
    r"\busted(es)?\b"
    # usted's commands where a sentence, a clause or a question begins
    r"|(^|[.:;!?¡¿(]\s*)(Tome|Beba|Evite|Pida|Llame|Vaya|Acuda|Haga|Descanse|Estire|Consulte"
    r"|Hable|Pregunte|Lea|Elija|Escriba|Pulse|Conteste|Responda|Marque|Deje|Guarde|Anote"
    r"|Siga|Busque|Mantenga|Póngase|Siéntese|Cuéntele|Ponga|Dígale|Compruebe|Cambie|Borre"
    r"|Descargue|Vuelva|Espere|Intente|Quite|Asegúrese|Tenga)\b"
    # a question put to the reader in the third person
    r"|¿\s*(puede|arrastra|nota|siente|toma|fuma|duerme|bebe|sabe|quiere|usa|está)\b"
    r"|\b(su médico|sus medicamentos|sus síntomas)\b",
    re.IGNORECASE | re.MULTILINE,
)


def test_spanish_speaks_to_the_reader_as_tu(every_text: list[Text]) -> None:
    """The FAST stroke test once asked «¿puede levantar los dos…?» and «¿arrastra…?»."""
    assert _offenders(every_text, USTED) == []


# --- one term per concept -------------------------------------------------------------------

GLOSSARY: dict[str, re.Pattern[str]] = {
    # stroke: «accidente cerebrovascular» (MedlinePlus), «(ictus)» only as its gloss
    "accidente cerebrovascular": re.compile(
        r"(?<!accidente cerebrovascular \()\bictus\b|derrame cerebral|embolia cerebral", re.I
    ),
    # ALS: «esclerosis lateral amiotrófica (ELA)»; «neurona motora» only beside «ELA»
    "esclerosis lateral amiotrófica (ELA)": re.compile(
        r"^(?!.*\bELA\b).*neurona motora", re.I | re.S
    ),
    # twitch: «sacudida»; «tic» is another thing, «fasciculación» only as a gloss
    "sacudida": re.compile(r"\btics?\b|contracciones? involuntarias?|(?<!\()fasciculaci", re.I),
    # cramp: «calambre» («rampa» only quoted, as the name it is also called)
    "calambre": re.compile(r"(?<!«)\brampas?\b|\bcontracturas?\b", re.I),
    # tetanus, rhabdomyolysis as MedlinePlus writes them
    "tétanos": re.compile(r"\btétano\b", re.I),
    "rabdomiólisis": re.compile(r"rabdomiolisis", re.I),
    # the product's own words
    "computadora": re.compile(r"\bordenador(es)?\b", re.I),
    "revisión (the check)": re.compile(r"\b(hacer la|una) consulta\b", re.I),
    # the terminal's command: «comando», as Spanish command lines say it («Comandos:»)
    "comando": re.compile(r"\b(la|una|esta|esa) orden\b|\bórdenes\b", re.I),
}


@pytest.mark.parametrize("term", GLOSSARY)
def test_one_term_per_concept(every_text: list[Text], term: str) -> None:
    offenders = [
        f"{where}: {es}"
        for where, _, es in every_text
        # a source's own title, and the other names a kind is also called, are as they are
        if not where.startswith("es.sources")
        and ".also_called" not in where
        and GLOSSARY[term].search(es)
    ]
    assert offenders == [], f"say «{term}»"


def test_tremor_is_not_a_twitch(every_text: list[Text]) -> None:
    """«Temblor» is tremor, a warning sign (and the free-text lexicon reads it so): a text
    about twitches says «vibración», never «temblor»; a seizure's jerks are «movimientos
    bruscos», never «sacudidas»."""
    tremor_in_twitch = [
        f"{where}: {es}"
        for where, _, es in every_text
        if re.search(r"\btemblor", es, re.I) and re.search(r"sacudid", es, re.I)
    ]
    jerks = [
        f"{where}: {es}"
        for where, en, es in every_text
        if re.search(r"\bjerk", en, re.I)
        and not re.search(r"twitch", en, re.I)
        and re.search(r"sacudid", es, re.I)
    ]
    assert (tremor_in_twitch, jerks) == ([], [])


def test_quotes_are_spanish(every_text: list[Text]) -> None:
    straight = [
        f"{where}: {es}"
        for where, _, es in every_text
        if not where.startswith("es.sources") and '"' in re.sub(r"<[^>]*>", "", es)
    ]
    assert straight == [], "quote with «…»"


def _quoted_phrases(text: str) -> list[str]:
    """Spanish words between straight quotes: what a person types or reads
    ('myoguide topics', '-', 'now') stays as code, a phrase is quoted «…»."""
    return [
        quoted
        for quoted in re.findall(r"'([^'\n]*)'", text)
        if " " in quoted and not re.match(r"myoguide\b|-|\{", quoted)
    ]


def test_a_phrase_is_quoted_with_spanish_quotes() -> None:
    """--today's help once read «hacia atrás 'desde el martes'»."""
    quoted = [f"{where}: {es}" for where, _, es in _catalogue_texts() if _quoted_phrases(es)]
    assert quoted == [], "quote with «…»"
    assert _quoted_phrases("'desde el martes'") and not _quoted_phrases("Usa 'myoguide topics'")
    assert not _quoted_phrases("usa AAAA-MM-DD, 'hoy' o 'ayer'; prueba '{command} {option}'")


GIVE = re.compile(
    r"\b(da|das|des) (--|al menos|ningún|la descripción|números|[A-Z]{3,}\b)|\bque (no )?des\b"
)


def test_an_option_is_used_and_a_value_written_not_given() -> None:
    """The English "give --db", "give numbers" is «usa --db», «escribe números», «indica un
    factor» in Spanish: «da --episodes» and «salvo que des DATE» read as translated."""
    given = [f"{where}: {es}" for where, _, es in _catalogue_texts() if GIVE.search(es)]
    assert given == []


# --- ¿…? and ¡…! ----------------------------------------------------------------------------


def _unpaired(text: str) -> bool:
    text = re.sub(r"\{[^{}]*\}", "x", text)  # "¿Querías decir {possibility}?"
    text = re.sub(r"<[^>]*>|https?://\S+", "", text)
    text = re.sub(r"(?<!\S)\?(?!\S)", "", text)  # a key to press: "escribe ? para…"
    for opening, closing in (("¿", "?"), ("¡", "!")):
        depth = 0
        for char in text:
            depth += (char == opening) - (char == closing)
            if depth < 0 or depth > 1:
                return True
        if depth:
            return True
    return False


def test_questions_and_exclamations_open_and_close(every_text: list[Text]) -> None:
    assert [f"{where}: {es}" for where, _, es in every_text if _unpaired(es)] == []


def test_the_pairing_check_finds_a_missing_mark() -> None:
    assert _unpaired("Qué tan fuerte?") and _unpaired("¡Llama ya.") and _unpaired("¿Sí? ¿No")
    assert not _unpaired("¿Sí? Escribe ? para ver por qué. {name!r}")


# --- placeholders ---------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{[^{}]*\}")


def test_the_catalogue_keeps_every_placeholder() -> None:
    """Including %(name)s and {id!r}, which tests/test_i18n.py's {\\w+} does not read."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    changed = []
    for message in catalogue:
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string,) if isinstance(message.string, str) else message.string
        english = [set(PLACEHOLDER.findall(text)) for text in ids]
        spanish = [set(PLACEHOLDER.findall(text)) for text in strings]
        # A plural's forms may each name a different value (click's "Did you mean
        # {possibility}?" and "(Did you mean one of: {possibilities}?)"): each Spanish form
        # names only values the English names, and the forms together name them all.
        every = set.union(*english)
        if set.union(*spanish) != every or any(not found <= every for found in spanish):
            changed.append(f"{ids[0]!r}: {strings}")
    assert changed == []


# --- emergencies ----------------------------------------------------------------------------


def test_every_emergency_number_is_112_and_911(every_text: list[Text]) -> None:
    """Wherever the English gives a number to call (999, 911, 112) the Spanish gives 112 and
    911, and wherever the Spanish gives one it gives both."""
    missing = [
        f"{where}: {es}"
        for where, en, es in every_text
        if (re.search(r"\b(999|911|112)\b", en) or re.search(r"\b(911|112)\b", es))
        and not ("112" in es and "911" in es)
    ]
    assert missing == []


def test_the_emergency_advice_names_112_and_911_and_says_now(spanish: Knowledge) -> None:
    emergency = spanish.meta.triage_levels["emergency"]
    for text in (emergency.action, spanish.meta.disclaimer):
        assert "112" in text and "911" in text
    assert re.search(r"\bahora\b", emergency.action) and "Llama" in emergency.action
    site = [es for _, en, es in _catalogue_texts() if en.startswith("Do not use this site")]
    assert site and all("llama ya al 112" in es and "911" in es for es in site)


# --- the diary's findings -------------------------------------------------------------------


def _findings(language: str, *, others: bool = False) -> list[TriggerFinding]:
    """A diary whose findings take many kinds of frame: caffeine logged on a pattern,
    stress filled in only on high days, nicotine never, two custom factors (yes/no and a
    number), twitches on the caffeine days and a few spasms; with `others`, the findings of
    two more diaries too (a trigger, and a range that leaves out 1 among many factors)."""
    flags = pattern(30, seed=5)
    days = [
        day(
            i,
            caffeine_cups=5 if flag else 1,
            stress=8 if i % 3 == 0 else None,
            custom={"café": flag, "siesta": float(i % 4)},
        )
        for i, flag in enumerate(flags)
    ]
    episodes = [e for i, flag in enumerate(flags) if flag for e in episodes_on(i, 2)]
    episodes += [e for i in range(0, 30, 7) for e in episodes_on(i, 1, kind="spasm")]
    found = [f for fs in triggers_by_kind(days, episodes, language=language).values() for f in fs]
    for diary in (caffeine_twitch_diary(), many_factors_diary()) if others else ():
        found += [f for fs in triggers_by_kind(*diary, language=language).values() for f in fs]
    return found


def test_a_factor_as_a_subject_takes_its_article_in_spanish() -> None:
    spanish = {(f.factor, f.kind): f.text for f in _findings("es")}
    english = {(f.factor, f.kind): f.text for f in _findings("en")}
    assert spanish["nicotine", "twitch"] == (
        "Todavía faltan datos: no has anotado la nicotina en ningún día."
    )
    assert english["nicotine", "twitch"] == (
        "Not enough data yet: nicotine has not been filled in on any logged day."
    )
    assert "entre la cafeína y tus sacudidas" in spanish["caffeine_cups", "twitch"]
    assert "días con «café»" in spanish["café", "spasm"]
    assert "entre tu factor «café» y tus espasmos" in spanish["café", "spasm"]
    assert "más «siesta» de lo habitual" in spanish["siesta", "twitch"]
    assert english["café", "spasm"].startswith("No clear link between café and your spasms")


AGREEMENT_SLIPS = re.compile(
    r"\b(sacudidas|espasmos|episodios) anotad[oa]s en los días con\b"
    r"|\bcon (la|el) \w+ rellenad[oa]\b|\bninguno en ninguno\b|\btodos fueron\b"
    r"|\bson muy pocos\b|\bveces los de otros\b|\bcon nicotina y\b|\bentre nicotina\b"
)


def test_spanish_findings_agree_whatever_the_noun_and_hold_no_english(spanish: Knowledge) -> None:
    """Twitches are feminine and spasms masculine in Spanish: a frame says neither «todos» nor
    «todas» of them. No finding is left in English."""
    found = _findings("es", others=True)
    assert {f.verdict for f in found} >= {"trigger", "no_clear_link", "not_enough_data"}
    assert [f.text for f in found if AGREEMENT_SLIPS.search(f.text)] == []
    assert [f.text for f in found if english_sentences(f.text, spanish)] == []
