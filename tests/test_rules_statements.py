"""The offline engine's statements: quotes in any style, cues, speakers, channels, relays.

Every sentence here is written for the test. Each case runs the whole offline path (rules, then
normalization), so what is asserted is what a user gets.
"""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.api import Summarizer
from summarizer.article import Article


def read(text: str):
    summary = Summarizer(engine="rules").summarize(Article(text=text, id="t", published=dt.date(2024, 3, 12)))
    for st in summary.statements:
        for ev in st.evidence:
            assert text[ev.start : ev.end] == ev.text
        for start, end in st.content_spans:
            assert 0 <= start < end <= len(text)
    return summary.statements


def one(text: str):
    statements = read(text)
    assert len(statements) == 1, [(s.speaker, s.content) for s in statements]
    return statements[0]


@pytest.mark.parametrize(
    "text",
    [
        "“We will rebuild the harbor within a year,” Mayor Dana Ortiz said.",
        '"We will rebuild the harbor within a year," Mayor Dana Ortiz said.',
        "« We will rebuild the harbor within a year », Mayor Dana Ortiz said.",
        "„We will rebuild the harbor within a year“, Mayor Dana Ortiz said.",
        "''We will rebuild the harbor within a year,'' Mayor Dana Ortiz said.",
        "“We will rebuild the harbor within a year,” said Mayor Dana Ortiz.",
        "Mayor Dana Ortiz said: “We will rebuild the harbor within a year.”",
    ],
    ids=["curly", "straight", "guillemets", "german", "typewriter", "said-X", "X-said-colon"],
)
def test_direct_quote_in_any_style_with_its_speaker(text):
    st = one(text)
    assert st.kind == "direct"
    assert st.content.rstrip(",.") == "We will rebuild the harbor within a year"
    assert st.speaker == "Dana Ortiz"


def test_quote_split_around_its_attribution_is_one_statement():
    text = "“The port will reopen in May,” Ortiz said, “and the ferries will run again by June.”"
    st = one(text)
    assert st.kind == "direct" and len(st.content_spans) == 2
    assert st.content.startswith("The port will reopen in May") and st.content.endswith("by June.")


def test_quote_running_over_two_paragraphs_is_one_statement():
    text = (
        "Council member Dana Ortiz spoke after the vote.\n\n"
        "“The harbor is the heart of this town and we cannot leave it broken.\n\n"
        "“We will find the money, whatever it takes,” she said."
    )
    st = one(text)
    assert st.kind == "direct" and st.speaker == "Dana Ortiz"
    assert len(st.content_spans) == 2


def test_pronoun_speaker_is_resolved_to_the_last_named_person_and_kept_as_mention():
    text = (
        "Union leader Sam Patel spoke to dock workers on Monday. "
        "“Nobody will be charged twice for the repairs,” he said."
    )
    st = one(text)
    assert st.speaker == "Sam Patel" and st.speaker_mention == "he"


@pytest.mark.parametrize(
    ("text", "speaker", "content_start", "cue"),
    [
        ("Sam Patel said that the council had hidden the cost of the repairs.", "Sam Patel", "the council", "said"),
        ("Sam Patel said the council had hidden the cost of the repairs.", "Sam Patel", "the council", "said"),
        ("Sam Patel told reporters that the council had hidden the cost.", "Sam Patel", "the council", "told"),
        ("The council had hidden the cost of the repairs, Sam Patel said.", "Sam Patel", "The council", "said"),
        ("The council had hidden the cost of the repairs, said Sam Patel.", "Sam Patel", "The council", "said"),
        ("According to Sam Patel, the council had hidden the cost.", "Sam Patel", "the council", "according to"),
        ("The council had hidden the cost, according to Sam Patel.", "Sam Patel", "The council", "according to"),
        ("Sam Patel expressed his hope that the repairs would be finished soon.", "Sam Patel", "the repairs",
         "expressed his hope"),
        ("Sam Patel emphasized the need for an independent audit of the port.", "Sam Patel", "the need", "emphasized"),
        ("Sam Patel hailed the agreement as a turning point for the workers.", "Sam Patel", "the agreement", "hailed"),
    ],
    ids=["said-that", "said", "told-reporters", "X-said-after", "said-X-after", "according-to-before",
         "according-to-after", "expressed-hope", "emphasized", "hailed"],
)  # fmt: skip
def test_reported_speech_gives_speaker_and_content(text, speaker, content_start, cue):
    st = one(text)
    assert st.kind == "indirect"
    assert st.speaker == speaker
    assert st.content.startswith(content_start)
    assert st.cue == cue


