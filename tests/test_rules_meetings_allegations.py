"""The rule-based meeting and allegation readers, one news pattern per test.

Every sentence here was written for these tests (invented people and countries). Each test also
checks that every evidence passage is the article's own words, so the items are grounded by
construction.
"""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.article import Article
from summarizer.engines.rules.allegations import find_allegations
from summarizer.engines.rules.meetings import find_meetings
from summarizer.engines.rules.text import sentences
from summarizer.normalize.pipeline import normalize
from summarizer.normalize.quotes import find_quotes
from summarizer.schema import AllegationDraft, ArticleExtraction, MeetingDraft, Meta

PUBLISHED = dt.date(2024, 6, 14)  # a Friday


def meetings(text: str, published: dt.date | None = PUBLISHED) -> list[MeetingDraft]:
    found = find_meetings(text, sentences(text, find_quotes(text)), published)
    for item in found:
        assert item.evidence and all(passage in text for passage in item.evidence)
    return found


def allegations(text: str) -> list[AllegationDraft]:
    found = find_allegations(text, sentences(text, find_quotes(text)))
    for item in found:
        assert item.evidence and all(passage in text for passage in item.evidence)
    return found


def pairs(found: list[MeetingDraft]) -> list[list[str]]:
    return [m.participants for m in found]


# --------------------------------------------------------------------------- meetings


def test_met_with_gives_participants_place_and_date():
    text = (
        "BELMORA, Ostrava — Ostravan President Lena Kovac met with Prime Minister Tomas Reyes of "
        "Valdana in Belmora on Thursday, their first meeting in four years."
    )
    [meeting] = meetings(text)
    assert meeting.participants == ["Lena Kovac", "Tomas Reyes"]
    assert meeting.location == "Belmora"
    assert meeting.date_text == "on Thursday"


def test_normalization_resolves_the_meeting_date_from_date_text():
    text = "Foreign Minister Ada Brandt met her counterpart, Pavel Orlov, in Vienna yesterday."
    article = Article(text=text, id="t", published=PUBLISHED)
    draft = ArticleExtraction(summary="", meetings=meetings(text))
    summary = normalize(article, draft, Meta(engine="rules"))
    assert [(m.participants, m.date) for m in summary.meetings] == [
        (["Ada Brandt", "Pavel Orlov"], "2024-06-13")
    ]


def test_held_talks_with_and_a_host_named_next_join_one_meeting():
    text = (
        "Foreign Minister Ada Brandt held talks with her counterpart, Pavel Orlov, in Vienna on Monday. "
        "The meeting, hosted by the mediator for the region, Jonas Weir, lasted four hours."
    )
    [meeting] = meetings(text)
    assert meeting.participants == ["Ada Brandt", "Pavel Orlov", "Jonas Weir"]
    assert meeting.date_text == "on Monday"
    assert len(meeting.evidence) == 2


def test_talks_between_two_named_ministers():
    text = (
        "Talks between Trade Minister Nora Lind and Economy Minister Ivo Marek ended without a deal "
        "on March 3."
    )
    [meeting] = meetings(text)
    assert meeting.participants == ["Nora Lind", "Ivo Marek"]
    assert meeting.date_text == "on March 3"


def test_hosted_gives_host_and_guest():
    text = "President Sara Quint hosted Chancellor Erik Bauer in Ravel on Monday to discuss energy prices."
    [meeting] = meetings(text)
    assert meeting.participants == ["Sara Quint", "Erik Bauer"]
    assert meeting.location == "Ravel"


def test_received_at_a_named_place():
    text = (
        "King Omar Sayed received the special envoy for the region, Julia Hart, at the royal palace "
        "on Tuesday."
    )
    [meeting] = meetings(text)
    assert meeting.participants == ["Omar Sayed", "Julia Hart"]
    assert meeting.location == "royal palace"
    assert meeting.date_text == "on Tuesday"


def test_received_money_is_not_a_meeting():
    assert meetings("Prosecutors say Ivo Marek received 40,000 euros from a builder.") == []


def test_passive_received_separately_by_gives_one_meeting_per_guest():
    text = (
        "Opposition leader Anna Vey met with Speaker Karl Oster on Monday. "
        "The two had each been received separately by President Mila Roth last Friday."
    )
    assert pairs(meetings(text)) == [
        ["Anna Vey", "Karl Oster"],
        ["Mila Roth", "Anna Vey"],
        ["Mila Roth", "Karl Oster"],
    ]
    assert meetings(text)[1].date_text == "last Friday"


