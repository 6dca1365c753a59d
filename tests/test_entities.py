"""Tests for entity resolution: one entity per person or body, and one name for every mention.

The texts are small made-up articles in the style of the seed article.
"""

from __future__ import annotations

import pytest

from summarizer.normalize.entities import (
    EntityResolver,
    guess_type,
    name_key,
    resolve_entities,
    split_title,
)
from summarizer.schema import Entity

TEXT = (
    "UN Secretary-General Antonio Guterres met with Chinese President Xi Jinping (習近平) and "
    "Chinese Minister of Foreign Affairs Wang Yi (王毅) in Beijing on Saturday. "
    "Guterres urged a credible visit to Xinjiang, his spokesman said. "
    "The Chinese leader hailed the Games. Egyptian President Abdel-Fattah al-Sissi also met with Xi. "
    "Campaigners say China detained a million people; the Chinese Ministry of Foreign Affairs "
    "denied it. Xi also met with the heads of Kazakhstan and Qatar."
)


def person(name: str, *aliases: str, title: str | None = None) -> Entity:
    return Entity(name=name, type="person", aliases=list(aliases), title=title)


def by_name(resolver: EntityResolver) -> dict[str, Entity]:
    return {e.name: e for e in resolver.entities}


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("written", "title", "name"),
    [
        ("Chinese President Xi Jinping", "Chinese President", "Xi Jinping"),
        ("UN Secretary-General Antonio Guterres", "UN Secretary-General", "Antonio Guterres"),
        ("Egyptian President Abdel-Fattah al-Sissi", "Egyptian President", "Abdel-Fattah al-Sissi"),
        ("Chinese Minister of Foreign Affairs Wang Yi", "Chinese Minister of Foreign Affairs", "Wang Yi"),
        (
            "UN High Commissioner for Human Rights Michelle Bachelet",
            "UN High Commissioner for Human Rights",
            "Michelle Bachelet",
        ),
        ("President Xi", "President", "Xi"),
        ("former U.S. President Bill Clinton", "former U.S. President", "Bill Clinton"),
        ("Secretary of State Antony Blinken", "Secretary of State", "Antony Blinken"),
        ("Foreign Minister Julie Bishop", "Foreign Minister", "Julie Bishop"),
        ("Union leader Sam Patel", "Union leader", "Sam Patel"),
        ("Xi Jinping, the Chinese president", "Chinese president", "Xi Jinping"),
    ],
)
def test_title_is_split_from_the_name(written: str, title: str, name: str) -> None:
    assert split_title(written) == (title, name, False)


@pytest.mark.parametrize(
    "written",
    [
        "General Motors",
        "Martin Luther King Jr.",
        "Justice Department",
        "Julie Bishop",
        "Chinese Ministry of Foreign Affairs",
        "Office of the High Commissioner for Human Rights",
        "China Global Television Network",
    ],
)
def test_names_containing_title_words_are_left_whole(written: str) -> None:
    assert split_title(written) == (None, written, False)


@pytest.mark.parametrize("written", ["the Chinese leader", "the UN chief", "the Egyptian president"])
def test_title_without_a_name_is_a_description(written: str) -> None:
    assert split_title(written) == (None, written, True)


def test_titled_draft_name_becomes_name_and_title() -> None:
    drafts = [
        Entity(name="Chinese President Xi Jinping", type="person"),
        Entity(name="Chinese Minister of Foreign Affairs Wang Yi", type="person"),
    ]
    entities = by_name(resolve_entities(TEXT, drafts, []))
    assert entities["Xi Jinping"].title == "Chinese President"
    assert entities["Wang Yi"].title == "Chinese Minister of Foreign Affairs"


def test_fullest_title_is_kept() -> None:
    resolver = resolve_entities(
        TEXT, [person("Xi Jinping", title="President")], ["Chinese President Xi Jinping", "Mr. Xi"]
    )
    assert by_name(resolver)["Xi Jinping"].title == "Chinese President"


def test_honorific_alone_is_not_recorded_as_a_title() -> None:
    resolver = resolve_entities("Mr. Patel said.", [], ["Mr. Sam Patel"])
    assert resolver.entities == [Entity(name="Sam Patel", type="person", aliases=[], title=None)]


# --------------------------------------------------------------------------- merging


def test_forms_of_one_person_merge_into_one_entity() -> None:
    drafts = [person("Xi Jinping"), person("Xi"), person("President Xi")]
    resolver = resolve_entities(TEXT, drafts, ["Chinese President Xi Jinping (習近平)", "Xi"])
    assert [e.name for e in resolver.entities].count("Xi Jinping") == 1
    xi = by_name(resolver)["Xi Jinping"]
    assert sorted(xi.aliases) == ["Xi", "習近平"]
    assert xi.title == "Chinese President"
    assert "Xi" not in by_name(resolver)


