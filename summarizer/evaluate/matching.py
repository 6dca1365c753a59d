"""Scoring: items of one article matched one to one with gold items, counted per type.

See the package docstring (summarizer.evaluate) for the matching rules."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from summarizer.evaluate.loading import EvalInputError, Json

STATEMENT_CONTENT_THRESHOLD = 0.5
"""Minimum content token F1 (inclusive) for a predicted statement to match a gold one."""

ALLEGATION_CLAIM_THRESHOLD = 0.3
"""Minimum claim token F1 (inclusive) for a predicted allegation to match a gold one.

Lower than for statements because a claim is a paraphrase more often than a quotation."""


# --------------------------------------------------------------------------- tokens and F1

QUOTE_MARKS = frozenset("\"'“”«»„‟‘’‚‛‹›`´′″「」『』〝〞＂＇")
"""Quotation marks and apostrophes: dropped, so `“words”` and `words` score the same."""

_WORD_SEPARATORS = frozenset("/\\|")
"""Characters that separate words although they are not dashes, like "and/or"."""


def _is_separator(char: str) -> bool:
    """Dashes and slashes become spaces: news prints "ceremony—but" with no space around it."""
    return char in _WORD_SEPARATORS or unicodedata.category(char) == "Pd"


def _is_dropped(char: str) -> bool:
    """Quotation marks and any other punctuation vanish without splitting the word ("U.S.")."""
    return char in QUOTE_MARKS or char in string.punctuation or unicodedata.category(char).startswith("P")


def tokens(text: str | None) -> list[str]:
    """Split text into the lower-cased words that token F1 compares.

    Quotation marks and punctuation are deleted ("U.S." -> "us", "Clinton's" -> "clintons",
    "5,000" -> "5000") so the same words typed with different punctuation still match; dashes
    and slashes turn into spaces ("well-known" -> "well", "known") because they join words
    that news text also writes apart.
    """
    if not text:
        return []
    chars: list[str] = []
    for char in text.lower():
        if _is_separator(char):
            chars.append(" ")
        elif not _is_dropped(char):
            chars.append(char)
    return "".join(chars).split()


def token_f1(predicted: str | None, gold: str | None) -> float:
    """F1 of the two texts' token multisets (Counter intersection), from 0.0 to 1.0.

    Two texts without any token count as identical (1.0): nothing tells them apart. A text
    without tokens against one with tokens scores 0.0.
    """
    return _bag_f1(_bag(predicted), _bag(gold))


def _bag(text: str | None) -> Counter[str]:
    """The token multiset of a text, computed once per item when matching many pairs."""
    return Counter(tokens(text))


def _bag_f1(predicted: Counter[str], gold: Counter[str]) -> float:
    """Token F1 of two token multisets (see `token_f1`)."""
    total = predicted.total() + gold.total()
    if total == 0:
        return 1.0
    common = (predicted & gold).total()
    # 2PR/(P+R) with P = common/|pred| and R = common/|gold|, in the form that keeps
    # round thresholds exact in floating point (2 shared of 2+2 tokens is exactly 0.5).
    return 2 * common / total


# --------------------------------------------------------------------------- names

TITLE_WORDS = frozenset(
    {
        # honorifics
        "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "rev",
        "reverend", "sheikh", "sheik", "excellency", "highness", "majesty",
        # royalty and religion
        "king", "queen", "prince", "princess", "crown", "emir", "sultan", "pope",
        # offices and ranks
        "president", "presidential", "vice", "elect", "prime", "minister", "premier",
        "secretary", "general", "state", "chancellor", "senator", "sen",
        "rep", "representative", "congressman", "congresswoman", "lawmaker", "gov",
        "governor", "mayor", "speaker", "house", "senate", "leader", "majority", "minority",
        "chairman", "chairwoman", "chairperson", "chair", "chief", "executive", "ceo",
        "director", "head", "spokesman", "spokeswoman", "spokesperson", "spokesmen",
        "spokeswomen", "press", "foreign", "defense", "defence", "interior", "finance",
        "affairs", "deputy", "acting", "former", "ex", "ambassador", "envoy", "commissioner",
        "attorney", "judge", "justice", "candidate", "nominee", "adviser", "advisor", "aide",
        "commander", "gen", "lt", "col", "capt", "sgt", "adm", "admiral", "colonel",
        "lieutenant", "captain", "sergeant", "mp",
        # institutions named only by what they are
        "un", "eu", "department", "ministry", "office", "administration",
        "government", "campaign", "committee", "party",
        # party and nationality adjectives that qualify a title ("Chinese President")
        "democratic", "democrat", "republican", "gop", "american", "chinese", "egyptian",
        "russian", "british", "french", "german", "israeli", "palestinian", "iranian",
        "iraqi", "syrian", "turkish", "japanese", "indian", "pakistani", "afghan", "saudi",
        "mexican", "ukrainian", "european", "african", "korean", "north", "south",
    }
)  # fmt: skip
"""Words that describe a role rather than name someone: sharing only these is no agreement.