def test_visited_a_country_and_met_someone_there():
    text = "Defence Minister Hugo Stahl visited Norvania last week and met President Dana Petrova."
    [meeting] = meetings(text)
    assert meeting.participants == ["Hugo Stahl", "Dana Petrova"]
    assert meeting.location == "Norvania"
    assert meeting.date_text == "last week"


def test_pronoun_subject_is_the_last_person_named():
    text = (
        "Defence Minister Hugo Stahl arrived in Kelm on Sunday. "
        "During the two-day trip, Stahl toured the naval yard at Port Rell, where he met its director, "
        "Rita Molnar."
    )
    [meeting] = meetings(text)
    assert meeting.participants == ["Hugo Stahl", "Rita Molnar"]
    assert meeting.date_text == "During the two-day trip"


def test_sidelines_of_an_event_is_the_occasion():
    text = (
        "Premier Wen Lao met with President Ruth Adeyemi on the sidelines of the Harbour Nations Summit in "
        "Osterby on Saturday."
    )
    [meeting] = meetings(text)
    assert meeting.occasion == "Harbour Nations Summit"
    assert meeting.location == "Osterby"
    assert meeting.date_text == "on Saturday"


def test_heads_of_several_countries_are_separate_bilateral_meetings():
    text = "Also on Sunday, Premier Wen Lao met with the heads of Chile, Kenya and Norway."
    assert pairs(meetings(text)) == [["Wen Lao", "Chile"], ["Wen Lao", "Kenya"], ["Wen Lao", "Norway"]]
    assert {m.date_text for m in meetings(text)} == {"Also on Sunday"}


def test_met_separately_with_prime_ministers_uses_the_person_named_later():
    text = (
        "Later on Friday, Mayor Ines Falk met separately with the prime ministers of Ardenia, Belgravia and "
        "Corvania. Corvanian Prime Minister Olaf Brink said the talks were useful."
    )
    assert pairs(meetings(text)) == [
        ["Ines Falk", "Ardenia"],
        ["Ines Falk", "Belgravia"],
        ["Ines Falk", "Olaf Brink"],
    ]


def test_held_separate_meetings_splits_the_list():
    text = (
        "On Friday, Chancellor Erik Bauer held separate meetings with the leaders of Ardenia and Belgravia."
    )
    assert pairs(meetings(text)) == [["Erik Bauer", "Ardenia"], ["Erik Bauer", "Belgravia"]]


def test_people_who_met_together_are_one_meeting():
    text = "President Sara Quint met with Chancellor Erik Bauer and his finance minister, Lia Horn, in Ravel."
    assert pairs(meetings(text)) == [["Sara Quint", "Erik Bauer", "Lia Horn"]]


def test_leaders_of_a_summit_met_together():
    text = (
        "The leaders of Ardenia, Belgravia and Corvania met in the port city of Lisvik on Wednesday "
        "for a summit."
    )
    [meeting] = meetings(text)
    assert meeting.participants == ["Ardenia", "Belgravia", "Corvania"]
    assert meeting.location == "Lisvik"
    assert meeting.occasion == "summit"


def test_their_ministers_met_gives_the_countries_of_the_meeting_before():
    text = (
        "President Sara Quint of Ardenia hosted Chancellor Erik Bauer of Belgravia in Ravel on Friday. "
        "Their foreign ministers had met in the same building on Thursday."
    )
    assert pairs(meetings(text)) == [["Sara Quint", "Erik Bauer"], ["Ardenia", "Belgravia"]]
    assert meetings(text)[1].date_text == "on Thursday"


def test_a_sentence_without_a_date_takes_the_date_of_the_meeting_just_before():
    text = (
        "The leaders of Ardenia and Belgravia met in Lisvik on Wednesday. "
        "President Sara Quint hosted Chancellor Erik Bauer for three hours of talks."
    )
    assert [m.date_text for m in meetings(text)] == ["on Wednesday", "on Wednesday"]