def test_spokesman_speaks_for_the_subject_as_a_channel():
    text = "Mayor Dana Ortiz told residents that the harbor would reopen in May, her spokesman said."
    st = one(text)
    assert (st.speaker, st.channel) == ("Dana Ortiz", "spokesman")
    assert st.content.startswith("the harbor would reopen")


def test_statement_channel_and_readout():
    said = one("Dana Ortiz said in a statement that the vote had been fair and open.")
    assert said.channel == "statement"
    readout = one("Ortiz thanked the union for its patience, a readout of the call said.")
    assert readout.channel == "readout" and readout.speaker == "Ortiz"


def test_state_media_relay_is_named():
    text = (
        "The partnership is a model for the whole region, the official Riverton Broadcasting "
        "Network quoted Ortiz as saying."
    )
    st = one(text)
    assert st.speaker == "Ortiz"
    assert st.relay == "official Riverton Broadcasting Network"
    assert st.content.startswith("The partnership is a model")


def test_short_scare_quotes_inside_reported_speech_are_not_separate_quotes():
    text = "Patel said the council's plan was “reckless” and would cost residents dearly."
    st = one(text)
    assert st.kind == "indirect" and "“reckless”" in st.content


def test_a_noun_that_looks_like_a_cue_is_not_a_statement():
    assert read("The council's plans for the harbor were published on Monday.") == []
    assert read("Trump unleashed a series of tweets about the debate.") == []


def test_a_phrase_quoted_inside_a_sentence_leaves_the_sentence_reported_speech():
    text = "City Attorney Ana Ruiz said in a letter that the poster “plainly and wrongly” suggests police support."
    st = one(text)
    assert st.kind == "indirect" and st.speaker == "Ana Ruiz"
    assert "“plainly and wrongly”" in st.content


def test_time_and_medium_between_the_cue_and_that_are_not_content():
    assert one("Mayor Dana Ortiz said on Monday that the harbor would reopen in May.").content == (
        "the harbor would reopen in May"
    )
    said = one("Dana Ortiz said in a statement that the vote had been fair and open.")
    assert said.content == "the vote had been fair and open" and said.channel == "statement"


def test_a_quote_with_no_attribution_continues_the_last_speaker_and_their_words():
    text = (
        "Union leader Sam Patel addressed the crowd. “Nobody will be charged twice,” he said. "
        "“The council will pay for every repair on the docks.”"
    )
    first, second = read(text)
    assert (first.speaker, first.speaker_mention) == ("Sam Patel", "he")
    assert (second.speaker, second.speaker_mention, second.kind) == ("Sam Patel", "he", "direct")


def test_she_continued_before_a_quote_attributes_it():
    text = "Mayor Dana Ortiz spoke last. She continued, “We will rebuild the harbor within a year.”"
    st = one(text)
    assert (st.speaker, st.speaker_mention, st.cue) == ("Dana Ortiz", "She", "continued")


def test_a_headline_is_read_only_through_its_own_cue_verb():
    """A Title Case headline is not prose: its capitalized words are never read as a speaker's
    clause, but "X Says ...", "X: ..." and "..., X Says." attribute the headline to X."""
    [st] = read("Mayor Ida Brenn Says Harbor Will Reopen Within Weeks\nThe harbor closed in May.")
    assert (st.speaker, st.content) == ("Ida Brenn", "Harbor Will Reopen Within Weeks")
    [st] = read("Brenn: Harbor Will Reopen Within Weeks\nThe harbor closed in May.")
    assert (st.speaker, st.content) == ("Brenn", "Harbor Will Reopen Within Weeks")
    [st] = read("Harbor Will Reopen Within Weeks, Ida Brenn Says.\nThe harbor closed in May.")
    assert (st.speaker, st.content) == ("Ida Brenn", "Harbor Will Reopen Within Weeks")
    assert read("Harbor Will Reopen Within Weeks As Crews Finish Repairs\nThe harbor closed in May.") == []
    assert read("The Latest: Harbor Will Reopen Within Weeks\nThe harbor closed in May.") == []


@pytest.mark.parametrize(
    ("text", "relay", "kind"),
    [
        (
            "China will never accept interference in its affairs, state media quoted Xi as saying.",
            "state media",
            "indirect",
        ),
        (
            "State media quoted Xi as saying that China would never accept interference.",
            "State media",
            "indirect",
        ),
        ("Xinhua quoted Xi as saying China would open its markets further.", "Xinhua", "indirect"),
        ("“We will open our markets further,” Xi was quoted as saying by Xinhua.", "Xinhua", "direct"),
    ],
    ids=["relay-after", "relay-first", "agency-first", "passive-by"],
)
def test_state_media_relay_in_every_word_order(text, relay, kind):
    st = one(text)
    assert (st.speaker, st.kind, st.relay, st.channel) == ("Xi", kind, relay, "state media")
