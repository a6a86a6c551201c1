"""The small words the reader's rules lean on, per language: who a text is about, how a
number or a time is said, what joins two amounts. The lay words for answers are data in the
lexicon files; these are the grammar around them, so a language is a lexicon and one entry here.
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Grammar:
    """Function words of one language, as the reader's rules use them."""

    spacy: str
    """spaCy's blank pipeline and medspaCy's ConText rules for the language."""
    weekdays: dict[str, int]
    months: dict[str, int]
    possessive: frozenset[str]
    """'my son': the words before a subject that make the text about them."""
    not_subject: frozenset[str]
    """'my dad had ALS': a relative's history, not the person written about."""
    third_person: frozenset[str]
    first_person: frozenset[str]
    number_fillers: frozenset[str]
    article: frozenset[str]
    """'a couple of': the article before a number word."""
    of: frozenset[str]
    counted_with_of: frozenset[str]
    range_words: frozenset[str]
    unit_fillers: frozenset[str]
    amount_joins: frozenset[str]
    per_week: str
    """A regular expression for 'a week' after an amount: the amount is weekly."""
    onset_before: frozenset[str]
    onset_after: frozenset[str]
    rate_before: frozenset[str]
    every: frozenset[str]
    pregnant: frozenset[str]
    short_units: frozenset[str]
    """Hours and minutes: said with 'ago' they date today."""
    ago_after: frozenset[str]
    ago_before: frozenset[str]
    relative_days: dict[str, int]
    """'yesterday': days ago said in one word."""
    weekday_before: frozenset[str]
    month_before: frozenset[str]
    negations: frozenset[str]
    """Words that deny inside a phrase ('can't swallow'): the phrase is read as written."""
    list_or: frozenset[str]
    new_time: frozenset[str]
    age_before: frozenset[str]
    age_years: frozenset[str]
    people: frozenset[str] = frozenset()
    """'una mujer de 45 años': words for a person whose years, said after, are an age."""
    years_say_age: bool = False
    """'tengo 34 años': years had, said without 'old', are an age."""
    fold_accents: bool = False
    """Match words without their accents: people often type 'parpado' for 'párpado'."""
    last_after: frozenset[str] = frozenset()
    """'la semana pasada', 'el martes pasado': the word after a unit or a day that makes it
    the last one."""
    this_before: frozenset[str] = frozenset()
    parts_of_day: frozenset[str] = frozenset()
    """'esta mañana': 'this' and a part of the day are today."""
    whole_phrases: frozenset[str] = frozenset()
    """Fields whose phrases, in this language, hold words that alone mean another answer."""


def fold(text: str) -> str:
    """Text without accents, letter for letter so that places in it stay: 'párpado' is
    'parpado'; 'ñ' stays, it is a letter of its own."""
    return "".join(_fold_letter(c) for c in text)


def _fold_letter(letter: str) -> str:
    if letter in "ñÑ":
        return letter
    bare = "".join(
        c for c in unicodedata.normalize("NFD", letter) if unicodedata.category(c) != "Mn"
    )
    return bare if len(bare) == 1 else letter


def _folded(grammar: Grammar) -> Grammar:
    """The grammar's words without accents, as the text it reads."""
    changes: dict[str, object] = {}
    for item in fields(grammar):
        value = getattr(grammar, item.name)
        if isinstance(value, frozenset):
            changes[item.name] = frozenset(fold(w) for w in value)
        elif isinstance(value, dict):
            changes[item.name] = {fold(k): v for k, v in value.items()}
    return replace(grammar, **changes)  # type: ignore[arg-type]


ENGLISH = Grammar(
    spacy="en",
    weekdays={name.lower(): i for i, name in enumerate(calendar.day_name)},
    months={name.lower(): i for i, name in enumerate(calendar.month_name) if name}
    | {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name},
    possessive=frozenset({"my", "our"}),
    not_subject=frozenset({"had", "died", "passed", "have"}),
    third_person=frozenset({"he", "she", "his", "her", "him", "hers", "himself", "herself"}),
    first_person=frozenset({"i", "me", "my", "mine", "myself"}),
    number_fillers=frozenset(
        {"about", "around", "roughly", "like", "maybe", "approx", "~", "only", "just"}
        | {"over", "nearly", "almost", "at", "least", "up", "to", "probably", "usually"}
    ),
    article=frozenset({"a", "an"}),
    of=frozenset({"of"}),
    counted_with_of=frozenset({"couple", "few"}),
    range_words=frozenset({"-", "–", "to", "or"}),
    unit_fillers=frozenset({"of", "big", "strong", "large", "small", "full", "black", "extra"}),
    amount_joins=frozenset(
        {"and", "plus", "+", "&", ",", "a", "day", "daily", "per", "each", "also"}
    ),
    per_week=r"\b(a|per|each|every) week\b",
    onset_before=frozenset(
        {"since", "from", "started", "start", "began", "begun", "for", "past", "last"}
        | {"over", "starting", "beginning", "been", "within"}
    ),
    onset_after=frozenset({"ago", "now", "already", "straight"}),
    rate_before=frozenset({"a", "per", "each"}),
    every=frozenset({"every"}),
    pregnant=frozenset({"pregnant"}),
    short_units=frozenset({"hour", "hours", "minutes", "mins"}),
    ago_after=frozenset({"ago"}),
    ago_before=frozenset(),
    relative_days={"yesterday": 1, "today": 0, "tonight": 0},
    weekday_before=frozenset({"since", "on", "from", "started", "began"}),
    month_before=frozenset({"in"}),
    negations=frozenset({"no", "not", "n't", "never", "cannot"}),
    list_or=frozenset({"or", "nor"}),
    new_time=frozenset({"now", "but", "then", "lately", "recently", "until"}),
    age_before=frozenset({"'m", "am", "is", "'s", "turned", "turning", "im", "m"}),
    age_years=frozenset({"year", "years", "yr", "yrs"}),
)