@pytest.mark.parametrize(
    "text",
    [
        "President Sara Quint and Chancellor Erik Bauer held talks by phone on Monday.",
        "President Sara Quint spoke with Chancellor Erik Bauer in a phone call on Monday and met no one.",
        "Sara Quint and Erik Bauer agreed in a video call to meet soon.",
    ],
)
def test_phone_and_video_calls_are_not_meetings(text):
    assert meetings(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "President Sara Quint will meet Chancellor Erik Bauer in Ravel next month.",
        "The two ministers, Ada Brandt and Pavel Orlov, are due to meet again in Geneva.",
        "Sara Quint invited Erik Bauer to visit Ravel in the autumn, and he accepted.",
        "Sara Quint is expected to meet Erik Bauer on the sidelines of the summit.",
        "Future talks between Ada Brandt and Pavel Orlov are expected next week.",
    ],
)
def test_planned_and_invited_meetings_are_not_meetings(text):
    assert meetings(text) == []


def test_met_with_criticism_is_not_a_meeting():
    assert meetings("The plan by President Sara Quint was met with criticism from unions.") == []


# --------------------------------------------------------------------------- allegations


def test_x_accused_y_of_z_gives_accuser_accused_and_claim():
    text = (
        "Relations soured in 2021, when Dravelian officials accused Ostravan border guards of beating three "
        "fishermen, and demanded an apology."
    )
    [item] = allegations(text)
    assert (item.accuser, item.accused, item.claim, item.status) == (
        "Dravelian officials",
        ["Ostravan border guards"],
        "beating three fishermen",
        "alleged",
    )


def test_is_accused_of_has_no_accuser():
    [item] = allegations("The mining company is accused of poisoning the river with cyanide.")
    assert item.accuser is None
    assert item.accused == ["mining company"]
    assert item.claim == "poisoning the river with cyanide"


def test_accused_of_abuses_including_keeps_the_whole_list():
    [item] = allegations("The army is accused of widespread abuses including torture and forced labour.")
    assert item.claim == "widespread abuses including torture and forced labour"


def test_who_has_been_accused_of_ends_at_the_relative_clause():
    text = "Senator Paul Eder, who has been accused of taking bribes, called the inquiry a farce."
    [item] = allegations(text)
    assert (item.accused, item.claim) == (["Paul Eder"], "taking bribes")


def test_charged_with_takes_the_accuser_from_the_attribution():
    text = (
        "Former mayor Lucas Brandt was charged on Tuesday with fraud and bribery, the city prosecutor's "
        "office said."
    )
    [item] = allegations(text)
    assert item.accused == ["Lucas Brandt"]
    assert item.claim == "fraud and bribery"
    assert item.accuser == "city prosecutor's office"


def test_prosecutors_allege_two_counts_with_a_pronoun():
    text = (
        "Former mayor Lucas Brandt appeared in court on Monday. "
        "Prosecutors allege that Brandt took 2 million euros from a builder, and that he hid the money "
        "abroad."
    )
    found = allegations(text)
    assert [(a.accuser, a.accused, a.claim) for a in found] == [
        ("Prosecutors", ["Lucas Brandt"], "took 2 million euros from a builder"),
        ("Prosecutors", ["Lucas Brandt"], "hid the money abroad"),
    ]


def test_allegations_that_has_no_accuser():
    [item] = allegations(
        "The regulator opened an inquiry into allegations that two banks had rigged interest rates."
    )
    assert item.accuser is None
    assert item.accused == ["two banks"]
    assert item.claim == "had rigged interest rates"


def test_allegedly_names_the_accused_before_it():
    [item] = allegations("Police said Mark Olin allegedly set fire to the warehouse.")
    assert (item.accused, item.claim) == (["Mark Olin"], "set fire to the warehouse")


def test_campaigners_say_accuses_the_dateline_country():
    text = "MIRAVAL, Ostrava — Campaigners say hundreds of protesters have been jailed since March."
    [item] = allegations(text)
    assert item.accuser == "Campaigners"
    assert item.accused == ["Ostrava"]
    assert item.claim == "hundreds of protesters have been jailed since March"


def test_campaigners_say_accuses_the_party_accused_in_the_same_sentence():
    text = (
        "Campaigners say thousands of villagers were forced from their land in Kellos, a province where "
        "Ardenia is accused of widespread abuses."
    )
    found = allegations(text)
    assert {tuple(a.accused) for a in found} == {("Ardenia",)}
    assert [a.accuser for a in found] == ["Campaigners", None]


def test_criticism_of_someones_rule_is_an_allegation_with_no_named_accuser():
    text = (
        "President Ivo Rask was among the leaders who attended, shunning Western criticism of their "
        "heavy-handed rule."
    )
    [item] = allegations(text)
    assert (item.accuser, item.accused, item.claim, item.status) == (
        None,
        ["Ivo Rask"],
        "heavy-handed rule",
        "alleged",
    )


