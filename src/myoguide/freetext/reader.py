"""The reader behind ``parse``: spaCy's blank pipeline for the language, the knowledge base's
lexicon in that language through a PhraseMatcher, and medspaCy's ConText for negation,
hedging, family and history.

Nothing is downloaded: the pipeline is blank (no trained model) and ConText's rules ship
inside medspaCy (its Spanish file is empty in medspaCy 1.3, so the Spanish cues are all the
lexicon's). Built once per process and language, on the first call.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import spacy
from medspacy.context import ConText, ConTextGraph, ConTextModifier, ConTextRule
from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import compile_infix_regex, compile_suffix_regex, filter_spans

from ..answers import Answers
from ..knowledge import load_knowledge, load_lexicon
from ..knowledge.models import Lexicon, check_answer_value
from .grammar import Grammar, fold, reader_grammar
from .models import Finding, Parsed

GROUP = "myoguide"
FUZZY_MIN_LENGTH = 5
# ratio 85: one letter dropped or doubled in a word of 5+ letters; a changed letter needs 7+.
FUZZY_CUTOFF = 85
WARNING_GROUP = "medical."
CONDITIONS = "medical.conditions"
FAMILY_HISTORY = "medical.family_history"
# Categories of ConText that make a mention not a plain statement about the person now.
HEDGES = {"POSSIBLE_EXISTENCE", "HYPOTHETICAL"}
PAIN_ORDER = ["none", "mild", "moderate", "severe"]
# The most words a number takes: two fillers, "a couple of", "to", "a couple of" again.
NUMBER_WINDOW = 10
# Counts after a number that are not years of age: "I'm 3 times a day", "tengo 2 veces".
NOT_AGES = {"%", "times", "minutes", "mins", "hours", "pounds", "kg", "lbs", "veces", "minutos"}
NOT_AGES |= {"kilos", "horas"}
# Characters from a word's end where a suffix ("'s", "hrs", "...") can start: far more than any.
SUFFIX_WINDOW = 32
WEEKEND_BEFORE = {"since", "over", "at", "the", "desde", "el", "este"}
# Answers about what happened to the body now: a time said next to one is when it started.
SYMPTOMS = {"sensation", "locations"}
# Inside a phrase about a habit, an exposure or an illness ("stomach bug", "desk all day",
# "tingling around the mouth"), a shorter phrase is only part of it; inside any other
# ("swollen calf", "toes curl") it says something too.
WHOLE_PHRASES = {
    "medical.fluid_loss", "medical.tingling_around_mouth", "medical.recent_head_injury",
    "medical.recent_wound", "medical.conditions", "medical.family_history",
    "relieved_by_stretching",
}  # fmt: skip
# A time said right after these dates them, not the twitch: "HRT for two years".
DATED_ELSEWHERE = {
    "factors.medications", "factors.nicotine", "factors.known_deficiency",
    "medical.conditions", "medical.family_history", "medical.recent_head_injury",
    "medical.recent_wound", "medical.persists_despite_changes", "medical.fluid_loss",
}  # fmt: skip
# Amounts that add up when said one after another: "4 energy drinks and 3 coffees a day".
ADDS_UP = {"factors.caffeine_cups_per_day", "factors.water_glasses_per_day"}
SIGN_ONSET = "medical.sign_onset"
# The question's choices: today or the last 24 hours, the last 2 weeks, longer. "Since
# yesterday" is read as today: it may be within 24 hours, and the later choice would lower
# the triage of a stroke sign.
ONSET_TODAY_DAYS = 1
ONSET_DAYS_DAYS = 14
# The most cues ConText weighs together in one stretch of text (it compares every pair, and
# every cue with every mention): the test phrasings and vignettes hold 6 at most, while 800
# "maybe"s in one sentence took 1.5 s. Mentions among more are read unsure, never denied.
MAX_CUES = 40


@dataclass(frozen=True)
class _Reader:
    nlp: Language
    terms: PhraseMatcher
    near: Matcher
    context: ConText
    lexicon: Lexicon
    vocabulary: frozenset[str]
    long_words: tuple[str, ...]
    onset_signs: frozenset[str]
    """The warning signs whose start the sign-onset question asks about."""
    grammar: Grammar


@dataclass(frozen=True)
class _Mentions:
    """What is found once per text for reading each mention, not again for every one."""

    unread: set[tuple[int, int]]
    """Mentions (token start, end) among more cues than ConText weighs."""
    questions: set[int]
    """The first tokens of the sentences that are questions."""
    denied_ends: dict[tuple[int, int], int]
    """For each denial (token start, end): the earliest end of a mention after it or holding
    it."""


def read(text: str, today: date, language: str = "en") -> Parsed:
    reader = _reader(language)
    # Without accents, letter for letter: findings still point into the text as written.
    doc = reader.nlp.make_doc(fold(text) if reader.grammar.fold_accents else text)
    for token in doc:
        token.norm_ = _normal(reader, token.lower_)
    doc = reader.nlp.get_pipe("sentencizer")(doc)
    spans = _term_spans(reader, doc)
    other = _about_someone_else(reader, doc, spans)
    doc.spans[GROUP] = spans
    mentions = _Mentions(
        unread=_context(reader, doc),
        questions={sent.start for sent in doc.sents if sent.text.rstrip().endswith("?")},
        denied_ends=_denied_ends(doc),
    )
    read_terms = [
        (span, f) for span in doc.spans[GROUP] if (f := _finding(reader, span, other, mentions))
    ]
    findings = _not_vague(reader, read_terms)
    amounts = _amounts(reader, doc)
    findings = [f for f in findings if not _counts_an_amount(text, f, amounts)]
    findings += amounts
    findings += _ages(reader, doc)
    times = _times(reader, doc, today, findings)
    # "It happened 20 minutes ago" says when, not how long one lasts.
    findings = [
        f
        for f in findings
        if f.field != "episode_length"
        or not any(f.start < t.end and t.start < f.end for t in times)
    ]
    findings += _history(doc, times, findings, reader.onset_signs)
    findings += _sign_onset(reader, doc, times, findings)
    findings.sort(key=lambda f: (f.start, f.field))
    return Parsed(answers=_answers(findings), findings=findings)


@cache
def _reader(language: str) -> _Reader:
    grammar = reader_grammar(language)
    lexicon = load_lexicon(language)
    if grammar.fold_accents:
        lexicon = _folded(lexicon)
    nlp = spacy.blank(grammar.spacy)
    # "5hrs", "34yo", "3x", "(34F)" and "2–3" split into a number and what follows it.
    tokenizer: Any = nlp.tokenizer  # a compiled class without type information
    suffixes = [*(nlp.Defaults.suffixes or ()), r"(?<=[0-9])(?i:hrs|hr|h|yo|y/o|x|f|m|l|yrs)"]
    tokenizer.suffix_search = _near_the_end(compile_suffix_regex(suffixes))
    infixes = [*(nlp.Defaults.infixes or ()), r"(?<=[0-9])[-–—](?=[0-9])"]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", ";", "\n", "…"]})
    words = {w for term in lexicon.terms for phrase in term.say for w in _words(nlp, phrase)}
    words.update(w for term in lexicon.terms for group in term.near for w in group)
    for amount in lexicon.amounts:
        for phrase in [*amount.units, *amount.needs, *amount.none]:
            words.update(_words(nlp, phrase))
    words.update(lexicon.numbers, lexicon.durations, lexicon.subjects)
    words.update(grammar.weekdays, grammar.months, lexicon.real_words)
    long_words = tuple(sorted(w for w in words if len(w) >= FUZZY_MIN_LENGTH and w.isalpha()))
    reader = _Reader(
        nlp=nlp,
        terms=PhraseMatcher(nlp.vocab, attr="NORM"),
        near=Matcher(nlp.vocab),
        context=_context_rules(nlp, grammar.spacy, lexicon),
        lexicon=lexicon,
        vocabulary=frozenset(words),
        long_words=long_words,
        onset_signs=_onset_signs(),
        grammar=grammar,
    )
    for index, term in enumerate(lexicon.terms):
        if term.say:
            reader.terms.add(f"term{index}", [_pattern(reader, phrase) for phrase in term.say])
        if term.near:
            first, second = ({"NORM": {"IN": words}} for words in term.near)
            gap = {"IS_PUNCT": False, "OP": "{0,4}"}
            reader.near.add(f"term{index}", [[first, gap, second]])
    for index, amount in enumerate(lexicon.amounts):
        reader.terms.add(f"none{index}", [_pattern(reader, phrase) for phrase in amount.none])
    return reader


def _near_the_end(suffixes: re.Pattern[str]) -> Callable[[str], re.Match[str] | None]:
    """The suffix search over a word's last characters only: spaCy strips one suffix at a
    time, each search scanning the whole word, so 5000 emoji without a space took seconds."""

    def search(word: str) -> re.Match[str] | None:
        # The lookbehinds still see the characters before the start.
        return suffixes.search(word, max(len(word) - SUFFIX_WINDOW, 0))

    return search


def _onset_signs() -> frozenset[str]:
    knowledge = load_knowledge()
    (question,) = [q for q in knowledge.questions.questions if q.id == SIGN_ONSET]
    return frozenset(question.ask_if.fields() if question.ask_if else ())


# Parts of the lexicon that are ids and rules, not words of the text.
NOT_WORDS = {"field", "value", "unless", "category", "direction", "max_scope"}


def _folded(lexicon: Lexicon) -> Lexicon:
    """The lexicon's words without accents, as the text is read."""

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return fold(item)
        if isinstance(item, list):
            return [walk(x) for x in item]
        if isinstance(item, dict):
            return {
                (fold(k) if isinstance(k, str) else k): (v if k in NOT_WORDS else walk(v))
                for k, v in item.items()
            }
        return item

    return Lexicon.model_validate(walk(lexicon.model_dump()))