def test_aliases_spread_over_several_drafts_merge() -> None:
    drafts = [person("Xi Jinping", "習近平"), person("習近平", "President Xi"), person("Xi Jinping")]
    resolver = resolve_entities("", drafts, [])
    assert resolver.entities == [person("Xi Jinping", "習近平", "Xi", title="President")]


def test_parenthesised_name_in_a_draft_is_an_alias() -> None:
    resolver = resolve_entities("", [person("Wang Yi (王毅)")], [])
    assert resolver.entities == [person("Wang Yi", "王毅")]


def test_parenthesised_name_after_a_known_name_in_the_text_is_an_alias() -> None:
    resolver = resolve_entities(TEXT, [person("Xi Jinping"), person("Wang Yi")], [])
    assert by_name(resolver)["Xi Jinping"].aliases == ["習近平"]
    assert by_name(resolver)["Wang Yi"].aliases == ["王毅"]


def test_parenthesis_that_is_not_a_name_is_ignored() -> None:
    text = "Antonio Guterres (center) and Xi Jinping (69) posed. (AFP)"
    resolver = resolve_entities(text, [person("Antonio Guterres"), person("Xi Jinping")], [])
    assert all(e.aliases == [] for e in resolver.entities)


def test_unambiguous_surname_merges_into_the_full_name() -> None:
    resolver = resolve_entities(TEXT, [person("Antonio Guterres")], ["Guterres", "al-Sissi", "Sissi"])
    resolver_sissi = resolve_entities(TEXT, [person("Abdel-Fattah al-Sissi")], ["al-Sissi", "Sissi"])
    assert resolver.canonical("Guterres") == "Antonio Guterres"
    assert by_name(resolver)["Antonio Guterres"].aliases == ["Guterres"]
    assert [e.name for e in resolver_sissi.entities] == ["Abdel-Fattah al-Sissi"]
    assert resolver_sissi.canonical("Sissi") == "Abdel-Fattah al-Sissi"


def test_surname_shared_by_two_people_stays_its_own_entity() -> None:
    text = "Hillary Clinton and Bill Clinton arrived. Clinton spoke first."
    drafts = [person("Hillary Clinton", "Clinton"), person("Bill Clinton", "Clinton")]
    resolver = resolve_entities(text, drafts, ["Clinton"])
    assert resolver.entities == [person("Hillary Clinton"), person("Bill Clinton"), person("Clinton")]
    assert resolver.canonical("Clinton") == "Clinton"
    assert resolver.canonical("Mrs. Clinton") == "Clinton"
    assert resolver.canonical("Hillary") == "Hillary Clinton"


def test_ambiguous_alias_listed_by_two_drafts_is_dropped_from_both() -> None:
    drafts = [person("Hillary Clinton", "Clinton"), person("Bill Clinton", "Clinton")]
    resolver = resolve_entities("", drafts, [])
    assert resolver.entities == [person("Hillary Clinton"), person("Bill Clinton")]
    assert resolver.canonical("Clinton") == "Clinton"
    assert len(resolver.entities) == 3


def test_comparison_ignores_case_diacritics_dots_and_hyphens() -> None:
    drafts = [person("António Guterres"), person("Antonio Guterres"), person("ABDEL FATTAH AL-SISSI")]
    resolver = resolve_entities("", drafts, ["Abdel-Fattah al-Sissi"])
    assert len(resolver.entities) == 2
    assert resolver.canonical("antonio guterres") == "António Guterres"
    assert name_key("U.S.") == name_key("US") == "us"
    assert name_key("the United Nations") == "united nations"
    assert name_key("Guterres’") == "guterres"


def test_acronym_merges_with_the_full_name() -> None:
    text = "The United Nations said on Monday that the UN and U.N. agencies would help."
    resolver = resolve_entities(
        text, [Entity(name="the United Nations", type="organization")], ["UN", "U.N."]
    )
    assert resolver.entities == [Entity(name="United Nations", type="organization", aliases=["UN"])]
    for written in ("UN", "U.N.", "United Nations", "the United Nations"):
        assert resolver.canonical(written) == "United Nations"


def test_acronym_in_parentheses_after_the_full_name_is_an_alias() -> None:
    resolver = resolve_entities(
        "The World Health Organization (WHO) warned.", [], ["World Health Organization"]
    )
    assert resolver.entities[0].aliases == ["WHO"]
    assert resolver.canonical("WHO") == "World Health Organization"


def test_countries_and_organisations_are_not_merged_by_shared_words() -> None:
    mentions = [
        "China",
        "Chinese authorities",
        "China Global Television Network",
        "Chinese Ministry of Foreign Affairs",
    ]
    resolver = resolve_entities(TEXT, [], mentions)
    assert sorted(e.name for e in resolver.entities) == sorted(mentions)