def test_dismissed_criticism_is_disputed():
    [item] = allegations(
        "President Ivo Rask has dismissed Western criticism of his authoritarian rule as meddling."
    )
    assert (item.claim, item.status) == ("authoritarian rule", "disputed")


def test_crackdown_drawing_criticism():
    text = (
        "President Ivo Rask took office in 2015. Since then, Rask has overseen a sweeping crackdown on the "
        "press, jailing dozens of reporters and drawing international criticism."
    )
    [item] = allegations(text)
    assert item.accused == ["Ivo Rask"]
    assert item.claim == "overseen a sweeping crackdown on the press, jailing dozens of reporters"


def test_denied_the_allegations_sets_status_denied():
    text = (
        "Opposition leader Mara Voss accused the government of hiding the deficit. "
        "Finance Minister Tom Ekel denied the allegations."
    )
    [item] = allegations(text)
    assert (item.accuser, item.accused, item.status) == ("Mara Voss", ["government"], "denied")
    assert len(item.evidence) == 2


def test_a_denial_by_someone_of_the_accused_country_answers_it():
    text = (
        "Ardenia has accused Belgravia of smuggling arms across the border. "
        "The talks ended early. Officials met again in the evening. Dinner was cancelled. "
        "On Friday, Belgravian Foreign Minister Jan Oske rejected the accusations."
    )
    [item] = allegations(text)
    assert (item.accuser, item.accused, item.status) == ("Ardenia", ["Belgravia"], "denied")


def test_a_lawyer_contesting_for_the_accused_makes_it_disputed():
    text = (
        "Former mayor Lucas Brandt was charged with fraud. "
        "Brandt's lawyer, Eva Kron, said her client contests every charge."
    )
    [item] = allegations(text)
    assert item.status == "disputed"


def test_pleaded_guilty_is_admitted():
    [item] = allegations("A former aide, Nina Wolf, pleaded guilty in May to perjury and agreed to testify.")
    assert (item.accuser, item.accused, item.claim, item.status) == (
        None,
        ["Nina Wolf"],
        "perjury",
        "admitted",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Neither man has been charged with a crime.",
        "Senator Paul Eder has never been accused of wrongdoing.",
        "Rivals may accuse Paul Eder of arrogance.",
        "The senator will be unable to blame the press and accuse reporters of bias.",
    ],
)
def test_negated_and_hypothetical_accusations_are_not_allegations(text):
    assert allegations(text) == []


def test_a_surname_alone_after_received_is_a_person():
    [meeting] = meetings("Kovac received Orlov at the presidential palace on Sunday evening.")
    assert meeting.participants == ["Kovac", "Orlov"]
    assert meeting.location == "presidential palace"


def test_met_his_wife_is_not_a_news_meeting():
    assert meetings("He moved to Lisvik in 1990, where he met his wife, Ana, a teacher.") == []


def test_arrested_and_charged_which_he_denies():
    [item] = allegations(
        "Reporter Ivan Petrov was arrested in March and charged with espionage, which he denies."
    )
    assert (item.claim, item.status) == ("espionage", "denied")
    assert "Ivan Petrov" in item.accused[0]


def test_rights_groups_say_an_institution_did_wrong():
    [item] = allegations("Human rights groups say the army has killed dozens of protesters since the coup.")
    assert (item.accuser, item.accused) == ("Human rights groups", ["army"])
    assert item.claim == "has killed dozens of protesters since the coup"


def test_active_charge_with_a_lowercase_title_and_a_later_denial():
    from summarizer import summarize

    summary = summarize(
        "date 2024-03-12\nProsecutors charged former mayor Jan Kos with fraud on Monday. Kos denied the charges.",
        engine="rules",
    )
    (allegation,) = summary.allegations
    assert (allegation.accuser, allegation.accused, allegation.status) == (
        "Prosecutors",
        ["Jan Kos"],
        "denied",
    )
    assert allegation.claim.startswith("fraud")


def test_passive_accusation_names_its_accuser_after_the_claim_but_keeps_by_inside_a_claim():
    from summarizer import summarize

    first = summarize("The minister was accused of taking bribes by opposition lawmakers.", engine="rules")
    (allegation,) = first.allegations
    assert (allegation.accuser, allegation.claim) == ("opposition lawmakers", "taking bribes")
    second = summarize("The firm was accused of being paid by Russia.", engine="rules")
    assert [(a.accuser, a.claim) for a in second.allegations] == [(None, "being paid by Russia")]