def _words(nlp: Language, phrase: str) -> list[str]:
    return [t.lower_ for t in nlp.make_doc(phrase)]


def _pattern(reader: _Reader, phrase: str) -> Doc:
    doc = reader.nlp.make_doc(phrase)
    for token in doc:
        token.norm_ = token.lower_
    return doc


def _context_rules(nlp: Language, language: str, lexicon: Lexicon) -> ConText:
    context = ConText(
        nlp,
        rules="default",
        language_code=language,
        input_span_type="group",
        span_group_name=GROUP,
        span_attrs=None,
    )
    # medspaCy's token matcher warns on every text when it has no rule, as when a language's
    # own rules are empty (Spanish): its one-word cues go to it, matched on the same words.
    tokens = not any(rule.pattern for rule in context.rules)
    context.add(
        [
            ConTextRule(
                cue.cue,
                cue.category,
                pattern=[{"LOWER": cue.cue}] if tokens and " " not in cue.cue else None,
                direction=cue.direction,
                max_scope=cue.max_scope,
            )
            for cue in lexicon.cues
        ]
    )
    return context


def _context(reader: _Reader, doc: Doc) -> set[tuple[int, int]]:
    """ConText as medspaCy runs it, but on each stretch of text where cues and mentions can
    reach one another, not on the whole text at once: the same modifiers, in less time.
    Returns the mentions (token start, end) in a stretch with more than MAX_CUES cues, left
    without modifiers."""
    context = reader.context
    # medspaCy keeps the matcher private; its rules and their ids are ConText's own.
    matcher = context._ConText__matcher
    modifiers = [
        ConTextModifier(
            matcher.rule_map[reader.nlp.vocab.strings[match_id]],
            start,
            end,
            doc,
            max_scope=context.max_scope,
        )
        for match_id, start, end in matcher(doc)
    ]
    # Cues meet one another, and mentions, only where medspaCy's tuple_overlaps finds their
    # scopes overlap: when the start or the last token of one lies inside the other. Scopes
    # only shrink, so stretches of text whose scopes (start and last token kept, even of an
    # empty scope) do not meet cannot change each other.
    items: list[tuple[int, int, int, ConTextModifier | Span]] = []
    for index, modifier in enumerate(modifiers):
        start, end = modifier.scope_span
        items.append((min(start, end - 1), max(start + 1, end), index, modifier))
    for index, span in enumerate(doc.spans[GROUP], start=len(modifiers)):
        items.append((span.start, span.end, index, span))
    items.sort(key=lambda item: (item[0], item[2]))
    stretches: list[list[tuple[int, int, int, ConTextModifier | Span]]] = []
    reach = 0
    for item in items:
        if not stretches or item[0] >= reach:
            stretches.append([])
        stretches[-1].append(item)
        reach = max(reach, item[1])
    unread: set[tuple[int, int]] = set()
    for stretch in stretches:
        stretch.sort(key=lambda item: item[2])
        cues = [item[3] for item in stretch if isinstance(item[3], ConTextModifier)]
        targets = [item[3] for item in stretch if isinstance(item[3], Span)]
        if not targets:
            continue
        if len(cues) > MAX_CUES:
            unread.update((span.start, span.end) for span in targets)
            continue
        graph = ConTextGraph(
            targets=targets,
            modifiers=cues,
            prune_on_modifier_overlap=context.prune_on_target_overlap,
        )
        graph.update_scopes()
        graph.apply_modifiers()
        for target, modifier in graph.edges:
            target._.modifiers += (modifier,)
    return unread