# --------------------------------------------------------------------------- descriptions


def test_description_merges_into_the_one_person_whose_title_fits() -> None:
    drafts = [
        person("Xi Jinping", title="Chinese President"),
        person("Wang Yi", title="Chinese Minister of Foreign Affairs"),
    ]
    resolver = resolve_entities(TEXT, drafts, ["the Chinese leader"])
    assert resolver.canonical("the Chinese leader") == "Xi Jinping"
    assert "The Chinese leader" not in by_name(resolver)
    assert by_name(resolver)["Xi Jinping"].aliases == ["習近平", "the Chinese leader"]


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("the Egyptian president", "Abdel-Fattah al-Sissi"),
        ("the UN chief", "Antonio Guterres"),
        ("the Chinese foreign minister", "Wang Yi"),
        ("China's president", "Xi Jinping"),
    ],
)
def test_description_role_and_affiliation_must_match_the_title(description: str, expected: str) -> None:
    drafts = [
        person("Antonio Guterres", title="UN Secretary-General"),
        person("Michelle Bachelet", title="UN High Commissioner for Human Rights"),
        person("Xi Jinping", title="Chinese President"),
        person("Wang Yi", title="Chinese Minister of Foreign Affairs"),
        person("Abdel-Fattah al-Sissi", title="Egyptian President"),
    ]
    resolver = resolve_entities(TEXT, drafts, [description])
    assert resolver.canonical(description) == expected
    assert len(resolver.entities) == len(drafts)


def test_ambiguous_description_is_not_merged() -> None:
    text = "Chinese President Xi Jinping met Chinese Premier Li Keqiang. The Chinese leader spoke."
    mentions = ["Chinese President Xi Jinping", "Chinese Premier Li Keqiang", "the Chinese leader"]
    resolver = resolve_entities(text, [], mentions)
    assert [e.name for e in resolver.entities] == ["Xi Jinping", "Li Keqiang", "Chinese leader"]
    assert resolver.canonical("the Chinese leader") == "Chinese leader"


def test_deputy_title_does_not_match_a_description_of_the_holder() -> None:
    resolver = resolve_entities(
        "", [person("Kamala Harris", title="U.S. Vice President")], ["the U.S. president"]
    )
    assert resolver.canonical("the U.S. president") == "U.S. president"
    assert by_name(resolver)["Kamala Harris"].aliases == []


# --------------------------------------------------------------------------- canonical names and types


def test_canonical_name_prefers_the_latin_full_name() -> None:
    resolver = resolve_entities(TEXT, [person("習近平", "Xi", "Xi Jinping")], [])
    assert resolver.entities == [person("Xi Jinping", "習近平", "Xi")]


def test_canonical_name_is_the_fullest_form() -> None:
    resolver = resolve_entities(TEXT, [person("Guterres", "Antonio Guterres")], [])
    assert resolver.entities == [person("Antonio Guterres", "Guterres")]


def test_non_latin_name_in_another_script_joins_the_latin_one() -> None:
    resolver = resolve_entities("", [person("習近平", "Xi")], ["Xi Jinping"])
    assert resolver.entities == [person("Xi Jinping", "習近平", "Xi")]


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("Kazakhstan", "country"),
        ("U.S.", "country"),
        ("Britain", "country"),
        ("Campaigners", "group"),
        ("Chinese authorities", "group"),
        ("rights activists", "group"),
        ("Chinese Ministry of Foreign Affairs", "organization"),
        ("China Global Television Network", "organization"),
        ("NATO", "organization"),
        ("Dana Ortiz", "person"),
        ("Senator Ortiz", "person"),
        ("Beijing Winter Olympics", "other"),
        ("Xinjiang", "other"),
    ],
)
def test_types_are_guessed_for_untyped_names(mention: str, expected: str) -> None:
    assert guess_type(mention) == expected


def test_mentions_not_in_drafts_become_new_entities_with_guessed_types() -> None:
    mentions = ["Kazakhstan", "Campaigners", "Chinese Ministry of Foreign Affairs", "Qatar"]
    resolver = resolve_entities(TEXT, [person("Xi Jinping")], mentions)
    types = {e.name: e.type for e in resolver.entities}
    assert types == {
        "Xi Jinping": "person",
        "Campaigners": "group",
        "Chinese Ministry of Foreign Affairs": "organization",
        "Kazakhstan": "country",
        "Qatar": "country",
    }


def test_draft_type_wins_over_the_guess() -> None:
    resolver = resolve_entities("", [Entity(name="Xinjiang", type="other")], ["Xinjiang"])
    assert resolver.entities == [Entity(name="Xinjiang", type="other")]


def test_lone_name_with_a_title_is_a_person() -> None:
    resolver = resolve_entities("", [], ["President Xi"])
    assert resolver.entities == [Entity(name="Xi", type="person", title="President")]


