"""Tests of the scorer (summarizer.evaluate) on tiny hand-made cases whose numbers are worked out
by hand in the comments, so a change in the scoring rules shows up as a changed expectation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from summarizer.evaluate import (
    EvalInputError,
    ParticipantPair,
    evaluate,
    format_report,
    load_gold,
    load_predictions,
    meeting_pairs,
    names_agree,
    token_f1,
    tokens,
)

# ../shared/eval/polnear-dev next to the project, as shared/eval/FORMAT.md places it
POLNEAR_GOLD = Path(__file__).resolve().parents[2] / "shared/eval/polnear-dev/gold.jsonl"


def doc(article_id: str = "a1", **lists: Any) -> dict[str, Any]:
    """A gold or predicted document; lists not given are null (not annotated / not predicted)."""
    return {
        "article": {"id": article_id},
        "statements": lists.get("statements"),
        "meetings": lists.get("meetings"),
        "allegations": lists.get("allegations"),
    }


def statement(content: str, speaker: Any = "Someone", **extra: Any) -> dict[str, Any]:
    return {"speaker": speaker, "content": content, "kind": "indirect", **extra}


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- tokens and F1


def test_tokens_drop_quotation_marks_and_punctuation_and_lower_case() -> None:
    assert tokens("“Hello,” she said — it’s «Fine».") == ["hello", "she", "said", "its", "fine"]


def test_tokens_split_dashes_but_join_dotted_abbreviations() -> None:
    assert tokens("U.S. well-known and/or 5,000") == ["us", "well", "known", "and", "or", "5000"]


def test_token_f1_of_partial_overlap() -> None:
    # pred 3 tokens, gold 4, 3 shared: P = 3/3, R = 3/4, F1 = 2*1*0.75/1.75 = 6/7
    assert token_f1("the cat sat", "the cat sat down") == pytest.approx(6 / 7)


def test_token_f1_ignores_quotation_marks_punctuation_and_case() -> None:
    assert token_f1("“We will WIN,” he said.", "we will win he said") == 1.0


def test_token_f1_counts_repeated_tokens_as_a_multiset() -> None:
    # pred "no no no", gold "no": 1 shared (min(3, 1)); P = 1/3, R = 1/1, F1 = 2/(3+1) = 0.5
    assert token_f1("no no no", "no") == 0.5


def test_token_f1_of_empty_texts() -> None:
    # nothing tells two empty texts apart: identical; empty against words: nothing shared
    assert token_f1("", "“ ”") == 1.0
    assert token_f1(None, "words") == 0.0
    assert token_f1("words", "") == 0.0


# --------------------------------------------------------------------------- names


def test_names_sharing_only_a_title_do_not_agree() -> None:
    assert not names_agree("Chinese President Xi Jinping", "President Obama")
    assert not names_agree("Chinese President Xi", "Chinese Premier Li Keqiang")


def test_names_sharing_a_name_word_agree() -> None:
    assert names_agree("Xi Jinping", "Xi")
    assert names_agree("Chinese President Xi Jinping", "Mr. Xi's")


def test_hyphenated_name_agrees_with_its_part_without_the_particle() -> None:
    # "abdel", "fattah", "al", "sissi" vs "al", "sissi": "al" is a stop word, "sissi" is shared
    assert names_agree("Abdel-Fattah al-Sissi", "al-Sissi")
    assert names_agree("Abdel-Fattah al-Sissi", "Sissi")
    assert not names_agree("al-Sissi", "al-Assad")


def test_name_given_as_object_with_name_field() -> None:
    assert names_agree({"name": "Xi Jinping", "type": "person"}, "President Xi")
    assert not names_agree({"type": "person"}, "Xi")


def test_title_only_names_agree_only_with_the_same_description() -> None:
    assert names_agree("the president", "President")
    assert names_agree("he", "He")
    assert not names_agree("the president", "the prime minister")
    assert not names_agree("the president", "President Obama")


def test_empty_names_never_agree() -> None:
    assert not names_agree(None, None)
    assert not names_agree("", "")


def test_parenthesised_affiliations_and_initials_are_not_name_words() -> None:
    # "(R-Ga.)" and "(R-Utah)" would share "r"; "J." would link any two people with that initial
    assert not names_agree("Sen. David Perdue (R-Ga.)", "Rep. Jason Chaffetz (R-Utah)")
    assert not names_agree("Donald J. Trump", "Michael J. Fox")


# --------------------------------------------------------------------------- statements


def test_statement_match_threshold_0_5_is_inclusive() -> None:
    # "alpha beta" vs "alpha gamma": 1 shared, F1 = 2*1/(2+2) = 0.5 -> match
    report = evaluate(
        {"a1": doc(statements=[statement("alpha beta")])},
        {"a1": doc(statements=[statement("alpha gamma")])},
    )
    assert (report.statements.counts.tp, report.statements.counts.fp) == (1, 0)


def test_statement_below_threshold_does_not_match() -> None:
    # "alpha beta gamma" vs "alpha delta epsilon": F1 = 2*1/(3+3) = 1/3 < 0.5 -> no match
    report = evaluate(
        {"a1": doc(statements=[statement("alpha delta epsilon")])},
        {"a1": doc(statements=[statement("alpha beta gamma")])},
    )
    counts = report.statements.counts
    assert (counts.tp, counts.fp, counts.fn) == (0, 1, 1)


def test_two_predictions_competing_for_one_gold_statement_best_one_wins() -> None:
    # gold "a b c d"; P0 "a b c x" (F1 = 6/8 = 0.75), P1 "a b c d" (F1 = 1.0).
    # Best pair first: G0-P1; P0 is left over -> tp 1, fp 1, fn 0.
    # P = 1/2, R = 1/1, F1 = 2*1/(2*1 + 1 + 0) = 2/3.
    # Only P1's speaker agrees with gold, so speaker tp 1 proves P1 was the one matched.
    report = evaluate(
        {"a1": doc(statements=[statement("a b c d", speaker="Xi Jinping")])},
        {
            "a1": doc(
                statements=[
                    statement("a b c x", speaker="Barack Obama"),
                    statement("a b c d", speaker="President Xi"),
                ]
            )
        },
    )
    counts = report.statements.counts
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 0)
    assert counts.precision == 0.5
    assert counts.recall == 1.0
    assert counts.f1 == pytest.approx(2 / 3)
    assert report.statements.speaker.tp == 1


def test_speaker_agreeing_scores_and_direct_quote_and_speech_recall() -> None:
    gold = doc(
        statements=[
            statement("one two three four", "President Xi Jinping", kind="direct", speech=True),
            statement("five six seven eight", "Antonio Guterres", speech=True),
            statement("nine ten eleven twelve", "Wang Yi", kind="direct", speech=False),
        ]
    )
    pred = doc(
        statements=[
            statement("one two three four", {"name": "Xi"}),  # match, speaker agrees
            statement("five six seven eight", "President Obama"),  # match, only a title shared
            statement("entirely other words here", "Wang Yi"),  # F1 0 -> no match
        ]
    )
    report = evaluate({"a1": gold}, {"a1": pred}).statements
    # content: tp 2, fp 1, fn 1 -> P = R = F1 = 2/3
    assert (report.counts.tp, report.counts.fp, report.counts.fn) == (1 + 1, 1, 1)
    assert report.counts.f1 == pytest.approx(2 / 3)
    # speaker-agreeing: tp 1 (Xi), fp 3 - 1 = 2, fn 3 - 1 = 2 -> P = R = F1 = 1/3
    assert (report.speaker.tp, report.speaker.fp, report.speaker.fn) == (1, 2, 2)
    assert report.speaker.precision == pytest.approx(1 / 3)
    assert report.speaker.recall == pytest.approx(1 / 3)
    assert report.speaker.f1 == pytest.approx(1 / 3)
    # direct gold: statements 1 and 3; matched: statement 1 -> 1/2
    assert (report.direct_matched, report.direct_gold, report.direct_recall) == (1, 2, 0.5)
    # speech gold: statements 1 and 2; both matched -> 2/2
    assert (report.speech_matched, report.speech_gold, report.speech_recall) == (2, 2, 1.0)


def test_quote_recall_is_none_without_gold_quotes() -> None:
    report = evaluate({"a1": doc(statements=[])}, {"a1": doc(statements=[])})
    assert report.statements.direct_recall is None
    assert report.statements.counts.f1 == 0.0  # 0/0 is reported as 0


# --------------------------------------------------------------------------- meetings


def test_meeting_with_three_participants_unfolds_into_three_pairs() -> None:
    pairs = meeting_pairs(
        [
            {"participants": ["Guterres", "Xi", {"name": "Wang Yi"}], "date": "2022-02-05"},
            {"participants": ["Wang Yi", "Guterres"], "date": None},  # same pair again: once
            {"participants": ["Biden"], "date": None},  # one participant: no pair
        ]
    )
    # 3 participants -> 3*2/2 = 3 pairs, the first meeting's date kept
    assert pairs == [
        ParticipantPair("Guterres", "Xi", "2022-02-05"),
        ParticipantPair("Guterres", "Wang Yi", "2022-02-05"),
        ParticipantPair("Xi", "Wang Yi", "2022-02-05"),
    ]


def test_meeting_pairs_match_in_either_order_and_date_accuracy() -> None:
    gold = doc(
        meetings=[
            {
                "participants": ["Antonio Guterres", "Xi Jinping", "Wang Yi"],
                "date": "2022-02-05",
            }
        ]
    )
    pred = doc(
        meetings=[
            # (Wang Yi, Guterres) = gold (Guterres, Wang Yi) reversed; date right
            {"participants": [{"name": "Wang Yi"}, "Guterres"], "date": "2022-02-05"},
            # (President Xi, UN Secretary-General Guterres) = gold (Guterres, Xi); date wrong
            {"participants": ["President Xi", "UN Secretary-General Guterres"], "date": None},
            # (Xi, Biden): no gold pair -> false positive
            {"participants": ["Xi", "Biden"], "date": "2022-02-05"},
        ]
    )
    meetings = evaluate({"a1": gold}, {"a1": pred}).meetings
    # gold pairs 3, predicted 3, matched 2 -> tp 2, fp 1, fn 1 (Xi-Wang Yi); P = R = 2/3
    assert (meetings.counts.tp, meetings.counts.fp, meetings.counts.fn) == (2, 1, 1)
    assert meetings.counts.precision == pytest.approx(2 / 3)
    # dates: 1 right of 2 matched pairs -> 0.5
    assert (meetings.dates_right, meetings.date_accuracy) == (1, 0.5)


def test_meeting_dates_both_null_count_as_right() -> None:
    gold = doc(meetings=[{"participants": ["Xi", "Putin"], "date": None}])
    pred = doc(meetings=[{"participants": ["Putin", "Xi"]}])  # no date key: null
    meetings = evaluate({"a1": gold}, {"a1": pred}).meetings
    assert (meetings.counts.tp, meetings.date_accuracy) == (1, 1.0)


def test_meeting_pairs_matched_to_the_largest_one_to_one_set() -> None:
    # gold pairs G0 (Xi Jinping, Wang Yi), G1 (Xi Jinping, Wang Wei);
    # pred P0 (Xi, Wang) agrees with both, P1 (Xi, Wang Yi) only with G0.
    # Giving P0 to G0 would leave G1 unmatched; the best is G0-P1, G1-P0 -> tp 2.
    gold = doc(
        meetings=[
            {"participants": ["Xi Jinping", "Wang Yi"]},
            {"participants": ["Xi Jinping", "Wang Wei"]},
        ]
    )
    pred = doc(meetings=[{"participants": ["Xi", "Wang"]}, {"participants": ["Xi", "Wang Yi"]}])
    counts = evaluate({"a1": gold}, {"a1": pred}).meetings.counts
    assert (counts.tp, counts.fp, counts.fn) == (2, 0, 0)


# --------------------------------------------------------------------------- allegations

# gold claim, 10 tokens: officials detained one million people in camps across western xinjiang
GOLD_CLAIM = "Officials detained one million people in camps across western Xinjiang"
# 10 tokens sharing 3 (one, million, people): F1 = 2*3/(10+10) = 0.3 -> at the threshold
CLAIM_AT_THRESHOLD = "reports say one million people face harsh rules there today"
# 10 tokens sharing 2 (one, million): F1 = 2*2/(10+10) = 0.2 -> below
CLAIM_BELOW_THRESHOLD = "reports say one million citizens face harsh rules there today"


def allegation_counts(accused: list[Any], claim: str) -> tuple[int, int, int]:
    gold = doc(allegations=[{"accuser": "Campaigners", "accused": ["China"], "claim": GOLD_CLAIM}])
    pred = doc(allegations=[{"accuser": "Campaigners", "accused": accused, "claim": claim}])
    counts = evaluate({"a1": gold}, {"a1": pred}).allegations.counts
    return counts.tp, counts.fp, counts.fn


def test_allegation_claim_threshold_0_3_is_inclusive() -> None:
    assert token_f1(CLAIM_AT_THRESHOLD, GOLD_CLAIM) == 0.3
    assert allegation_counts(["China"], CLAIM_AT_THRESHOLD) == (1, 0, 0)
    assert allegation_counts(["China"], CLAIM_BELOW_THRESHOLD) == (0, 1, 1)


def test_allegation_needs_one_agreeing_accused() -> None:
    assert allegation_counts(["Beijing"], GOLD_CLAIM) == (0, 1, 1)
    assert allegation_counts(["Russia", {"name": "China"}], GOLD_CLAIM) == (1, 0, 0)


# --------------------------------------------------------------------------- articles


def test_null_gold_list_is_not_scored_but_empty_list_is() -> None:
    gold = {"a1": doc(statements=[], meetings=None, allegations=None)}
    pred = {
        "a1": doc(
            statements=[statement("some words")],
            meetings=[{"participants": ["Xi", "Putin"]}],
            allegations=[{"accused": ["China"], "claim": "something"}],
        )
    }
    report = evaluate(gold, pred)
    # statements annotated as empty: the prediction is a false positive
    assert (report.statements.counts.tp, report.statements.counts.fp) == (0, 1)
    # meetings and allegations not annotated: nothing counted, no article scored for them
    assert (report.meetings.articles, report.meetings.counts.fp) == (0, 0)
    assert (report.allegations.articles, report.allegations.counts.fp) == (0, 0)
    assert report.to_dict()["articles"][0]["meetings"] is None


def test_missing_article_counts_as_misses_and_extra_article_is_ignored() -> None:
    gold = {
        "a1": doc("a1", statements=[statement("first article words")]),
        "a2": doc("a2", statements=[statement("second article words"), statement("more")]),
    }
    pred = {
        "a1": doc("a1", statements=[statement("first article words")]),
        "zz": doc("zz", statements=[statement("not in gold")]),
    }
    report = evaluate(gold, pred)
    # a1: tp 1; a2 missing: fn 2; zz ignored -> tp 1, fp 0, fn 2, recall 1/3
    counts = report.statements.counts
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 2)
    assert counts.recall == pytest.approx(1 / 3)
    assert (report.articles_scored, report.missing, report.extra) == (1, 1, 1)
    assert (report.missing_ids, report.extra_ids) == (["a2"], ["zz"])


def test_counts_are_micro_averaged_over_articles() -> None:
    gold = {
        "a1": doc("a1", statements=[statement("a b"), statement("c d"), statement("e f")]),
        "a2": doc("a2", statements=[statement("g h")]),
    }
    pred = {
        "a1": doc("a1", statements=[statement("a b"), statement("c d"), statement("e f")]),
        "a2": doc("a2", statements=[statement("x y")]),
    }
    # a1: tp 3; a2: fp 1, fn 1 -> summed tp 3, fp 1, fn 1 -> P = 3/4 (macro would be 1/2)
    counts = evaluate(gold, pred).statements.counts
    assert (counts.precision, counts.recall, counts.f1) == (0.75, 0.75, 0.75)


def test_report_to_dict_is_json_and_format_report_is_a_table() -> None:
    report = evaluate(
        {"a1": doc(statements=[statement("a b", kind="direct")])},
        {"a1": doc(statements=[statement("a b")])},
    )
    data = json.loads(json.dumps(report.to_dict()))
    assert data["statements"]["f1"] == 1.0
    assert data["articles"] == [
        {"id": "a1", "missing": False, "statements": {"tp": 1, "fp": 0, "fn": 0},
         "meetings": None, "allegations": None}
    ]  # fmt: skip
    assert "articles" not in report.to_dict(per_article=False)
    text = format_report(report)
    assert "statements" in text
    assert "1.000" in text
    assert "not annotated" in text  # meetings and allegations
    assert "direct-quote recall:        1.000 (1/1)" in text


# --------------------------------------------------------------------------- loading

SUMMARY_A = doc("a", statements=[statement("a b")])
SUMMARY_B = doc("b", statements=[statement("c d")])
SUMMARY_C = doc("c", statements=[])
ERROR_ROW = {"id": "d", "error": "LLMError: the model gave no usable answer"}


def test_load_predictions_from_jsonl_skips_and_counts_error_rows(tmp_path: Path) -> None:
    path = tmp_path / "preds.jsonl"
    write_jsonl(path, [SUMMARY_A, ERROR_ROW, SUMMARY_B])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n")  # blank lines are ignored
    predictions = load_predictions(path)
    assert sorted(predictions) == ["a", "b"]
    assert (predictions.error_rows, predictions.error_ids) == (1, ["d"])
    assert evaluate({"a": SUMMARY_A}, predictions).error_rows == 1


def test_load_predictions_from_folder_of_json_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(SUMMARY_A, indent=2), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(SUMMARY_B), encoding="utf-8")
    write_jsonl(tmp_path / "more.jsonl", [SUMMARY_C, ERROR_ROW])
    (tmp_path / "notes.txt").write_text("not a summary", encoding="utf-8")
    predictions = load_predictions(tmp_path)
    assert predictions == {"a": SUMMARY_A, "b": SUMMARY_B, "c": SUMMARY_C}
    assert predictions.error_rows == 1


def test_load_gold_keys_rows_by_article_id(tmp_path: Path) -> None:
    gold = load_gold(write_jsonl(tmp_path / "gold.jsonl", [SUMMARY_A, SUMMARY_B]))
    assert gold == {"a": SUMMARY_A, "b": SUMMARY_B}


def test_malformed_json_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "preds.jsonl"
    path.write_text(json.dumps(SUMMARY_A) + '\n{"article": {"id": "b"\n', encoding="utf-8")
    with pytest.raises(EvalInputError, match=r"preds\.jsonl:2: malformed JSON"):
        load_predictions(path)


def test_row_without_article_id_and_duplicate_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(EvalInputError, match=r"x\.jsonl:1: no article\.id"):
        load_gold(write_jsonl(tmp_path / "x.jsonl", [{"statements": []}]))
    with pytest.raises(EvalInputError, match="appears twice"):
        load_predictions(write_jsonl(tmp_path / "y.jsonl", [SUMMARY_A, SUMMARY_A]))


def test_unreadable_inputs_raise_eval_input_error(tmp_path: Path) -> None:
    with pytest.raises(EvalInputError, match="no such file"):
        load_predictions(tmp_path / "absent.jsonl")
    with pytest.raises(EvalInputError, match=r"no \*\.json"):
        load_predictions(tmp_path)
    assert issubclass(EvalInputError, ValueError)


# --------------------------------------------------------------------------- real gold


@pytest.mark.skipif(not POLNEAR_GOLD.exists(), reason="shared/eval/polnear-dev is not present")
def test_polnear_gold_scored_against_itself_has_statement_f1_1() -> None:
    gold = load_gold(POLNEAR_GOLD)
    report = evaluate(gold, load_predictions(POLNEAR_GOLD))
    assert report.articles_scored == len(gold) == 84
    assert report.statements.counts.fn == report.statements.counts.fp == 0
    assert report.statements.counts.f1 == 1.0
    assert report.statements.direct_recall == 1.0
    # meetings and allegations are annotated on 42 of the 84 articles (null on the others)
    assert report.meetings.articles == report.allegations.articles == 42
    assert report.meetings.counts.fp == report.meetings.counts.fn == 0
    assert report.meetings.counts.tp == 55
    assert report.allegations.counts.fp == report.allegations.counts.fn == 0
    assert report.allegations.counts.tp == 146
