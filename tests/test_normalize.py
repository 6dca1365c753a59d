"""The normalization after every engine: grounding, quote or paraphrase, dates, names, duplicates."""

from __future__ import annotations

import datetime as dt

from summarizer.article import Article
from summarizer.normalize.grounding import ArticleIndex
from summarizer.normalize.pipeline import normalize
from summarizer.schema import ArticleExtraction, Meta

MONDAY = dt.date(2022, 2, 7)


def run(text: str, draft: dict, published: dt.date | None = MONDAY):
    article = Article(text=text, id="t", published=published)
    return normalize(article, ArticleExtraction.model_validate({"summary": ""} | draft), Meta(engine="test"))


def statement(content: str, evidence: list[str], kind: str = "indirect", speaker: str = "Xi Jinping"):
    return {"speaker": speaker, "content": content, "kind": kind, "evidence": evidence}


# --------------------------------------------------------------------------- grounding


def test_alignment_tries_exact_then_normalized_then_fuzzy():
    text = "He said the “credible” visit—long delayed—would happen on   Monday, officials confirmed."
    index = ArticleIndex(text)
    assert index.align("the “credible” visit").status == "exact"
    normalized = index.align('THE "CREDIBLE" VISIT - LONG DELAYED - WOULD HAPPEN ON MONDAY')
    assert normalized.status == "normalized"
    assert (
        text[normalized.start : normalized.end]
        == "the “credible” visit—long delayed—would happen on   Monday"
    )
    fuzzy = index.align("the credible visit long delayed will happen on Monday officials confirmed")
    assert fuzzy.status == "fuzzy"
    assert text[fuzzy.start : fuzzy.end].startswith("the “credible” visit")
    assert index.align("the minister resigned after the vote on Tuesday evening") is None


def test_offsets_count_characters_through_accents_cjk_and_emoji():
    text = "Président Xi Jinping (習近平) 🙂 met Émile Zola’s heirs. “Ça va,” dit-il."
    summary = run(
        text,
        {
            "meetings": [
                {
                    "participants": ["Xi Jinping", "Émile Zola"],
                    "evidence": ["(習近平) 🙂 met ÉMILE zola's heirs"],
                }
            ],
            "statements": [statement("Ça va", ["“Ça va,” dit-il."], speaker="Xi Jinping")],
        },
    )
    ev = summary.meetings[0].evidence[0]
    assert (
        ev.match == "normalized"
        and text[ev.start : ev.end] == ev.text == "(習近平) 🙂 met Émile Zola’s heirs"
    )
    (st,) = summary.statements
    (span,) = st.content_spans
    assert text[span[0] : span[1]] == "Ça va" and st.kind == "direct"


def test_evidence_text_is_always_the_articles_own_words():
    text = "The talks—held in Geneva—ended without agreement between Ann Lee and Bo Chan."
    summary = run(
        text,
        {
            "meetings": [
                {"participants": ["Ann Lee", "Bo Chan"], "evidence": ["the talks - held in geneva - ended"]}
            ]
        },
    )
    ev = summary.meetings[0].evidence[0]
    assert ev.text == "The talks—held in Geneva—ended" == text[ev.start : ev.end]


def test_repeated_sentence_maps_to_the_nth_occurrence_for_the_nth_item():
    text = "“We will win,” he said. Ann Lee spoke first. “We will win,” he said. Bo Chan spoke next."
    summary = run(
        text,
        {
            "statements": [
                statement("We will win", ["“We will win,” he said."], speaker="Ann Lee"),
                statement("We will win", ["“We will win,” he said."], speaker="Bo Chan"),
            ]
        },
    )
    starts = [s.evidence[0].start for s in summary.statements]
    assert starts == [0, text.index("“We will win", 1)]


# --------------------------------------------------------------------------- quote or paraphrase