_ES_WEEKDAYS = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
_ES_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"]
_ES_MONTHS += ["septiembre", "octubre", "noviembre", "diciembre"]

# Written with accents; read, like the text, without them.
SPANISH = _folded(
    Grammar(
        spacy="es",
        weekdays={fold(name): i for i, name in enumerate(_ES_WEEKDAYS)},
        months={name: i + 1 for i, name in enumerate(_ES_MONTHS)} | {"setiembre": 9},
        possessive=frozenset({"mi", "mis", "nuestro", "nuestra", "nuestros", "nuestras"}),
        not_subject=frozenset({"tuvo", "murió", "falleció", "tenía", "padeció", "padecía"}),
        # Spanish leaves the person out and says it in the verb: "mi padre no puede hablar".
        # Not "él": without its accent it is the article "el".
        third_person=frozenset({"ella", "le", "les", "su", "sus", "puede", "tiene"})
        | frozenset({"está", "siente", "nota", "duerme", "toma", "camina", "habla", "anda"}),
        first_person=frozenset({"yo", "me", "mi", "mis", "conmigo", "tengo", "estoy", "noto"})
        | frozenset({"siento", "duermo", "tomo", "bebo", "llevo", "trabajo", "puedo"}),
        number_fillers=frozenset(
            {"unos", "unas", "como", "alrededor", "de", "más", "casi", "aprox", "sobre", "hasta"}
            | {"solo", "apenas", "al", "menos", "tipo", "por", "lo", "ya", "mínimo"}
        ),
        article=frozenset({"un", "una"}),
        of=frozenset({"de"}),
        counted_with_of=frozenset({"par", "poco", "pocos", "pocas"}),
        range_words=frozenset({"-", "–", "a", "o", "u"}),
        unit_fillers=frozenset({"de", "grandes", "cargados", "dobles", "solos", "negros", "bien"}),
        amount_joins=frozenset(
            {"y", "más", "+", "&", ",", "al", "a", "la", "el", "día", "diarios", "diarias"}
            | {"por", "cada", "también", "e"}
        ),
        per_week=r"\b(a la|por|cada|en la|la) semana\b|\bsemanales\b",
        onset_before=frozenset(
            {"desde", "hace", "durante", "llevo", "lleva", "llevamos", "llevas", "empezó"}
            | {"empezaron", "comenzó", "comenzaron", "últimos", "últimas", "empecé", "va", "van"}
        ),
        onset_after=frozenset({"ya", "seguidos", "seguidas"}),
        rate_before=frozenset({"por", "cada"}),
        every=frozenset({"cada"}),
        pregnant=frozenset({"embarazada", "embarazo"}),
        short_units=frozenset({"hora", "horas", "minutos", "min", "mins"}),
        ago_after=frozenset(),
        ago_before=frozenset({"hace"}),
        relative_days={"ayer": 1, "anoche": 1, "hoy": 0, "anteayer": 2, "antier": 2},
        weekday_before=frozenset({"desde", "el", "empezó", "comenzó"}),
        month_before=frozenset({"en", "desde", "principios", "finales", "mediados"}),
        negations=frozenset({"no", "nunca", "ni", "sin", "tampoco", "jamás"}),
        list_or=frozenset({"o", "ni", "u"}),
        new_time=frozenset({"ahora", "pero", "luego", "después", "últimamente", "recientemente"})
        | frozenset({"hasta"}),
        age_before=frozenset({"tengo", "tiene", "tienes", "cumplí", "cumplió", "cumplo", "cumple"})
        | frozenset({"con", "tenía"}),
        # "anos": "años" typed without its ñ.
        age_years=frozenset({"años", "anos", "añitos"}),
        people=frozenset({"mujer", "hombre", "chico", "chica", "señora", "señor", "varón"})
        | frozenset({"paciente", "persona", "chaval", "chavala", "muchacho", "muchacha"}),
        years_say_age=True,
        fold_accents=True,
        last_after=frozenset({"pasado", "pasada"}),
        this_before=frozenset({"esta", "este"}),
        parts_of_day=frozenset({"mañana", "manana", "tarde", "noche"}),
        # Spanish names a sign with words that alone mean more: "dolor de cabeza" is a
        # headache, not pain where the twitch is; "falta de aire", not a deficiency.
        whole_phrases=frozenset(
            {"medical.severe_headache", "medical.breathing_difficulty", "medical.dark_urine"}
        ),
    )
)

GRAMMARS = {"en": ENGLISH, "es": SPANISH}
"""Every language the reader reads: a lexicon file and a grammar each."""