# --------------------------------------------------------------------------- the resolver


def seed_resolver() -> tuple[EntityResolver, list[str]]:
    drafts = [
        person("Antonio Guterres", "Guterres", title="UN Secretary-General"),
        person("Xi", "President Xi"),
        person("Chinese President Xi Jinping (習近平)"),
        person("Wang Yi", title="Chinese Minister of Foreign Affairs"),
        Entity(name="Chinese Ministry of Foreign Affairs", type="organization"),
        Entity(name="United Nations", type="organization", aliases=["U.N."]),
    ]
    mentions = [
        "Guterres",
        "Xi",
        "the Chinese leader",
        "Egyptian President Abdel-Fattah al-Sissi",
        "al-Sissi",
        "Campaigners",
        "Kazakhstan",
        "Qatar",
        "UN",
    ]
    return resolve_entities(TEXT, drafts, mentions), mentions


def test_canonical_of_every_name_and_alias_returns_the_canonical_name() -> None:
    resolver, _ = seed_resolver()
    for entity in resolver.entities:
        for written in (entity.name, *entity.aliases):
            assert resolver.canonical(written) == entity.name, written


def test_every_mention_is_known_after_resolution() -> None:
    resolver, mentions = seed_resolver()
    before = [e.model_copy(deep=True) for e in resolver.entities]
    canon = {m: resolver.canonical(m) for m in mentions}
    assert resolver.entities == before
    assert canon["the Chinese leader"] == "Xi Jinping"
    assert canon["al-Sissi"] == "Abdel-Fattah al-Sissi"
    assert canon["UN"] == "United Nations"


def test_entities_follow_first_mention_in_the_text_then_input_order() -> None:
    resolver, _ = seed_resolver()
    assert [e.name for e in resolver.entities] == [
        "United Nations",
        "Antonio Guterres",
        "Xi Jinping",
        "Wang Yi",
        "Abdel-Fattah al-Sissi",
        "Campaigners",
        "Chinese Ministry of Foreign Affairs",
        "Kazakhstan",
        "Qatar",
    ]
    off_text = resolve_entities(TEXT, [person("Zed Zulu"), person("Amy Alpha"), person("Wang Yi")], [])
    assert [e.name for e in off_text.entities] == ["Wang Yi", "Zed Zulu", "Amy Alpha"]


def test_same_input_gives_the_same_output() -> None:
    first, _ = seed_resolver()
    second, _ = seed_resolver()
    assert [e.model_dump() for e in first.entities] == [e.model_dump() for e in second.entities]


def test_unknown_name_becomes_a_new_entity_cleaned_of_its_title() -> None:
    resolver, _ = seed_resolver()
    count = len(resolver.entities)
    assert resolver.canonical("Senator Jane Doe") == "Jane Doe"
    assert resolver.entities[-1] == Entity(name="Jane Doe", type="person", title="Senator")
    assert resolver.canonical("Jane Doe") == "Jane Doe"
    assert resolver.canonical("Doe") == "Jane Doe"
    assert len(resolver.entities) == count + 1
    assert resolver.entities[-1].aliases == ["Doe"]


def test_unknown_part_of_a_known_name_joins_it() -> None:
    resolver = EntityResolver([person("Michelle Bachelet", title="UN High Commissioner for Human Rights")])
    assert resolver.canonical("Bachelet") == "Michelle Bachelet"
    assert resolver.entities == [
        person("Michelle Bachelet", "Bachelet", title="UN High Commissioner for Human Rights")
    ]


def test_resolver_works_on_finished_entities() -> None:
    resolver = EntityResolver([person("Xi Jinping", "Xi", "習近平", title="Chinese President")])
    assert resolver.canonical("習近平") == "Xi Jinping"
    assert resolver.canonical("President Xi") == "Xi Jinping"
    assert resolver.canonical("the Chinese president") == "Xi Jinping"
    assert resolver.entity("Xi").title == "Chinese President"


def test_empty_inputs() -> None:
    resolver = resolve_entities("", [], ["", "  "])
    assert resolver.entities == []
    assert resolver.canonical("  ") == ""
    assert resolver.entities == []


def test_many_drafts_and_mentions_resolve_to_one_entity_each() -> None:
    drafts = [person(f"Person{i} Surname{i}", f"Surname{i}") for i in range(30)]
    mentions = [f"Minister Person{i} Surname{i}" for i in range(30)] + ["Kazakhstan", "the UN chief"] * 10
    resolver = resolve_entities(TEXT * 10, drafts, mentions)
    for i in range(30):
        assert resolver.canonical(f"Surname{i}") == resolver.canonical(f"Person{i} Surname{i}")
    assert len({resolver.canonical(f"Person{i} Surname{i}") for i in range(30)}) == 30
