"""Tests for the quote finder: which characters of an article lie inside quotation marks.

Most cases are tables of (text, expected quoted words), checked through `text[start:end]` so
every expectation is also an offset check.
"""

import random

import pytest

from summarizer.normalize.quotes import Quote, find_quotes, quote_at, quoted_fraction, quoted_segments

MARKS = "“”„\"«»‘’‚'‹›「」『』"


def inner_texts(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


def segment_texts(text: str) -> list[list[str]]:
    return [[text[s:e] for s, e in q.segments] for q in find_quotes(text)]


# --- marks of many typographic traditions -------------------------------------------------

MARK_CASES = [
    ("curly_english", "He called it “a credible visit” on Saturday.", ["a credible visit"]),
    ("straight_double", 'He called it "a credible visit" on Saturday.', ["a credible visit"]),
    ("straight_double_at_start", '"We will win," he said.', ["We will win,"]),
    ("straight_after_colon_without_space", 'He said:"Yes."', ["Yes."]),
    ("guillemets_with_spaces", "Il a dit « nous gagnerons » hier.", ["nous gagnerons"]),
    ("guillemets_with_nbsp", "Il a dit «\u00a0nous gagnerons\u00a0» hier.", ["nous gagnerons"]),
    ("guillemets_with_narrow_nbsp", "Il a dit «\u202fnous gagnerons\u202f» hier.", ["nous gagnerons"]),
    ("guillemets_without_spaces", "Er sagte «Wir gewinnen» gestern.", ["Wir gewinnen"]),
    ("german_low_high", "„Das ist gut“, sagte er.", ["Das ist gut"]),
    ("polish_low_right", "„To jest dobre” – powiedział.", ["To jest dobre"]),
    ("reversed_guillemets_danish", "»Det er godt«, sagde han.", ["Det er godt"]),
    ("reversed_guillemets_after_colon", "Er sagte: »Wir gewinnen«.", ["Wir gewinnen"]),
    ("finnish_double_right_guillemets", "Hän sanoi »hyvä on» eilen.", ["hyvä on"]),
    ("swedish_double_right_quotes", "Han sa ”det är bra” i går.", ["det är bra"]),
    ("curly_single", "He called it ‘a farce’ and left.", ["a farce"]),
    ("german_single_low_high", "Er nannte es ‚eine Farce‘ und ging.", ["eine Farce"]),
    ("straight_single", "He called it 'a farce' and left.", ["a farce"]),
    ("single_guillemets", "Il a dit ‹ oui › hier.", ["oui"]),
    ("cjk_corner_brackets", "他说「我们会赢」。", ["我们会赢"]),
    ("cjk_white_corner_brackets", "他说『我们会赢』。", ["我们会赢"]),
    ("cjk_nested_white_in_corner", "他说「他说『不』了」。", ["他说『不』了"]),
    ("quote_in_parentheses", "(“Never,” she said.)", ["Never,"]),
    ("quote_after_dash", "He said—“never”—and left.", ["never"]),
    ("empty_quote", "He said “” and left.", [""]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in MARK_CASES], ids=[c[0] for c in MARK_CASES])
def test_finds_quotes_in_each_typographic_style(text: str, expected: list[str]) -> None:
    assert inner_texts(text) == expected


STRAY_MARK_CASES = [
    ("lone_french_closer_after_space", "C’est fini » dit-il."),
    ("lone_german_closer", "Das ist gut“ sagte er."),
    ("lone_english_closer", "That is good” he said."),
    ("lone_cjk_closer", "好」。"),
    ("opening_mark_at_text_end", "He said “"),
    ("opening_mark_before_line_break", "He said “\nnothing"),
    ("straight_quote_between_spaces", 'a " b'),
    ("inch_mark", 'A 12" pizza.'),
]


@pytest.mark.parametrize("text", [c[1] for c in STRAY_MARK_CASES], ids=[c[0] for c in STRAY_MARK_CASES])
def test_stray_marks_open_nothing(text: str) -> None:
    assert find_quotes(text) == []


# --- apostrophes ----------------------------------------------------------------------------

APOSTROPHE_ONLY_CASES = [
    ("possessive", "A readout from China’s state-run Xinhua news agency."),
    ("plural_possessive_before_word", "The ministry emphasized Guterres’ support of the Games."),
    ("decade_with_right_mark", "In the ’90s the band toured."),
    ("decade_with_autocorrected_left_mark", "In the ‘90s the band toured."),
    ("decade_with_straight_mark", "In the '90s the band toured."),
    ("rock_n_roll_curly", "He loved rock ’n’ roll."),
    ("rock_n_roll_straight", "He loved rock 'n' roll."),
    ("contractions", "We don’t know and can't say, it’s theirs."),
    ("elided_them", "Catch ’em all, 'em all."),
    ("lone_left_mark_without_closer", "Her ‘mistake was to trust them."),
    ("all_of_them", "China’s leaders in the ’90s loved rock ’n’ roll and Guterres’ support."),
]


@pytest.mark.parametrize(
    "text", [c[1] for c in APOSTROPHE_ONLY_CASES], ids=[c[0] for c in APOSTROPHE_ONLY_CASES]
)
def test_apostrophes_do_not_open_quotes(text: str) -> None:
    assert find_quotes(text) == []


APOSTROPHE_INSIDE_CASES = [
    ("contraction", "‘We don’t know,’ he said.", ["We don’t know,"]),
    ("possessive_before_word", "‘We welcome Guterres’ support,’ he said.", ["We welcome Guterres’ support,"]),
    (
        "two_possessives_before_words",
        "‘The workers’ and the bosses’ rights,’ he said.",
        ["The workers’ and the bosses’ rights,"],
    ),
    ("rock_n_roll", "‘Rock ’n’ roll is fine’, he said.", ["Rock ’n’ roll is fine"]),
    ("scare_quote_then_possessive", "A ‘credible’ visit, Guterres’ support.", ["credible"]),
    (
        "two_scare_quotes_ending_in_s",
        "They called them ‘terrorists’ and ‘criminals’.",
        ["terrorists", "criminals"],
    ),
    ("possessive_after_closed_quote", "‘Stop,’ he said of the workers’ union.", ["Stop,"]),
    ("straight_single_with_contraction", "'We can't,' he said.", ["We can't,"]),
    ("quote_starting_with_a_number", "‘90 people died,’ he said.", ["90 people died,"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [c[1:] for c in APOSTROPHE_INSIDE_CASES],
    ids=[c[0] for c in APOSTROPHE_INSIDE_CASES],
)
def test_apostrophes_inside_single_quotes_do_not_close_them(text: str, expected: list[str]) -> None:
    assert inner_texts(text) == expected


# --- nesting: outermost quotes only -----------------------------------------------------------

NESTED_CASES = [
    ("single_inside_curly", "“He told me ‘no’ twice,” she said.", ["He told me ‘no’ twice,"]),
    ("single_ending_inside_curly", "“He said ‘enough’” she said.", ["He said ‘enough’"]),
    ("straight_single_inside_straight", "\"He told me 'no' twice,\" she said.", ["He told me 'no' twice,"]),
    ("curly_inside_guillemets", "« Il a dit “non” hier », a-t-elle dit.", ["Il a dit “non” hier"]),
    ("curly_inside_single", "‘He told me “no” twice,’ she said.", ["He told me “no” twice,"]),
    ("german_single_inside_german", "„Er sagte ‚nein‘ zweimal“, sagte sie.", ["Er sagte ‚nein‘ zweimal"]),
    ("straight_inside_curly", '“He told me "no" twice,” she said.', ['He told me "no" twice,']),
    ("curly_inside_straight", '"He told me “no” twice," she said.', ["He told me “no” twice,"]),
    ("same_kind_curly_nesting", "It was “a “big” deal” indeed.", ["a “big” deal"]),
    ("guillemets_nesting", "Il a dit « c’est « fou » vraiment ».", ["c’est « fou » vraiment"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in NESTED_CASES], ids=[c[0] for c in NESTED_CASES]
)
def test_nested_quotes_belong_to_the_outermost_quote(text: str, expected: list[str]) -> None:
    assert inner_texts(text) == expected


def test_sloppy_mixed_closing_marks_still_close() -> None:
    assert inner_texts('“Yes," he said.') == ["Yes,"]
    assert inner_texts('"Yes,” he said.') == ["Yes,"]
    assert inner_texts("“Yes,“ he said.") == ["Yes,"]


# --- paragraphs -------------------------------------------------------------------------------


def test_quote_continued_over_paragraphs_is_one_quote_with_a_segment_per_paragraph() -> None:
    text = "“First part.\n\n“Second part,” he said."
    [quote] = find_quotes(text)
    assert [text[s:e] for s, e in quote.segments] == ["First part.", "Second part,"]
    assert (quote.open_mark, quote.close_mark) == (0, text.index("”"))
    assert text[quote.start : quote.end] == "First part.\n\n“Second part,"


CONTINUATION_CASES = [
    ("single_line_break", "“One.\n“Two,” he said.", [["One.", "Two,"]]),
    ("crlf_and_blank_lines", "“One.\r\n\r\n  “Two,” he said.", [["One.", "Two,"]]),
    ("three_paragraphs", "“One.\n\n“Two.\n\n“Three,” he said.", [["One.", "Two.", "Three,"]]),
    ("straight_marks", '"One.\n\n"Two," he said.', [["One.", "Two,"]]),
    ("guillemets", "« Un.\n\n« Deux », dit-il.", [["Un.", "Deux"]]),
    ("german", "„Eins.\n\n„Zwei“, sagte er.", [["Eins.", "Zwei"]]),
    ("british_single", "‘One.\n\n‘Two,’ he said.", [["One.", "Two,"]]),
    ("cjk", "「一。\n\n「二」他说。", [["一。", "二"]]),
    ("unicode_paragraph_separator", "“One.\u2029“Two,” he said.", [["One.", "Two,"]]),
    ("continued_then_cut", "“One.\n\n“Two.\n\nHe left.", [["One.", "Two."]]),
    ("other_family_does_not_continue", "“One.\n\n‘Two,’ he said.", [["One."], ["Two,"]]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CONTINUATION_CASES], ids=[c[0] for c in CONTINUATION_CASES]
)
def test_opening_mark_on_next_paragraph_continues_an_unclosed_quote(
    text: str, expected: list[list[str]]
) -> None:
    assert segment_texts(text) == expected


def test_unclosed_quote_ends_at_its_paragraph_end() -> None:
    text = "He said “we will never give up  \n\nThe talks ended. Later “it was fine,” she said."
    first, second = find_quotes(text)
    assert text[first.start : first.end] == "we will never give up"
    assert first.close_mark is None
    assert first.segments == ((first.start, first.end),)
    assert text[second.start : second.end] == "it was fine,"
    assert second.close_mark == text.index("”")


def test_unclosed_quote_ends_at_text_end() -> None:
    text = "He said “we will never give up. "
    [quote] = find_quotes(text)
    assert (text[quote.start : quote.end], quote.close_mark) == ("we will never give up.", None)
    assert quote.outer_end == quote.end


def test_closed_quote_stops_at_closing_mark_not_paragraph_end() -> None:
    text = "“Done,” he said.\n\n“Next,” she said."
    assert segment_texts(text) == [["Done,"], ["Next,"]]


# --- straight quotes: context decides opening or closing ----------------------------------------


STRAIGHT_CASES = [
    ("split_around_attribution", '"Yes," he said, "we will."', ["Yes,", "we will."]),
    ("reopened_in_opener_position", '"Unclosed text. "New quote" here.', ["Unclosed text.", "New quote"]),
    ("recovers_at_paragraph_end", '"Never closed\nHe said "yes" later.', ["Never closed", "yes"]),
    ("closing_between_spaces", '"Hello " he said.', ["Hello"]),
    ("closing_before_letter", '"Hello"he said.', ["Hello"]),
    ("many_in_a_row", '"a" "b" "c"', ["a", "b", "c"]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in STRAIGHT_CASES], ids=[c[0] for c in STRAIGHT_CASES]
)
def test_straight_quotes_open_or_close_by_context(text: str, expected: list[str]) -> None:
    assert inner_texts(text) == expected


def test_reopened_straight_quote_leaves_the_first_unclosed() -> None:
    first, second = find_quotes('"Unclosed text. "New quote" here.')
    assert first.close_mark is None
    assert second.close_mark is not None


# --- split quotes and quoted_segments -----------------------------------------------------------


def test_quote_split_around_attribution_is_two_quotes_rebuilt_by_quoted_segments() -> None:
    text = "Intro. “We will not give up,” he said, “and we will win.” Outro."
    quotes = find_quotes(text)
    assert [text[q.start : q.end] for q in quotes] == ["We will not give up,", "and we will win."]
    sentence = (text.index("“"), text.index(" Outro"))
    spans = quoted_segments(quotes, *sentence)
    assert [text[s:e] for s, e in spans] == ["We will not give up,", "and we will win."]


def test_quoted_segments_clips_to_the_span_and_skips_quotes_outside() -> None:
    text = "“Alpha beta,” x “gamma delta.” y “epsilon”"
    quotes = find_quotes(text)
    lo, hi = text.index("beta"), text.index("delta") + 2
    assert [text[s:e] for s, e in quoted_segments(quotes, lo, hi)] == ["beta,", "gamma de"]
    assert quoted_segments(quotes, 0, 0) == []
    assert quoted_segments(quotes, len(text), len(text) + 5) == []
    assert quoted_segments([], 0, len(text)) == []


def test_quoted_segments_of_a_multi_paragraph_quote_skip_the_paragraph_break() -> None:
    text = "“One.\n\n“Two,” he said."
    spans = quoted_segments(find_quotes(text), 0, len(text))
    assert [text[s:e] for s, e in spans] == ["One.", "Two,"]


# --- quoted_fraction ---------------------------------------------------------------------------


def test_quoted_fraction_of_a_sentence_with_a_quoted_phrase_is_small() -> None:
    text = "Campaigners say 1 million people are held in “re-education camps” in Xinjiang."
    fraction = quoted_fraction(text, find_quotes(text), 0, len(text))
    assert 0.1 < fraction < 0.35
    assert fraction == pytest.approx(
        len("re-educationcamps") / len("Campaignerssay1millionpeopleareheldinre-educationcampsinXinjiang.")
    )


def test_quoted_fraction_of_a_fully_quoted_sentence_is_one() -> None:
    text = "He said: “China and Egypt share similar visions and strategies.”"
    quotes = find_quotes(text)
    opening = text.index("“")
    assert quoted_fraction(text, quotes, opening, len(text)) == 1.0
    assert quoted_fraction(text, quotes, quotes[0].start, quotes[0].end) == 1.0


def test_quoted_fraction_of_split_quote_with_attribution_is_high_but_below_one() -> None:
    text = "“We will not give up,” he said, “and we will win.”"
    assert 0.7 < quoted_fraction(text, find_quotes(text), 0, len(text)) < 1.0


@pytest.mark.parametrize(
    ("start", "end"),
    [(0, 0), (5, 3), (-10, 0), (100, 200), (7, 8)],
    ids=["empty", "reversed", "before", "after", "space"],
)
def test_quoted_fraction_of_empty_or_blank_spans_is_zero(start: int, end: int) -> None:
    text = "“Quoted” words"
    assert quoted_fraction(text, find_quotes(text), start, end) == 0.0


def test_quoted_fraction_without_quotes_is_zero() -> None:
    text = "He said the talks were constructive."
    assert quoted_fraction(text, find_quotes(text), 0, len(text)) == 0.0


# --- quote_at ---------------------------------------------------------------------------------


def test_quote_at_covers_the_marks_and_words_of_each_quote() -> None:
    text = "A “bc” d “ef” g"
    first, second = find_quotes(text)
    expected = {0: None, 1: None, 2: first, 3: first, 5: first, 6: None, 9: second, 12: second, 13: None}
    assert {offset: quote_at([first, second], offset) for offset in expected} == expected
    assert quote_at([], 3) is None
    assert quote_at([first, second], -1) is None


def test_quote_at_an_unclosed_quote_ends_with_its_last_word() -> None:
    text = "He said “never\n\nafter"
    quotes = find_quotes(text)
    assert quote_at(quotes, text.index("never") + 4) is quotes[0]
    assert quote_at(quotes, text.index("\n")) is None


# --- offsets ---------------------------------------------------------------------------------


OFFSET_CASES = [
    ("emoji_before_and_inside", "Fans 😀🎉 said “we love it 😀” loudly.", "we love it 😀"),
    ("accents", "Le président a déclaré « c’était très réussi » à Paris.", "c’était très réussi"),
    ("cjk_with_names", "习近平(Xi Jinping)说「我们会赢」。", "我们会赢"),
    ("combining_characters", "He said “cafe\u0301 noir” twice.", "cafe\u0301 noir"),
    ("astral_plane_before", "𝕏 𝕐 𝕑 “quoted” rest", "quoted"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in OFFSET_CASES], ids=[c[0] for c in OFFSET_CASES]
)
def test_offsets_are_python_string_indices(text: str, expected: str) -> None:
    [quote] = find_quotes(text)
    assert text[quote.start : quote.end] == expected
    assert text[quote.open_mark] in MARKS
    assert quote.close_mark is not None and text[quote.close_mark] in MARKS
    assert quote.start == quote.open_mark + 1 or text[quote.open_mark + 1 : quote.start].isspace()


def test_seed_article_quotes() -> None:
    text = (
        "Guterres expects a “credible” visit to China, his spokesman said.\n"
        "A readout from China’s Xinhua made no mention of it.\n"
        "Campaigners say 1 million people are held in “re-education camps” in Xinjiang.\n"
        "The ministry emphasized Guterres’ support of the Games.\n"
        "“China and Egypt share similar visions, enhancing their people’s well-being,” Xi said."
    )
    assert inner_texts(text) == [
        "credible",
        "re-education camps",
        "China and Egypt share similar visions, enhancing their people’s well-being,",
    ]


# --- robustness and speed ----------------------------------------------------------------------


def check_invariants(text: str, quotes: list[Quote]) -> None:
    previous_end = 0
    for quote in quotes:
        assert previous_end <= quote.open_mark < quote.start <= quote.end <= len(text)
        assert text[quote.open_mark] in MARKS
        assert quote.segments and quote.segments[0][0] == quote.start and quote.segments[-1][1] == quote.end
        segment_end = quote.open_mark
        for s, e in quote.segments:
            assert segment_end < s <= e, (text, quote)
            segment_end = e
        if quote.close_mark is not None:
            assert quote.end <= quote.close_mark < len(text)
            assert text[quote.close_mark] in MARKS
        previous_end = quote.outer_end
        assert quote_at(quotes, quote.open_mark) is quote
        assert quote_at(quotes, quote.outer_end - 1) is quote
    fraction = quoted_fraction(text, quotes, 0, len(text))
    assert 0.0 <= fraction <= 1.0


def test_random_mark_soup_never_raises_and_yields_ordered_spans_inside_the_text() -> None:
    rng = random.Random(20220207)
    alphabet = ["a", "b", "s", "n", "9", "0", " ", " ", ",", ".", "\n", "\n\n", "\u00a0", "😀", "中", *MARKS]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        check_invariants(text, find_quotes(text))


@pytest.mark.parametrize("text", ["", " ", "\n", "“", "”", '"', "'", "“”", '""', "«»", "“\n“\n“", "‘’‘’"])
def test_degenerate_texts(text: str) -> None:
    check_invariants(text, find_quotes(text))


def test_a_ten_thousand_character_article_is_scanned_whole() -> None:
    # speed is measured by bench/components.py, not asserted here
    paragraph = (
        "Guterres “expressed his expectation that the contacts will allow for a credible visit,” "
        "it said. China’s Xinhua made no mention of Guterres’ support in the ’90s. "
        "“China and Egypt share similar visions,” Xi said, “and we will win.”\n"
    )
    text = (paragraph * (10_000 // len(paragraph) + 1))[:10_000]
    quotes = find_quotes(text)
    assert len(quotes) > 100
    check_invariants(text, quotes)
