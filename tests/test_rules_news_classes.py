"""Classes of political-news wording the offline engine reads: one class of pattern per test.

Every sentence here was written for these tests (invented people, real countries only where
the class needs one). Each test asserts on the engine's real output; evidence passages are
checked to be the article's own words.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from summarizer.article import Article
from summarizer.engines.rules import RulesEngine
from summarizer.engines.rules.allegations_speech import find_spoken_allegations
from summarizer.engines.rules.data import load_patterns, load_words
from summarizer.engines.rules.meetings import find_meetings
from summarizer.engines.rules.statements import read_statements
from summarizer.engines.rules.summary import MAX_WORDS, lead_summary
from summarizer.engines.rules.text import MAX_SENTENCE, sentences
from summarizer.normalize.quotes import find_quotes

PUBLISHED = dt.date(2024, 6, 14)


def meetings(text: str) -> list[list[str]]:
    found = find_meetings(text, sentences(text, find_quotes(text)), PUBLISHED)
    for item in found:
        assert all(passage in text for passage in item.evidence)
    return [sorted(m.participants) for m in found]


def spoken(text: str) -> list[tuple[str | None, list[str], str]]:
    quotes = find_quotes(text)
    sents = sentences(text, quotes)
    found = find_spoken_allegations(text, sents, read_statements(text, sents, quotes)[0])
    for item in found:
        assert all(passage in text for passage in item.evidence)
    return [(a.accuser, a.accused, a.claim) for a in found]


# --------------------------------------------------------------------------- meetings


def test_possessive_meeting_noun_pairs_its_owner_with_the_object():
    text = "Senator Dana Whitcombe arrived in Washington on Monday. After her meeting with Kettering, aides were upbeat."
    assert meetings(text) == [["Dana Whitcombe", "Kettering"]]


def test_meeting_of_the_leaders_of_a_country_list_is_one_meeting_of_them_all():
    text = "The delegates learned of a meeting of the leaders of Brazil, China, India and South Africa on Tuesday."
    assert meetings(text) == [["Brazil", "China", "India", "South Africa"]]


def test_a_meal_with_someone_is_a_meeting_and_a_lower_case_group_is_a_party():
    text = "Governor Lena Marsh had breakfast with Mayor Tobias Quill and local business leaders on Friday."
    assert meetings(text) == [sorted(["Lena Marsh", "Tobias Quill", "local business leaders"])]


def test_sat_down_with_and_summoned_are_verbs_of_meeting():
    assert meetings("Senator Ravi Kettering sat down with Governor Lena Marsh in Albany.") == [
        ["Lena Marsh", "Ravi Kettering"]
    ]
    assert meetings("Governor Lena Marsh summoned her budget director, Omar Pell, to her office.") == [
        ["Lena Marsh", "Omar Pell"]
    ]


def test_a_pronoun_object_is_the_person_named_before_and_not_the_subject():
    text = (
        "Ambassador Irene Cole landed in Mandalay. Senator Hal Brody met with her and other Burmese leaders."
    )
    assert meetings(text) == [sorted(["Hal Brody", "Irene Cole", "other Burmese leaders"])]


def test_a_country_named_in_a_person_like_phrase_stays_a_country():
    text = (
        "Analysts at the South China Sea Institute were quoted. "
        "Diplomats noted a meeting of the leaders of China, Brazil and India in Geneva."
    )
    assert meetings(text) == [["Brazil", "China", "India"]]


def test_planned_meetings_told_with_a_noun_are_not_meetings():
    assert (
        meetings("Governor Lena Marsh said her planned meeting with Mayor Tobias Quill is next week.") == []
    )


# --------------------------------------------------------------------------- allegations


def test_a_quote_naming_a_wrongdoing_is_an_allegation_by_its_speaker():
    text = "“Mayor Tobias Quill is a disgusting fraud,” said Councilwoman Ada Perrin."
    [(accuser, accused, claim)] = spoken(text)
    assert accuser.endswith("Ada Perrin") and accused == ["Tobias Quill"] and "fraud" in claim


def test_an_unnamed_he_in_a_quote_is_the_person_named_before_other_than_the_speaker():
    text = (
        "Mayor Tobias Quill spoke on Monday. "
        "“He lied to every voter in this city,” Councilwoman Ada Perrin said."
    )
    [(accuser, accused, _)] = spoken(text)
    assert accuser.endswith("Ada Perrin") and accused == ["Tobias Quill"]


def test_the_articles_own_voice_accuses_with_no_accuser():
    text = "Mayor Tobias Quill spoke on Monday. Quill illegally diverted the pension fund, records show."
    found = spoken(text)
    assert (None, ["Tobias Quill"], "Quill illegally diverted the pension fund, records show.") in found


def test_wrongdoing_words_are_found_at_the_same_offsets_whatever_the_case_and_script():
    # "İ" lower-cases to two characters: the reader must not shift offsets after it
    for town in ("Izmir", "İzmir"):
        text = f"Mayor Tobias Quill spoke in {town} on Monday. Quill illegally diverted the pension fund, records show."
        found = spoken(text)
        assert (None, ["Tobias Quill"], text.split(". ", 1)[1]) in found, town


def test_the_victim_of_a_passive_act_is_not_the_accused_the_agent_is():
    victim_only = "Jonas Ferrell, a delivery driver, was shot and killed on Monday night."
    assert spoken(victim_only) == []
    with_agent = "Jonas Ferrell was assaulted by Officer Kyle Dern after a traffic stop."
    assert [accused for _, accused, _ in spoken(with_agent)] == [["Kyle Dern"]]


def test_a_legal_process_in_the_passive_accuses_its_subject():
    text = "Mayor Tobias Quill was investigated by the state auditor for two years."
    assert [accused for _, accused, _ in spoken(text)] == [["Tobias Quill"]]


def test_negated_and_anti_wrongdoing_words_accuse_nobody():
    assert spoken("Mayor Tobias Quill has never lied about the budget, his aides say.") == []
    assert spoken("Anti-Corruption Prosecutor Lidia Varo opened the hearing on Monday.") == []


def test_headlines_do_not_accuse():
    text = "Quill Accused Of Fraud By Rivals\nMayor Tobias Quill opened the session on Monday."
    assert spoken(text) == []


# --------------------------------------------------------------------------- summary, data, size


def test_summary_is_the_lead_after_headline_and_dateline_attributed_to_the_article():
    text = (
        "Mayor Opens New Bridge\n"
        "ALBANY, N.Y. — Mayor Tobias Quill opened the Harbor Bridge on Monday after six years of work.\n"
        "Traffic was light."
    )
    summary = lead_summary(text, sentences(text, find_quotes(text)))
    assert summary.startswith("The article reports: Mayor Tobias Quill opened the Harbor Bridge")
    assert "ALBANY" not in summary and "New Bridge" not in summary


def test_summary_is_trimmed_and_never_empty():
    long_lead = "The council met " + "and voted " * 80 + "again."
    summary = lead_summary(long_lead, sentences(long_lead))
    assert summary.endswith("…") and len(summary.split()) <= MAX_WORDS + 3
    draft, _ = RulesEngine().extract(Article(text="Traffic was light."))
    assert draft.summary == "The article reports: Traffic was light."


def test_vocabularies_are_data_files_that_say_what_they_hold():
    data = Path(__import__("summarizer.engines.rules.data", fromlist=["x"]).__file__).parent
    files = sorted(data.glob("*.txt"))
    assert len(files) >= 12
    for path in files:
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("# ") and len(header) > 30, f"{path.name} says what it holds"
    assert "fraud\\w*|frauds?ter\\w*" in load_patterns("wrongdoing.txt")
    assert "historians" in load_words("group_nouns.txt")
    assert "said" in load_words("speech_verbs.txt")


def test_a_run_on_sentence_is_cut_at_a_clause_so_work_stays_bounded():
    text = "critics accused the minister of fraud, " * 400
    sents = sentences(text)
    assert len(sents) > 1 and all(s.end - s.start <= MAX_SENTENCE for s in sents)
    assert "".join(text[s.start : s.end] for s in sents).replace(" ", "") == text.replace(" ", "")


def test_doubling_a_run_on_article_roughly_doubles_the_engine_work():
    """Not a timing assertion on the machine: the count of sentences the readers see grows
    linearly, and the engine finishes a 400 kB run-on article (quadratic before)."""
    unit = "“We will win,” Xi Jinping said after he met Antonio Guterres and critics accused him of lying "
    small, large = (unit * (n // len(unit)) for n in (100_000, 200_000))
    n_small, n_large = len(sentences(small, find_quotes(small))), len(sentences(large, find_quotes(large)))
    assert 1.8 <= n_large / n_small <= 2.2
    start = time.process_time()
    RulesEngine().extract(Article(text=large))
    assert time.process_time() - start < 60  # a generous bound; the benchmark has the figures


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[1].parent / "shared/eval/polnear-dev").is_dir(),
    reason="../shared/eval/polnear-dev is not here",
)
def test_every_polnear_dev_article_gets_a_summary():
    root = Path(__file__).resolve().parents[1].parent / "shared/eval/polnear-dev/articles"
    from summarizer.article import read_path

    engine = RulesEngine()
    for path in sorted(root.glob("*.txt"))[:20]:
        draft, _ = engine.extract(read_path(path))
        assert draft.summary.startswith("The article reports: ") and len(draft.summary) > 30


# --------------------------------------------------------------------------- statements


def said(text: str) -> list[tuple[str, str | None, str]]:
    from summarizer import Summarizer

    summary = Summarizer(engine="rules").summarize(Article(text=text, id="t", published=PUBLISHED))
    for st in summary.statements:
        assert all(text[ev.start : ev.end] == ev.text for ev in st.evidence)
    return [(st.speaker, st.speaker_mention, st.content) for st in summary.statements]


def test_a_party_and_state_after_the_name_do_not_hide_the_speaker():
    [(speaker, _, content)] = said("Sen. Ravi Kettering (D-Ohio) said the audit was long overdue.")
    assert speaker.endswith("Ravi Kettering") and content == "the audit was long overdue"


def test_a_lower_case_apposition_or_aside_leaves_the_name_as_speaker():
    [(speaker, _, _)] = said(
        "Ada Perrin, senior counsel at the Harbor Institute, said the rules were being ignored."
    )
    assert speaker == "Ada Perrin"
    [(speaker, _, _)] = said("Kettering, speaking to farmers in Dayton, said prices would fall.")
    assert speaker == "Kettering"


def test_said_followed_by_a_clause_is_not_an_inverted_attribution():
    [(speaker, _, content)] = said(
        "The state chairman, Omar Pell, said he cannot comment on the letter because he has not seen it."
    )
    assert speaker == "Omar Pell" and content.startswith("he cannot comment")


def test_a_description_speaker_is_kept_as_the_mention():
    [(speaker, mention, _)] = said("The mayor said the harbor would reopen within weeks.")
    assert mention == "The mayor" and speaker in ("The mayor", "mayor")


def test_called_x_y_is_a_statement_of_the_subject():
    [(speaker, _, content)] = said("Ada Perrin called the council's decision a huge win for tenants.")
    assert speaker == "Ada Perrin" and content.startswith("the council's decision a huge win")


def test_a_quoted_title_is_nobody_s_words():
    assert said("Kettering spoke on “Morning Edition With Lena Marsh” about the audit.") == []


def test_blame_and_lawsuits_accuse_their_object_and_groups_can_be_accused():
    text = "Mayor Tobias Quill spoke on Monday. “Quill blamed low-level workers for the losses,” Ada Perrin said."
    assert [accused for _, accused, _ in spoken(text)] == [["low-level workers"]]
    text = "Ada Perrin said the state was suing the Delmont Shipping Company over the spill."
    assert [accused for _, accused, _ in spoken(text)] == [["Delmont Shipping Company"]]


def test_a_group_doing_the_act_or_the_agent_of_a_passive_is_the_accused():
    text = "Jonas Ferrell was shot and killed by a white officer after a traffic stop."
    assert [accused for _, accused, _ in spoken(text)] == [["a white officer"]]


def test_a_party_noun_just_before_the_act_is_its_doer_not_the_victim_named_after():
    text = "Ada Perrin said the film shows the police killings of Jonas Ferrell and Mara Lind."
    assert [accused for _, accused, _ in spoken(text)] == [["the police"]]


def test_a_participle_cue_after_a_comma_belongs_to_the_sentence_subject():
    [(speaker, _, content)] = said(
        "Ada Perrin toured the port in Dayton, saying the city could not afford another deficit."
    )
    assert speaker == "Ada Perrin" and content.startswith("the city could not afford")


def test_a_second_attribution_inside_reported_speech_is_a_second_statement():
    found = said("Omar Pell said the vote was close, and he noted that turnout had doubled since 2020.")
    assert [(speaker, content) for speaker, _, content in found] == [
        ("Omar Pell", "the vote was close"),
        ("Omar Pell", "turnout had doubled since 2020"),
    ]
    assert found[1][1] == "he"


def test_a_speaker_phrase_starts_after_a_closed_quotation():
    from summarizer.engines.rules.speakers import clean_speaker

    assert clean_speaker('Pell promised "A Harbor For Everyone." He') == "He"
    assert clean_speaker("the anthem ''Home Again,'' she") == "she"


def test_an_age_or_a_party_after_the_name_in_an_attribution_is_no_part_of_it():
    [(speaker, _, _)] = said("“We will rebuild the pier before winter,” Quina Jones, 25, said on Monday.")
    assert speaker == "Quina Jones"
    [(speaker, _, _)] = said("“The veto will be overridden,” Senator Hal Brody, R-Ky., said Tuesday.")
    assert speaker.endswith("Hal Brody")


def test_a_quote_after_a_colon_is_the_words_of_the_sentence_subject():
    [(speaker, _, content)] = said(
        "Mayor Tobias Quill unveiled a new slogan: “The harbor belongs to everyone.”"
    )
    assert speaker.endswith("Tobias Quill") and content == "The harbor belongs to everyone."


def test_a_relative_clause_after_the_apposition_is_no_part_of_the_speaker():
    [(speaker, _, _)] = said(
        "Omar Pell, president of the dockworkers' union, which represents 4,000 workers, said the strike would end."
    )
    assert speaker == "Omar Pell"


def test_they_crashed_the_meeting_adds_the_two_people_named_together_before():
    text = (
        "Senator Hal Brody and Governor Lena Marsh flew to Geneva. "
        "The two learned of a meeting of the leaders of Brazil, India and China. "
        "They crashed the meeting on Tuesday."
    )
    assert meetings(text) == [sorted(["Brazil", "India", "China", "Hal Brody", "Lena Marsh"])]


def test_a_meeting_of_the_leaders_of_countries_keeps_the_countries():
    """Mapping them to the leader the article names elsewhere may name another year's leader."""
    text = (
        "Chinese President Wen Hao spoke in 2024. "
        "In 2009 diplomats noticed a meeting of the leaders of Brazil, China and India in Geneva."
    )
    assert meetings(text) == [["Brazil", "China", "India"]]


def test_joining_talks_adds_the_subject_to_the_meeting_just_reported():
    text = "Senator Hal Brody met Governor Lena Marsh in Albany. Mayor Tobias Quill later joined the talks."
    assert meetings(text) == [sorted(["Hal Brody", "Lena Marsh", "Tobias Quill"])]


def test_questions_and_far_modals_allege_nothing():
    assert spoken("“Did Mayor Tobias Quill evade taxes through illegal schemes?” Ada Perrin asked.") == []
    text = "Mayor Tobias Quill will be unable to turn the crowd against the council and accuse it of fraud."
    assert spoken(text) == []


def test_a_relative_pronoun_subject_speaks_for_its_antecedent_and_is_the_mention():
    [(speaker, mention, content)] = said(
        "The bill was backed by Senator Hal Brody, who said the port needed new cranes."
    )
    assert speaker.endswith("Hal Brody") and mention == "who" and content == "the port needed new cranes"