def _normal(reader: _Reader, word: str) -> str:
    """The lexicon's word this one stands for: itself, its singular, or a near spelling."""
    word = word.replace("’", "'")
    if word in reader.vocabulary:
        return word
    # "twitchin", "jumpin": the g dropped as people say it.
    if reader.grammar.spacy == "en" and word.endswith("in") and word + "g" in reader.vocabulary:
        return word + "g"
    for ending in ("es", "s"):
        if word.endswith(ending) and word[: -len(ending)] in reader.vocabulary:
            return word[: -len(ending)]
    if len(word) >= FUZZY_MIN_LENGTH and word.isalpha():
        match = process.extractOne(
            word, reader.long_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        # A slip keeps its first and last letter ("starting" is not "statin") and its length
        # within one letter ("picking" is not "panicking").
        if (
            match is not None
            and match[0][0] == word[0]
            and match[0][-1] == word[-1]
            and abs(len(match[0]) - len(word)) <= 1
        ):
            return str(match[0])
    return word


def _term_spans(reader: _Reader, doc: Doc) -> list[Span]:
    """Every lexicon match; within one field the longest wins ("swollen calf" over "calf"),
    while different fields may share words (location calf, and a swollen calf)."""
    by_field: dict[str, list[Span]] = {}
    matches = [*reader.terms(doc), *reader.near(doc)]
    for match_id, start, end in matches:
        key = reader.nlp.vocab.strings[match_id]
        if key.startswith("term"):
            field = reader.lexicon.terms[int(key[4:])].field
        else:
            field = "none:" + reader.lexicon.amounts[int(key[4:])].field
        by_field.setdefault(field, []).append(Span(doc, start, end, label=key))
    spans: list[Span] = []
    for field_spans in by_field.values():
        spans += filter_spans(field_spans)
    fields = {id(span): field for field, group in by_field.items() for span in group}
    # Whole phrases by where they start: one holding a span starts at most its length before it.
    wholes: dict[int, list[Span]] = {}
    for span in spans:
        if _whole_phrase(reader.grammar, fields[id(span)]):
            wholes.setdefault(span.start, []).append(span)
    longest = max((len(span) for span in spans), default=0)
    return sorted(
        (
            span
            for span in spans
            if not any(
                span.end <= outer.end and len(outer) > len(span)
                for start in range(max(0, span.end - longest), span.start + 1)
                for outer in wholes.get(start, ())
            )
        ),
        key=lambda s: (s.start, s.end),
    )


def _whole_phrase(grammar: Grammar, field: str) -> bool:
    return field in WHOLE_PHRASES | grammar.whole_phrases or (
        field.startswith("factors.") and field != "factors.muscle_fatigue"
    )


def _about_someone_else(reader: _Reader, doc: Doc, spans: list[Span]) -> str | None:
    """The person a text is about when it is not the writer: "my dad is 72, his arm cramps",
    or "my son gets leg cramps" (a symptom and no I). "My brother has muscular dystrophy"
    alone is family history."""
    subjects = set(reader.lexicon.subjects)
    symptom = any(
        span.label_.startswith("term")
        and reader.lexicon.terms[int(span.label_[4:])].field == "sensation"
        for span in spans
    )
    # How many third- and first-person words follow each token: counted once, not per subject.
    third_after, first_after = [0] * (len(doc) + 1), [0] * (len(doc) + 1)
    for token in reversed(doc):
        third_after[token.i] = third_after[token.i + 1] + (
            token.lower_ in reader.grammar.third_person
        )
        first_after[token.i] = first_after[token.i + 1] + (
            token.lower_ in reader.grammar.first_person
        )
    for token in doc:
        if token.lower_ not in subjects:
            continue
        before = doc[max(0, token.i - 4) : token.i]
        if token.i > 0 and not any(t.lower_ in reader.grammar.possessive for t in before):
            continue
        after = [t.lower_ for t in doc[token.i + 1 : token.i + 5]]
        if any(word in reader.grammar.not_subject for word in after[:2]):
            continue
        third, first = third_after[token.i + 1], first_after[token.i + 1]
        if (third and third >= first) or (symptom and not first):
            return token.lower_
    return None


def _negated_inside(grammar: Grammar, span: Span) -> bool:
    """A phrase that carries its own negation ("doesn't hurt", "can't swallow") is read as
    written; a cue inside it does not deny it."""
    return any(t.lower_ in grammar.negations for t in span)


def _categories(grammar: Grammar, span: Span, other: str | None) -> set[str]:
    categories = set()
    for modifier in span._.modifiers:
        start, end = modifier.modifier_span
        if start >= span.start and end <= span.end:
            continue
        if not _same_clause(grammar, span, start, end):
            continue
        if modifier.category == "FAMILY" and other and other in span.doc[start:end].text.lower():
            continue
        categories.add(modifier.category)
    return categories


def _same_clause(grammar: Grammar, span: Span, start: int, end: int) -> bool:
    """A cue reaches a mention in its own sentence, and past a comma only in a list that goes
    on with "or" ("no weakness, numbness or cramps"): "hasn't spread, on statins" is two."""
    sent = span.sent
    if start < sent.start or end > sent.end:
        return False
    between = span.doc[min(end, span.start) : max(start, span.end)]
    if not any(t.text == "," for t in between):
        return True
    return any(t.lower_ in grammar.list_or for t in span.doc[end : sent.end])


def _denied_ends(doc: Doc) -> dict[tuple[int, int], int]:
    """For each denial, the earliest end of a mention after it or holding it: whether a
    mention stands between a denial and a place, found once per denial, not per place."""
    spans = sorted(doc.spans[GROUP], key=lambda s: s.start)
    starts = [span.start for span in spans]
    # The earliest end among the mentions from each one on (by start).
    first_end = [len(doc) + 1] * (len(spans) + 1)
    for i in range(len(spans) - 1, -1, -1):
        first_end[i] = min(first_end[i + 1], spans[i].end)
    longest = max((len(span) for span in spans), default=0)
    ends: dict[tuple[int, int], int] = {}
    for span in spans:
        for modifier in span._.modifiers:
            cue = modifier.modifier_span
            if modifier.category != "NEGATED_EXISTENCE" or cue in ends:
                continue
            start, end = cue
            after = first_end[bisect_left(starts, end)]
            low = bisect_left(starts, end - longest)
            high = bisect_right(starts, start)
            holding = [s.end for s in spans[low:high] if s.start <= start and end <= s.end]
            ends[cue] = min([after, *holding])
    return ends


def _denies_another(span: Span, denied_ends: dict[tuple[int, int], int]) -> bool:
    """In "no redness in the calf" the denial is of the redness, and in "can't control my
    fingers" part of a phrase: the calf, the fingers are still the place."""
    return any(
        modifier.category == "NEGATED_EXISTENCE"
        and modifier.modifier_span[1] <= span.start
        and denied_ends[modifier.modifier_span] <= span.start
        for modifier in span._.modifiers
    )


def _finding(
    reader: _Reader,
    span: Span,
    other: str | None,
    mentions: _Mentions,
) -> Finding | None:
    key = span.label_
    if key.startswith("none"):
        return None
    term = reader.lexicon.terms[int(key[4:])]
    if (span.start, span.end) in mentions.unread:
        # Among too many cues to weigh: a warning sign is asked again, anything else unknown.
        if not term.field.startswith(WARNING_GROUP):
            return None
        return Finding(
            field=term.field,
            value=term.value,
            start=span.start_char,
            end=span.end_char,
            uncertain=True,
        )
    categories = _categories(reader.grammar, span, other)
    if _negated_inside(reader.grammar, span) or (
        term.field == "locations" and _denies_another(span, mentions.denied_ends)
    ):
        categories.discard("NEGATED_EXISTENCE")
    field, value = term.field, term.value
    negated = "NEGATED_EXISTENCE" in categories
    # Doubt matters for what a doctor acts on; "is it normal to have a twitch?" still says
    # there is a twitch.
    uncertain = field.startswith(WARNING_GROUP) and (
        bool(categories & HEDGES) or span.sent.start in mentions.questions
    )
    if "FAMILY" in categories and field == FAMILY_HISTORY:
        # "SMA runs in the family", "my cousin has spinal muscular atrophy": said of family.
        pass
    elif "FAMILY" in categories and field.startswith(WARNING_GROUP) and field != CONDITIONS:
        # "My mum says I'm slurring": whose sign it is may be misread, so it is asked, not lost.
        uncertain = True
    elif "FAMILY" in categories:
        if field != CONDITIONS or negated or uncertain:
            return None
        try:
            check_answer_value(FAMILY_HISTORY, value)
        except ValueError:
            return None
        field = FAMILY_HISTORY
    elif "HISTORICAL" in categories and not field.startswith(WARNING_GROUP):
        return None
    if negated and not isinstance(value, bool):
        return None
    if negated:
        value = not value
    return Finding(
        field=field,
        value=value,
        start=span.start_char,
        end=span.end_char,
        negated=negated,
        uncertain=uncertain,
    )


def _not_vague(reader: _Reader, read_terms: list[tuple[Span, Finding]]) -> list[Finding]:
    """The findings, less a vague word's when a precise one of the same field is read too:
    "thighs agony, legs weak" is the thigh, not the calf."""
    values = {(f.field, f.value) for _, f in read_terms if not f.negated and not f.uncertain}
    kept = []
    for span, finding in read_terms:
        term = reader.lexicon.terms[int(span.label_[4:])]
        if not any((finding.field, other) in values for other in term.unless):
            kept.append(finding)
    return kept


def _number(reader: _Reader, tokens: list[Token]) -> tuple[float, int] | None:
    """A number said in words or digits at the start of ``tokens``, with how many tokens it
    took. A range ("2-3", "two or three") counts as its midpoint: the single best guess."""
    words = reader.lexicon.numbers
    grammar = reader.grammar

    def one(i: int) -> tuple[float, int] | None:
        if i >= len(tokens):
            return None
        word = tokens[i].lower_
        if word in grammar.article and i + 1 < len(tokens) and tokens[i + 1].lower_ in words:
            inner = one(i + 1)
            if inner is not None and tokens[i + 1].lower_ not in grammar.article:
                taken = inner[1] + 1
                if i + taken < len(tokens) and tokens[i + taken].lower_ in grammar.of:
                    taken += 1
                return inner[0], taken
        if re.fullmatch(r"\d+(\.\d+)?", word):
            return float(word), 1
        if word in words:
            taken = 1
            if (
                i + 1 < len(tokens)
                and tokens[i + 1].lower_ in grammar.of
                and word in grammar.counted_with_of
            ):
                taken = 2
            return words[word], taken
        return None

    for skip in range(0, min(3, len(tokens))):
        if skip and tokens[skip - 1].lower_ not in grammar.number_fillers:
            break
        first = one(skip)
        if first is None:
            continue
        i = skip + first[1]
        if i + 1 < len(tokens) and tokens[i].lower_ in grammar.range_words:
            second = one(i + 1)
            if second is not None and second[0] > first[0]:
                return (first[0] + second[0]) / 2, i + 1 + second[1]
        return first[0], i
    return None


def _amounts(reader: _Reader, doc: Doc) -> list[Finding]:
    """Counted answers: "six coffees a day", "2-3 cups of tea", "5 hours sleep", and "no
    coffee" as zero."""
    found: dict[str, Finding] = {}
    for span in doc.spans[GROUP]:
        if span.label_.startswith("none"):
            amount = reader.lexicon.amounts[int(span.label_[4:])]
            categories = _categories(reader.grammar, span, None)
            if categories & {"NEGATED_EXISTENCE", "HISTORICAL"} and not categories & HEDGES:
                found.setdefault(amount.field, _zero(amount.field, span))
    for sent in doc.sents:
        tokens = list(sent)
        sentence_words = {t.norm_ for t in tokens}
        sentence_text = " ".join(t.norm_ for t in tokens)
        i = 0
        while i < len(tokens):
            number = _number(reader, tokens[i : i + NUMBER_WINDOW])
            if number is None:
                i += 1
                continue
            value, taken = number
            window = tokens[i + taken : i + taken + 5]
            hit = _unit(reader, window, sentence_words, sentence_text)
            if hit is not None:
                field, per_unit, unit_end = hit
                rest = " ".join(t.lower_ for t in window[unit_end : unit_end + 4])
                total = value * per_unit
                if re.search(reader.grammar.per_week, rest):
                    total /= 7
                start, end = tokens[i], window[unit_end - 1]
                before = found.get(field)
                joins = _joins(reader, field)
                if before is not None and _adds_to(doc.text, before, joins, start.idx):
                    total += before.value if isinstance(before.value, float) else 0.0
                    start_at = before.start
                elif before is not None:
                    i += taken
                    continue
                else:
                    start_at = start.idx
                found[field] = Finding(
                    field=field,
                    value=round(total * 2) / 2,
                    start=start_at,
                    end=end.idx + len(end),
                )
            i += taken
    return list(found.values())


def _joins(reader: _Reader, field: str) -> frozenset[str]:
    """The words that may stand between two amounts of ``field`` that add up: "and", and
    what is drunk ("2 cups of tea and 3 coffees"). None for an amount that does not add up."""
    if field not in ADDS_UP:
        return frozenset()
    (amount,) = [a for a in reader.lexicon.amounts if a.field == field]
    words = {w for phrase in [*amount.units, *amount.needs] for w in phrase.split()}
    return frozenset(reader.grammar.amount_joins | reader.grammar.unit_fillers | words)


def _adds_to(text: str, before: Finding, joins: frozenset[str], at: int) -> bool:
    """A second amount of a drink said straight after the first adds to it: "4 energy drinks
    and 3 coffees a day"; a denial ("no coffee") or a distant one ("used to have 6") does not."""
    if not joins or before.negated or before.end > at:
        return False
    between = re.findall(r"[^\W\d_]+|[^\s\w]|\d+", text[before.end : at].lower())
    return len(between) <= 6 and all(word in joins for word in between)


def _counts_an_amount(text: str, finding: Finding, amounts: list[Finding]) -> bool:
    """How often one drinks ("six cups of tea daily", "5 hours a night") is not how often or
    when it twitches."""
    return finding.field in {"frequency", "when"} and any(
        0 <= finding.start - a.end <= 20 and "," not in text[a.end : finding.start] for a in amounts
    )


def _zero(field: str, span: Span) -> Finding:
    return Finding(field=field, value=0.0, start=span.start_char, end=span.end_char, negated=True)


def _unit(
    reader: _Reader, window: list[Token], sentence_words: set[str], sentence_text: str
) -> tuple[str, float, int] | None:
    """The amount whose unit follows a number, and the sentence names what is counted."""
    for amount in reader.lexicon.amounts:
        for size in (3, 2, 1):
            for skip in (0, 1):
                if skip + size > len(window):
                    continue
                said = " ".join(t.norm_ for t in window[skip : skip + size])
                if skip and window[0].lower_ not in reader.grammar.unit_fillers:
                    continue
                if said in amount.units and (
                    not amount.needs
                    or any(
                        (n in sentence_words) or (" " in n and n in sentence_text)
                        for n in amount.needs
                    )
                ):
                    return amount.field, amount.units[said], skip + size
    return None


def _ages(reader: _Reader, doc: Doc) -> list[Finding]:
    """ "I'm 34", "34-year-old", "(34F)", "aged 72", "my dad is 72"."""
    grammar = reader.grammar
    durations = set(reader.lexicon.durations)
    units = {u for a in reader.lexicon.amounts for u in a.units} | {"weeks", "week", "months"}
    for token in doc:
        # "8)" is one token: spaCy keeps it whole as a smiley.
        digits = re.fullmatch(r"(\d{1,3})(\)?)", token.text)
        if digits is None or not 0 < int(digits[1]) <= 110:
            continue
        age = int(digits[1])
        before = [t.lower_ for t in doc[max(0, token.i - 2) : token.i]]
        after = [t.lower_ for t in doc[token.i + 1 : token.i + 5]]
        nxt = after[0] if after else ""
        years = bool(grammar.age_years & set(after[:2]))
        said = years and "old" in after[:4]
        # "Corredora, 45 años", "45 años, mujer": years said on their own are an age.
        said |= (
            grammar.years_say_age
            and nxt in grammar.age_years
            and (not before or before[-1] in {",", "("})
        )
        said |= nxt in {"yo", "y/o", "f", "m"} or (before[-1:] in (["aged"], ["age"], ["age:"]))
        said |= before[-1:] in (["edad"], ["edad:"])
        # "mi hijo de 8 años": years of a person named just before.
        said |= (
            grammar.years_say_age
            and before[-1:] == ["de"]
            and (before[0] in reader.lexicon.subjects or before[0] in grammar.people)
            and nxt in grammar.age_years
        )
        said |= (
            bool(before)
            and before[-1] in grammar.age_before
            and (
                (grammar.years_say_age and nxt in grammar.age_years)
                or (
                    nxt not in durations
                    and nxt not in units
                    and nxt not in NOT_AGES
                    and "weeks" not in after[:2]
                )
            )
        )
        closed = nxt in {",", ")"} or bool(digits[2])
        said |= before[-1:] in ([","], ["("]) and closed and token.i <= 6
        if said:
            end = doc[token.i + 1] if nxt in {"yo", "y/o", "f", "m"} else token
            stop = token.idx + len(digits[1]) if digits[2] else end.idx + len(end)
            return [Finding(field="age", value=age, start=token.idx, end=stop)]
    return []


@dataclass(frozen=True)
class _Time:
    """A time said in the text: how many days ago, and where (characters; tokens)."""

    days: int
    start: int
    end: int
    first: int
    last: int


def _times(reader: _Reader, doc: Doc, today: date, findings: list[Finding]) -> list[_Time]:
    """Every "how many days ago" in the text: "for three weeks", "since last Tuesday",
    "started in March", "yesterday", "hace tres semanas", "desde el martes". A month alone
    counts from its 15th; a weekday is the last one before today ("last" one a week earlier
    when that was yesterday)."""
    durations = reader.lexicon.durations
    grammar = reader.grammar
    last = grammar.last_after
    times: list[_Time] = []
    for sent in doc.sents:
        tokens = list(sent)
        words = [t.lower_ for t in tokens]
        for i, token in enumerate(tokens):
            if times and token.i <= times[-1].last:
                continue
            word = words[i]
            before = set(words[max(0, i - 4) : i])
            following = words[i + 1] if i + 1 < len(words) else ""
            days: int | None = None
            span_end = i + 1
            window = tokens[i : i + NUMBER_WINDOW]
            number = _number(reader, window) if word not in {"last", "past"} else None
            if number is not None:
                unit_at = i + number[1]
                unit = words[unit_at] if unit_at < len(words) else ""
                after = words[unit_at + 1 : unit_at + 3]
                ago_after = bool(after) and after[0] in grammar.ago_after
                if unit in grammar.short_units and (
                    ago_after or grammar.ago_before & set(words[max(0, i - 2) : i])
                ):
                    days, span_end = 0, unit_at + 1 + ago_after
                elif (
                    unit in durations
                    # "every 3 days" is how often; "every day for 3 days" is since when.
                    and not grammar.every & set(words[max(0, i - 2) : i])
                    and not grammar.pregnant & set(after)
                ):
                    onset = (
                        bool(before & grammar.onset_before)
                        or bool((grammar.onset_after | grammar.ago_after) & set(after))
                        or _right_after_symptom(token, findings)
                    )
                    if onset and not grammar.rate_before & set(words[i - 1 : i]):
                        days = round(number[0] * durations[unit])
                        span_end = unit_at + 1 + ago_after
            elif word in {"last", "past", "this"} and i + 1 < len(words):
                unit = words[i + 1]
                if unit in durations and before & grammar.onset_before | {"the"} and word != "this":
                    days, span_end = durations[unit], i + 2
                elif unit in grammar.weekdays:
                    days = _since_weekday(today, grammar.weekdays[unit])
                    # Said of yesterday one says "yesterday": "last Tuesday" is a week earlier.
                    days, span_end = (days + 7 if days == 1 else days), i + 2
                elif word == "last" and unit == "night":
                    days, span_end = 1, i + 2
                elif word == "this" and unit in {"morning", "afternoon", "evening"}:
                    days, span_end = 0, i + 2
            elif word in durations and following in last:
                # "la semana pasada", "el mes pasado".
                days, span_end = durations[word], i + 2
            elif word in grammar.this_before and following in grammar.parts_of_day:
                days, span_end = 0, i + 2
            elif word in grammar.weekdays and (
                before & grammar.weekday_before or following in last
            ):
                days = _since_weekday(today, grammar.weekdays[word])
                if following in last:
                    days, span_end = (days + 7 if days == 1 else days), i + 2
            elif (
                word in grammar.months
                and before & (grammar.onset_before | grammar.month_before)
                and (len(word) > 3 or token.text[0].isupper())
            ):
                days = _since_month(today, grammar.months[word])
            elif word in grammar.relative_days:
                days = grammar.relative_days[word]
            elif word in {"weekend", "finde"} and before & WEEKEND_BEFORE:
                days = _since_weekday(today, 5)
            if days is not None:
                end = tokens[span_end - 1]
                times.append(_Time(days, token.idx, end.idx + len(end), token.i, end.i))
    return times


def _history(
    doc: Doc, times: list[_Time], findings: list[Finding], signs: frozenset[str]
) -> list[Finding]:
    """How many days ago the twitch or cramp started: the first time said of it, not of a
    medicine or an injury, nor of a warning sign alone ("face drooped an hour ago")."""
    for time in times:
        if _about_something_else(doc.text, time.start, findings):
            continue
        nearest = _nearest(doc, time, findings)
        if (
            nearest is not None
            and nearest.field in signs
            and not _symptom_in_sentence(doc, time, findings)
        ):
            continue
        return [Finding(field="history_days", value=time.days, start=time.start, end=time.end)]
    return []


def _sign_onset(
    reader: _Reader, doc: Doc, times: list[_Time], findings: list[Finding]
) -> list[Finding]:
    """When a warning sign began, only from a time said of it: "the weakness started this
    morning", "slurred since yesterday", "for a few weeks my grip has got weaker". Of two
    signs dated, the newer counts: a face that drooped today is a stroke sign whatever
    began weeks ago."""
    dated = [time for time in times if _dated_sign(reader, doc, time, times, findings)]
    if not dated:
        return []
    time = min(dated, key=lambda t: t.days)
    if time.days <= ONSET_TODAY_DAYS:
        value = "today"
    elif time.days <= ONSET_DAYS_DAYS:
        value = "days"
    else:
        value = "weeks"
    return [Finding(field=SIGN_ONSET, value=value, start=time.start, end=time.end)]


def _dated_sign(
    reader: _Reader, doc: Doc, time: _Time, times: list[_Time], findings: list[Finding]
) -> bool:
    """Whether the answer nearest to a time is a warning sign stated yes, with no new time
    between them ("for 2 months and now I'm weak"), and no twitch said before it in the
    sentence that the time would date ("twitching in my tongue for 3 months"; but "twitching
    for 2 months, and over the last month weaker" dates the weakness)."""
    finding = _nearest(doc, time, findings)
    if (
        finding is None
        or finding.field not in reader.onset_signs
        or finding.value is not True
        or finding.uncertain
    ):
        return False
    sent = doc[time.first].sent
    for symptom in findings:
        if (
            symptom.field == "sensation"
            and sent.start_char <= symptom.start < time.start
            and not any(symptom.end <= t.start and t.end <= time.start for t in times)
        ):
            return False
    between = doc.text[min(finding.end, time.end) : max(finding.start, time.start)].lower()
    return not reader.grammar.new_time & set(re.findall(r"[^\W\d_]+", between))


def _nearest(doc: Doc, time: _Time, findings: list[Finding]) -> Finding | None:
    """The answer said nearest to a time in its sentence, places, ages, other times and the
    time's own words aside."""
    sent = doc[time.first].sent
    nearest: tuple[int, Finding] | None = None
    for finding in findings:
        if (
            finding.field in {"locations", "age", "history_days"}
            or not sent.start_char <= finding.start < sent.end_char
            or (finding.start < time.end and time.start < finding.end)
        ):
            continue
        gap = max(finding.start - time.end, time.start - finding.end)
        if nearest is None or gap < nearest[0]:
            nearest = (gap, finding)
    return None if nearest is None else nearest[1]


def _symptom_in_sentence(doc: Doc, time: _Time, findings: list[Finding]) -> bool:
    sent = doc[time.first].sent
    return any(
        f.field == "sensation" and sent.start_char <= f.start < sent.end_char for f in findings
    )


def _about_something_else(text: str, at: int, findings: list[Finding]) -> bool:
    """A time said right after a medicine, an injury or a habit dates that, not the twitch:
    "HRT for two years", "banged my head last week"."""
    before = [
        f
        for f in findings
        if f.end <= at and not re.search(r"[,.;!?\n]", text[f.end : at]) and f.field != "age"
    ]
    if not before:
        return False
    return max(before, key=lambda f: f.end).field in DATED_ELSEWHERE


def _right_after_symptom(token: Token, findings: list[Finding]) -> bool:
    """'twitching calves 3 months': a time straight after what it dates."""
    return any(f.field in SYMPTOMS and 0 <= token.idx - f.end <= 2 for f in findings)


def _since_weekday(today: date, weekday: int) -> int:
    return (today.weekday() - weekday - 1) % 7 + 1


def _since_month(today: date, month: int) -> int:
    year = today.year if month <= today.month else today.year - 1
    start = min(date(year, month, 15), today)
    return (today - start).days


def _answers(findings: list[Finding]) -> Answers:
    """Findings into answers. For a yes-or-no answer a stated yes wins over everything, a
    hedge over a denial: a warning sign is never guessed away."""
    values: dict[str, Any] = {}
    hedged: set[str] = set()
    for finding in findings:
        if finding.uncertain:
            hedged.add(finding.field)
    for finding in findings:
        field, value = finding.field, finding.value
        if finding.uncertain:
            continue
        held = check_answer_value(field, value)
        if isinstance(held, list):
            current = values.setdefault(field, [])
            if value not in current:
                current.append(value)
        elif isinstance(value, bool):
            if value or field not in hedged:
                values[field] = values.get(field, False) or value
        elif field == "sensation" and values.get(field, value) != value:
            values[field] = "both"
        elif field == "pain" and field in values:
            values[field] = max(values[field], value, key=PAIN_ORDER.index)
        else:
            values.setdefault(field, value)
    for field in hedged:
        if values.get(field) is False:
            del values[field]
    nested: dict[str, Any] = {}
    for field, value in values.items():
        *groups, name = field.split(".")
        target = nested
        for group in groups:
            target = target.setdefault(group, {})
        target[name] = value
    return Answers.model_validate(nested)