Hyphenated titles need no entry of their own ("secretary-general", "vice-president"): names are
split at hyphens and each part is a title word.

It holds honorifics, offices and ranks, nouns that stand for an unnamed institution ("the
department", "the campaign") and the party or nationality adjectives that qualify a title, so
"Chinese President Xi" and "Chinese Premier Li" share nothing that names either of them."""

STOP_WORDS = frozenset(
    {
        "the", "a", "an", "of", "and", "or", "for", "in", "on", "to", "at", "by", "with",
        "from", "as", "de", "del", "della", "da", "di", "du", "des", "la", "le", "van",
        "von", "der", "den", "al", "el", "bin", "ibn", "abu", "jr", "sr", "ii", "iii",
        "he", "she", "it", "they", "we", "i", "you", "him", "her", "his", "hers", "its",
        "their", "them", "our", "us", "who", "which", "that", "this", "these", "those",
    }
)  # fmt: skip
"""Function words, name particles ("al-Sissi", "de Blasio"), suffixes and pronouns.

"us" is also what "U.S." becomes once its dots are dropped."""

_IGNORED = TITLE_WORDS | STOP_WORDS

_PARENTHESES = re.compile(r"\([^)]*\)")
_POSSESSIVE = re.compile(r"['’]s\b")


def name_of(item: object) -> str:
    """The name a participant, speaker, accuser or accused item carries.

    Gold writes plain strings; summaries may write objects with a `name` field. Anything else
    (null, an object without a name) has no name, and an empty name agrees with nothing.
    """
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        name = item.get("name")
        if isinstance(name, str):
            return name
    return ""


def name_words(item: object) -> set[str]:
    """The lower-cased words of a name, ready to compare.

    Parenthesised remarks ("Sen. David Perdue (R-Ga.)") and possessive 's are removed first;
    hyphenated words are split into their parts so "al-Sissi" yields "al" and "sissi". Only the
    parts are kept, not the joined word: the joined form of a title such as "vice-president"
    would otherwise pass for a name.
    """
    text = _PARENTHESES.sub(" ", name_of(item))
    text = _POSSESSIVE.sub("", text)
    return set(tokens(text))


def _distinctive(words: set[str]) -> set[str]:
    """Words that can name someone: not a title, not a stop word, longer than an initial."""
    return {word for word in words if word not in _IGNORED and len(word) > 1}


def names_agree(first: object, second: object) -> bool:
    """Whether two names may denote the same entity: they share a word that names someone.

    "Xi Jinping" and "Xi" agree; "Chinese President Xi Jinping" and "President Obama" do not
    (they share only a title). A name with no such word at all ("the president", "he") agrees
    only with the same description ("The President", "He"): otherwise two identical gold names
    would not agree with each other. Empty names never agree: there is nothing to compare.
    """
    words_a, words_b = name_words(first), name_words(second)
    key_a, key_b = _distinctive(words_a), _distinctive(words_b)
    if key_a or key_b:
        return bool(key_a & key_b)
    role_a, role_b = words_a - STOP_WORDS, words_b - STOP_WORDS
    if role_a or role_b:
        return role_a == role_b
    return bool(words_a) and words_a == words_b


def speakers_agree(gold: Json, pred: Json) -> bool:
    """Whether a matched statement names the gold speaker.

    The predicted `speaker` is compared with `names_agree`. A prediction may also carry
    `speaker_mention`, the article's own words for the speaker where `speaker` resolves them
    ("he" resolved to "Kevin Sullivan"); gold that annotates the speaker as those words ("He")
    agrees with it. Without the mention, resolving a pronoun could only lose agreement.
    """
    gold_speaker = gold.get("speaker")
    if names_agree(pred.get("speaker"), gold_speaker):
        return True
    mention = pred.get("speaker_mention")
    return bool(mention) and names_agree(mention, gold_speaker)


# --------------------------------------------------------------------------- matching


def _greedy_match(scored: Iterable[tuple[float, int, int]]) -> list[tuple[int, int, float]]:
    """One-to-one matching of (score, gold index, predicted index) candidates, best first.

    Ties go to the lower gold index, then the lower predicted index, so results never depend
    on set or dict ordering. Returns (gold index, predicted index, score) triples.
    """
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matches: list[tuple[int, int, float]] = []
    for score, gold_index, pred_index in sorted(scored, key=lambda c: (-c[0], c[1], c[2])):
        if gold_index in used_gold or pred_index in used_pred:
            continue
        used_gold.add(gold_index)
        used_pred.add(pred_index)
        matches.append((gold_index, pred_index, score))
    return matches


def _max_match(n_gold: int, n_pred: int, compatible: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Maximum one-to-one matching (augmenting paths) when candidates have no score to rank.

    Used for meeting pairs: any two agreeing pairs are equally good, so the fair count is the
    largest number of pairs that can be matched at once. Gold and predicted pairs are tried in
    order, so the result is deterministic. Returns (gold index, predicted index) pairs.
    """
    adjacent = [[p for p in range(n_pred) if compatible(g, p)] for g in range(n_gold)]
    gold_of_pred: dict[int, int] = {}
    pred_of_gold: dict[int, int] = {}
    for start in range(n_gold):
        _augment(start, adjacent, gold_of_pred, pred_of_gold)
    return sorted(pred_of_gold.items())


def _augment(
    start: int,
    adjacent: Sequence[Sequence[int]],
    gold_of_pred: dict[int, int],
    pred_of_gold: dict[int, int],
) -> bool:
    """Find and apply one augmenting path from gold `start` (iterative: no recursion limit)."""
    reached_from: dict[int, int] = {}
    stack: list[tuple[int, Iterator[int]]] = [(start, iter(adjacent[start]))]
    while stack:
        gold_index, candidates = stack[-1]
        for pred_index in candidates:
            if pred_index in reached_from:
                continue
            reached_from[pred_index] = gold_index
            owner = gold_of_pred.get(pred_index)
            if owner is None:
                _flip(pred_index, start, reached_from, gold_of_pred, pred_of_gold)
                return True
            stack.append((owner, iter(adjacent[owner])))
            break
        else:
            stack.pop()
    return False


def _flip(
    pred_index: int | None,
    start: int,
    reached_from: Mapping[int, int],
    gold_of_pred: dict[int, int],
    pred_of_gold: dict[int, int],
) -> None:
    """Swap the matched and unmatched edges along the path that ends at a free prediction."""
    while pred_index is not None:
        gold_index = reached_from[pred_index]
        previous = pred_of_gold.get(gold_index)
        gold_of_pred[pred_index] = gold_index
        pred_of_gold[gold_index] = pred_index
        if gold_index == start:
            return
        pred_index = previous


# --------------------------------------------------------------------------- scores


@dataclass
class Counts:
    """True positives, false positives and misses, with the ratios derived from them.

    Every ratio is 0.0 when its denominator is 0, so an empty run scores 0 rather than failing.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def add(self, other: Counts) -> None:
        """Micro-averaging: counts are summed over articles before any ratio is taken."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> Json:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _optional_ratio(numerator: int, denominator: int) -> float | None:
    """For secondary rates (date accuracy, quote recall): None says "nothing to measure"."""
    return numerator / denominator if denominator else None


def _match_counts(n_matched: int, n_gold: int, n_pred: int) -> Counts:
    return Counts(tp=n_matched, fp=n_pred - n_matched, fn=n_gold - n_matched)


def _match_statements(gold: Sequence[Json], pred: Sequence[Json]) -> list[tuple[int, int, float]]:
    """Pairs of statements whose contents reach the F1 threshold, matched best first."""
    gold_bags = [_bag(item.get("content")) for item in gold]
    pred_bags = [_bag(item.get("content")) for item in pred]
    candidates: list[tuple[float, int, int]] = []
    for g, gold_bag in enumerate(gold_bags):
        for p, pred_bag in enumerate(pred_bags):
            score = _bag_f1(pred_bag, gold_bag)
            if score >= STATEMENT_CONTENT_THRESHOLD:
                candidates.append((score, g, p))
    return _greedy_match(candidates)


@dataclass
class StatementScores:
    """Statement matching, speaker agreement on the matched pairs, and quote recall.

    `speaker` counts a matched pair as a true positive only when the speakers agree; its
    misses and false positives are all the other gold and predicted statements. A gold
    statement without a speaker (PolNeAR has 126 of 2,192) can never agree, so it caps
    speaker recall: gold scored against itself gives 0.943 there, not 1.0.
    """

    articles: int = 0
    counts: Counts = field(default_factory=Counts)
    speaker: Counts = field(default_factory=Counts)
    direct_gold: int = 0
    direct_matched: int = 0
    speech_gold: int = 0
    speech_matched: int = 0

    @property
    def direct_recall(self) -> float | None:
        """Share of gold direct quotes (kind "direct") that some prediction matched."""
        return _optional_ratio(self.direct_matched, self.direct_gold)

    @property
    def speech_recall(self) -> float | None:
        """Recall on gold statements marked `speech: true` (verbs of saying), when marked."""
        return _optional_ratio(self.speech_matched, self.speech_gold)

    def add_article(self, gold: Sequence[Json], pred: Sequence[Json]) -> Counts:
        """Score one article, add it to the totals and return its own counts."""
        matches = _match_statements(gold, pred)
        agreeing = sum(speakers_agree(gold[g], pred[p]) for g, p, _ in matches)
        matched_gold = [gold[g] for g, _, _ in matches]
        counts = _match_counts(len(matches), len(gold), len(pred))
        self.articles += 1
        self.counts.add(counts)
        self.speaker.add(_match_counts(agreeing, len(gold), len(pred)))
        self.direct_gold += sum(item.get("kind") == "direct" for item in gold)
        self.direct_matched += sum(item.get("kind") == "direct" for item in matched_gold)
        self.speech_gold += sum(item.get("speech") is True for item in gold)
        self.speech_matched += sum(item.get("speech") is True for item in matched_gold)
        return counts

    def to_dict(self) -> Json:
        return {
            "articles": self.articles,
            **self.counts.to_dict(),
            "speaker": self.speaker.to_dict(),
            "direct_gold": self.direct_gold,
            "direct_matched": self.direct_matched,
            "direct_recall": self.direct_recall,
            "speech_gold": self.speech_gold,
            "speech_matched": self.speech_matched,
            "speech_recall": self.speech_recall,
        }


@dataclass(frozen=True)
class ParticipantPair:
    """Two participants of one meeting, with that meeting's date (None when not fixed)."""

    first: str
    second: str
    date: str | None


def _date_of(meeting: Json) -> str | None:
    """The meeting's ISO date; a blank string counts as null."""
    date = meeting.get("date")
    if isinstance(date, str) and date.strip():
        return date.strip()
    return None


def _pair_key(first: str, second: str) -> frozenset[str]:
    return frozenset(" ".join(name.lower().split()) for name in (first, second))


def meeting_pairs(meetings: Iterable[Json]) -> list[ParticipantPair]:
    """Unfold meetings into their unordered participant pairs, each pair once per article.

    A meeting of n participants gives n(n-1)/2 pairs; one participant gives none. Names that
    differ only in case or spacing are the same participant. When two meetings share a pair,
    the first meeting's date is kept.
    """
    seen: set[frozenset[str]] = set()
    pairs: list[ParticipantPair] = []
    for meeting in meetings:
        names = [name_of(item).strip() for item in meeting.get("participants") or []]
        for first, second in combinations([name for name in names if name], 2):
            key = _pair_key(first, second)
            if len(key) < 2 or key in seen:
                continue
            seen.add(key)
            pairs.append(ParticipantPair(first, second, _date_of(meeting)))
    return pairs


def _pairs_agree(gold: ParticipantPair, pred: ParticipantPair) -> bool:
    """Both names agree, in either order."""
    return (names_agree(gold.first, pred.first) and names_agree(gold.second, pred.second)) or (
        names_agree(gold.first, pred.second) and names_agree(gold.second, pred.first)
    )


@dataclass
class MeetingScores:
    """Participant-pair matching and, on the matched pairs, date accuracy."""

    articles: int = 0
    counts: Counts = field(default_factory=Counts)
    dates_right: int = 0

    @property
    def date_accuracy(self) -> float | None:
        """Matched pairs whose dates are equal (both null counts as equal) / matched pairs.

        Two nulls are equal because saying "no day is fixed" when none is, is right.
        """
        return _optional_ratio(self.dates_right, self.counts.tp)

    def add_article(self, gold: Sequence[Json], pred: Sequence[Json]) -> Counts:
        """Score one article, add it to the totals and return its own pair counts."""
        gold_pairs, pred_pairs = meeting_pairs(gold), meeting_pairs(pred)
        matches = _max_match(
            len(gold_pairs),
            len(pred_pairs),
            lambda g, p: _pairs_agree(gold_pairs[g], pred_pairs[p]),
        )
        counts = _match_counts(len(matches), len(gold_pairs), len(pred_pairs))
        self.articles += 1
        self.counts.add(counts)
        self.dates_right += sum(gold_pairs[g].date == pred_pairs[p].date for g, p in matches)
        return counts

    def to_dict(self) -> Json:
        return {
            "articles": self.articles,
            **self.counts.to_dict(),
            "dates_right": self.dates_right,
            "date_accuracy": self.date_accuracy,
        }


def _accused_agree(gold: Json, pred: Json) -> bool:
    """At least one accused name of the prediction agrees with one of the gold's."""
    return any(
        names_agree(gold_name, pred_name)
        for gold_name in _as_list(gold.get("accused"))
        for pred_name in _as_list(pred.get("accused"))
    )


def _as_list(value: object) -> list[object]:
    """`accused` is a list, but a lone name is read as a list of one rather than rejected."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _match_allegations(gold: Sequence[Json], pred: Sequence[Json]) -> list[tuple[int, int, float]]:
    """Allegations with an agreeing accused and close enough claims, matched best claim first."""
    gold_bags = [_bag(item.get("claim")) for item in gold]
    pred_bags = [_bag(item.get("claim")) for item in pred]
    candidates: list[tuple[float, int, int]] = []
    for g, gold_item in enumerate(gold):
        for p, pred_item in enumerate(pred):
            score = _bag_f1(pred_bags[p], gold_bags[g])
            if score >= ALLEGATION_CLAIM_THRESHOLD and _accused_agree(gold_item, pred_item):
                candidates.append((score, g, p))
    return _greedy_match(candidates)


@dataclass
class AllegationScores:
    """Allegation matching: an accused name agrees and the claims are close enough."""

    articles: int = 0
    counts: Counts = field(default_factory=Counts)

    def add_article(self, gold: Sequence[Json], pred: Sequence[Json]) -> Counts:
        """Score one article, add it to the totals and return its own counts."""
        counts = _match_counts(len(_match_allegations(gold, pred)), len(gold), len(pred))
        self.articles += 1
        self.counts.add(counts)
        return counts

    def to_dict(self) -> Json:
        return {"articles": self.articles, **self.counts.to_dict()}


@dataclass
class ArticleScores:
    """One article's counts, for debugging; a type is None when gold does not annotate it."""

    id: str
    missing: bool
    statements: Counts | None = None
    meetings: Counts | None = None
    allegations: Counts | None = None

    def to_dict(self) -> Json:
        def counts(value: Counts | None) -> Json | None:
            return None if value is None else {"tp": value.tp, "fp": value.fp, "fn": value.fn}

        return {
            "id": self.id,
            "missing": self.missing,
            "statements": counts(self.statements),
            "meetings": counts(self.meetings),
            "allegations": counts(self.allegations),
        }


@dataclass
class EvalReport:
    """Everything one scoring run measured; `to_dict()` is its JSON form."""

    statements: StatementScores = field(default_factory=StatementScores)
    meetings: MeetingScores = field(default_factory=MeetingScores)
    allegations: AllegationScores = field(default_factory=AllegationScores)
    articles_scored: int = 0
    missing_ids: list[str] = field(default_factory=list)
    extra_ids: list[str] = field(default_factory=list)
    error_rows: int = 0
    articles: list[ArticleScores] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """Gold articles without a prediction: their gold items all count as misses."""
        return len(self.missing_ids)

    @property
    def extra(self) -> int:
        """Predicted articles absent from gold: ignored, only counted."""
        return len(self.extra_ids)

    def to_dict(self, per_article: bool = True) -> Json:
        """JSON-ready form; `per_article=False` leaves out the per-article breakdown."""
        result: Json = {
            "articles_scored": self.articles_scored,
            "missing": self.missing,
            "extra": self.extra,
            "error_rows": self.error_rows,
            "missing_ids": list(self.missing_ids),
            "extra_ids": list(self.extra_ids),
            "statements": self.statements.to_dict(),
            "meetings": self.meetings.to_dict(),
            "allegations": self.allegations.to_dict(),
        }
        if per_article:
            result["articles"] = [article.to_dict() for article in self.articles]
        return result


# --------------------------------------------------------------------------- evaluate


def _items(document: Mapping[str, Any], key: str, where: str) -> list[Json] | None:
    """The document's list under `key`: None when absent or null, else a list of objects."""
    value = document.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise EvalInputError(f"{where}: '{key}' must be a list of objects or null")
    return value


def _score_article(
    report: EvalReport, article_id: str, gold: Mapping[str, Any], pred: Mapping[str, Any] | None
) -> ArticleScores:
    """Score every type gold annotates; a missing prediction predicts nothing."""
    scores = ArticleScores(id=article_id, missing=pred is None)
    predicted: Mapping[str, Any] = pred or {}
    scorers: dict[str, Any] = {
        "statements": report.statements,
        "meetings": report.meetings,
        "allegations": report.allegations,
    }
    for key, scorer in scorers.items():
        gold_items = _items(gold, key, f"gold {article_id}")
        if gold_items is None:
            continue
        pred_items = _items(predicted, key, f"prediction {article_id}") or []
        setattr(scores, key, scorer.add_article(gold_items, pred_items))
    return scores


def evaluate(gold: Mapping[str, Json], pred: Mapping[str, Json]) -> EvalReport:
    """Score predictions against gold, both keyed by article id.

    Gold articles without a prediction count as missing (their items as misses); predictions
    for articles not in gold are ignored and counted as extra. A gold list that is null is not
    annotated, so predictions of that type are ignored there; an empty gold list is annotated,
    so every prediction of that type is a false positive. When `pred` came from
    `load_predictions`, its error rows are reported too.
    """
    report = EvalReport(error_rows=getattr(pred, "error_rows", 0))
    for article_id, gold_doc in gold.items():
        pred_doc = pred.get(article_id)
        if pred_doc is None:
            report.missing_ids.append(article_id)
        else:
            report.articles_scored += 1
        report.articles.append(_score_article(report, article_id, gold_doc, pred_doc))
    report.extra_ids = sorted(article_id for article_id in pred if article_id not in gold)
    return report
