"""A capable model's answers (../shared/eval/llm-answers) go through the LLM path whole.

Served from a loopback server over real HTTP, as bench/llm_replay.py does; skipped where
../shared is absent (the answers quote copyrighted articles and are never copied here).
"""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import llm_replay

pytestmark = pytest.mark.skipif(
    not (llm_replay.ANSWERS.is_dir() and llm_replay.POLNEAR.is_dir()), reason="../shared/eval is absent"
)


@pytest.fixture(scope="module")
def replayed() -> dict:
    return llm_replay.replay()


def test_good_answers_cost_one_request_each_and_keep_every_item(replayed):
    total = replayed["total"]
    assert total["articles"] == 16
    assert total["requests_per_article"] <= 1.1
    assert total["kept"] == total["given"]


def test_fixed_bytes_per_request_stay_under_5500(replayed):
    assert replayed["total"]["fixed_bytes"] <= 5500


def test_scores_are_no_lower_than_before_the_contract(replayed):
    scores = replayed["scores"]
    assert scores["statements_f1"] >= 0.73
    assert scores["speaker_f1"] >= 0.69
    assert scores["meeting_pairs_f1"] >= 0.84
    assert scores["allegations_f1"] >= 0.72