def test_kind_comes_from_the_quotation_marks_not_from_the_engine():
    text = "Xi “hailed enhanced political trust” between the countries. Xi said trade would grow."
    summary = run(
        text,
        {
            "statements": [
                statement(
                    "hailed enhanced political trust",
                    ["Xi “hailed enhanced political trust”"],
                    "indirect",
                    "Xi",
                ),
                statement("trade would grow", ["Xi said trade would grow."], "direct", "Xi"),
            ]
        },
    )
    assert [(s.content, s.kind) for s in summary.statements] == [
        ("hailed enhanced political trust", "direct"),
        ("trade would grow", "indirect"),
    ]
    assert [w.code for w in summary.warnings] == ["quote_not_in_article"]


def test_partly_quoted_paraphrase_stays_indirect():
    text = "Campaigners say at least 1 million people have been held in “re-education camps” in Xinjiang."
    claim = "at least 1 million people have been held in “re-education camps” in Xinjiang"
    summary = run(text, {"statements": [statement(claim, [text], speaker="Campaigners")]})
    assert summary.statements[0].kind == "indirect"
    assert summary.statements[0].content_match == "exact"


def test_quote_split_around_its_attribution_is_one_direct_statement():
    text = "“We will not give up,” Ann Lee said, “and we will win.” The crowd cheered."
    summary = run(
        text,
        {
            "statements": [
                statement(
                    "We will not give up, and we will win",
                    ["“We will not give up,” Ann Lee said, “and we will win.”"],
                    "direct",
                    "Ann Lee",
                )
            ]
        },
    )
    (st,) = summary.statements
    assert st.kind == "direct" and len(st.content_spans) == 2
    assert [text[s:e] for s, e in st.content_spans] == ["We will not give up,", "and we will win."]
    assert st.content == "We will not give up, and we will win."


def test_quote_running_over_paragraphs_is_direct():
    text = "“The first part of the plan is ready.\n\n“The second part comes next year,” Lee said."
    content = "The first part of the plan is ready. The second part comes next year"
    summary = run(text, {"statements": [statement(content, [text], "direct", "Lee")]})
    (st,) = summary.statements
    assert st.kind == "direct"
    assert [text[s:e] for s, e in st.content_spans] == [
        "The first part of the plan is ready.",
        "The second part comes next year,",
    ]


# --------------------------------------------------------------------------- dates


def test_meeting_dates_are_resolved_from_the_article_words_and_publication_date():
    text = "Xi met Sissi on Saturday. Xi met Tokayev earlier this month. Xi met Vucic in Beijing."
    summary = run(
        text,
        {
            "meetings": [
                {
                    "participants": ["Xi", "Sissi"],
                    "date_text": "on Saturday",
                    "date": "2022-02-06",
                    "evidence": ["Xi met Sissi on Saturday."],
                },
                {
                    "participants": ["Xi", "Tokayev"],
                    "date_text": "earlier this month",
                    "evidence": ["Xi met Tokayev earlier this month."],
                },
                {"participants": ["Xi", "Vucic"], "evidence": ["Xi met Vucic in Beijing."]},
            ]
        },
    )
    got = [(m.date, m.date_granularity, m.date_value, m.date_text) for m in summary.meetings]
    assert got == [
        ("2022-02-05", "day", "2022-02-05", "on Saturday"),
        (None, "month", "2022-02", "earlier this month"),
        (None, None, None, None),
    ]
    assert [w.code for w in summary.warnings] == ["date_resolved"]


# --------------------------------------------------------------------------- entities


