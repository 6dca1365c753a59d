"""Score summaries against gold annotations, item by item.

The contract is ../shared/eval/FORMAT.md. A summary is never compared as a whole document: its
meetings, statements and allegations are matched one to one with the gold items of the same
article, and precision, recall and F1 are micro-averaged (true/false positives and misses summed
over all articles, then divided), so a long article weighs in proportion to what it contains.

Matching rules, in short:

* statements match when the token F1 of their `content` is at least 0.5, best pairs first;
  speaker agreement is then reported on the matched pairs;
* meetings are unfolded into unordered participant pairs; two pairs match when both names agree
  in either order; a matched pair's date is right when both dates are equal (two nulls included);
* allegations match when one accused name agrees and the `claim` token F1 is at least 0.3.

Two names agree when they share a word that is neither a title nor a stop word, so
"Chinese President Xi Jinping" and "Xi" agree but "Chinese President Xi Jinping" and
"President Obama" do not.

This module is pure standard library on purpose: scoring must run without the LLM stack, and its
numbers must not change when that stack does.
"""

from summarizer.evaluate.loading import EvalInputError, PredictionSet, load_gold, load_predictions
from summarizer.evaluate.matching import (
    ALLEGATION_CLAIM_THRESHOLD,
    STATEMENT_CONTENT_THRESHOLD,
    STOP_WORDS,
    TITLE_WORDS,
    AllegationScores,
    ArticleScores,
    Counts,
    EvalReport,
    MeetingScores,
    ParticipantPair,
    StatementScores,
    evaluate,
    meeting_pairs,
    name_of,
    name_words,
    names_agree,
    speakers_agree,
    token_f1,
    tokens,
)
from summarizer.evaluate.report import format_report

__all__ = [
    "ALLEGATION_CLAIM_THRESHOLD",
    "STATEMENT_CONTENT_THRESHOLD",
    "STOP_WORDS",
    "TITLE_WORDS",
    "AllegationScores",
    "ArticleScores",
    "Counts",
    "EvalInputError",
    "EvalReport",
    "MeetingScores",
    "ParticipantPair",
    "PredictionSet",
    "StatementScores",
    "evaluate",
    "format_report",
    "load_gold",
    "load_predictions",
    "meeting_pairs",
    "name_of",
    "name_words",
    "names_agree",
    "speakers_agree",
    "token_f1",
    "tokens",
]