def test_items_name_the_canonical_entity():
    text = (
        "Chinese President Xi Jinping (習近平) met UN chief Antonio Guterres. "
        "“We are partners,” Xi said. The Chinese leader also praised the Games."
    )
    summary = run(
        text,
        {
            "entities": [
                {"name": "Chinese President Xi Jinping", "type": "person", "aliases": ["the Chinese leader"]},
                {"name": "Guterres", "type": "person"},
                {"name": "Antonio Guterres", "type": "person", "title": "UN chief"},
            ],
            "meetings": [
                {"participants": ["President Xi", "Guterres"], "evidence": ["met UN chief Antonio Guterres"]}
            ],
            "statements": [
                statement("We are partners", ["“We are partners,” Xi said."], "direct", "Xi"),
                statement(
                    "praised the Games",
                    ["The Chinese leader also praised the Games."],
                    speaker="the Chinese leader",
                ),
            ],
        },
    )
    assert summary.meetings[0].participants == ["Xi Jinping", "Antonio Guterres"]
    assert {s.speaker for s in summary.statements} == {"Xi Jinping"}
    names = [e.name for e in summary.entities]
    assert names.count("Xi Jinping") == 1 and names.count("Antonio Guterres") == 1
    xi = next(e for e in summary.entities if e.name == "Xi Jinping")
    assert {"Xi", "習近平"} <= set(xi.aliases) and xi.title == "Chinese President"


# --------------------------------------------------------------------------- duplicates


def test_the_same_item_reported_twice_becomes_one_item_with_both_spans():
    text = (
        "Xi met Sissi on Saturday. Rights groups accused Egypt of jailing dissidents. "
        "Later, Xi Jinping and Sissi met again on Saturday, officials said. "
        "Egypt has been accused of jailing dissidents, critics say."
    )
    summary = run(
        text,
        {
            "entities": [{"name": "Xi Jinping", "type": "person", "aliases": ["Xi"]}],
            "meetings": [
                {
                    "participants": ["Xi", "Sissi"],
                    "date_text": "on Saturday",
                    "evidence": ["Xi met Sissi on Saturday."],
                },
                {
                    "participants": ["Sissi", "Xi Jinping"],
                    "date_text": "on Saturday",
                    "evidence": ["Xi Jinping and Sissi met again on Saturday"],
                },
            ],
            "allegations": [
                {
                    "accuser": "Rights groups",
                    "accused": ["Egypt"],
                    "claim": "jailing dissidents",
                    "evidence": ["Rights groups accused Egypt of jailing dissidents."],
                },
                {
                    "accused": ["Egypt"],
                    "claim": "jailing dissidents",
                    "evidence": ["Egypt has been accused of jailing dissidents"],
                },
            ],
        },
    )
    (meeting,) = summary.meetings
    assert len(meeting.evidence) == 2 and meeting.evidence[0].start < meeting.evidence[1].start
    (allegation,) = summary.allegations
    assert allegation.accuser == "Rights groups" and len(allegation.evidence) == 2


def test_a_speaker_resolved_to_a_name_keeps_the_engines_words_as_its_mention():
    text = "Mayor Ana Ruiz spoke first. The mayor said the port would reopen."
    draft = {
        "entities": [{"name": "Ana Ruiz", "type": "person", "aliases": ["the mayor"], "title": "Mayor"}],
        "statements": [
            statement(
                "the port would reopen", ["The mayor said the port would reopen."], speaker="the mayor"
            ),
            {
                **statement("Ruiz spoke", ["Mayor Ana Ruiz spoke first."], speaker="Ana Ruiz"),
                "speaker_mention": "Ana Ruiz",
            },
        ],
    }
    summary = run(text, draft)
    assert [(s.speaker, s.speaker_mention) for s in summary.statements] == [
        ("Ana Ruiz", "the mayor"),
        ("Ana Ruiz", None),  # a mention that repeats the speaker says nothing
    ]


def test_the_word_index_finds_exactly_what_a_full_scan_finds():
    import random

    from summarizer.normalize import grounding

    rng = random.Random(3)
    words = ["port", "reopen", "Ruiz", "said", "the", "“we", "will”", "—", "a,", "b.", "Ça", "習近平"]
    text = " ".join(rng.choice(words) for _ in range(8000))
    assert len(text) > grounding.SCAN_LIMIT
    index = ArticleIndex(text)
    for _ in range(300):
        start = rng.randrange(len(text) - 40)
        needle = text[start : start + rng.randrange(1, 40)]
        if not needle.strip():
            continue  # blank passages align nowhere, by design
        found = [a.start for a in index.occurrences(needle) if a.status == "exact"]
        assert found == grounding._all_occurrences(text, needle), needle
