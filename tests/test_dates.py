"""Tests for the date resolver: news date expressions anchored on the publication date.

Every expected value was checked against a real calendar: 2022-02-07 is a Monday (the seed
article's dateline), 2022-02-09 a Wednesday, 2022-02-13 a Sunday, 2022-01-03 a Monday,
2022-03-15 a Tuesday.
"""

import datetime
import random
import re

import pytest

from summarizer.normalize.dates import FUTURE_TOLERANCE_DAYS, ResolvedDate, resolve_date

MON = datetime.date(2022, 2, 7)  # Monday, the seed article's publication day
WED = datetime.date(2022, 2, 9)
SUN = datetime.date(2022, 2, 13)
JAN3 = datetime.date(2022, 1, 3)  # Monday, early in the year: relative dates cross into 2021
MAR15 = datetime.date(2022, 3, 15)
LATE_FEB = datetime.date(2022, 2, 25)

NONE = ResolvedDate(None, None, None)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def day(iso: str) -> ResolvedDate:
    return ResolvedDate(iso, "day", iso)


def month(value: str) -> ResolvedDate:
    return ResolvedDate(None, "month", value)


def year(value: str) -> ResolvedDate:
    return ResolvedDate(None, "year", value)


CASES = [
    # Bare weekdays: the most recent one, the publication day itself when the names agree.
    ("on Saturday", MON, day("2022-02-05"), "weekday-seed-article"),
    ("Saturday", MON, day("2022-02-05"), "weekday-bare"),
    ("said on Sunday", MON, day("2022-02-06"), "weekday-day-before"),
    ("on Tuesday", MON, day("2022-02-01"), "weekday-six-days-back"),
    ("Monday", MON, day("2022-02-07"), "weekday-same-as-publication"),
    ("Sunday", SUN, day("2022-02-13"), "weekday-same-as-publication-sunday"),
    ("Monday", SUN, day("2022-02-07"), "weekday-monday-from-sunday"),
    ("Saturday morning", MON, day("2022-02-05"), "weekday-with-time-of-day"),
    ("late Friday", MON, day("2022-02-04"), "weekday-late"),
    ("on Friday night", MON, day("2022-02-04"), "weekday-night"),
    ("earlier on Tuesday", WED, day("2022-02-08"), "weekday-earlier-on"),
    ("on Saturday after attending the ceremony", MON, day("2022-02-05"), "weekday-in-sentence"),
    ("ON SATURDAY", MON, day("2022-02-05"), "weekday-upper-case"),
    ("on\u00a0Saturday,", MON, day("2022-02-05"), "weekday-nbsp-and-punctuation"),
    ("Friday's talks", MON, day("2022-02-04"), "weekday-possessive"),
    ("on Saturday", JAN3, day("2022-01-01"), "weekday-crossing-new-year"),
    # Weekdays with modifiers.
    ("last Monday", MON, day("2022-01-31"), "last-weekday-same-as-publication"),
    ("last Saturday", MON, day("2022-02-05"), "last-weekday"),
    ("this past Friday", MON, day("2022-02-04"), "this-past-weekday"),
    ("next Tuesday", MON, day("2022-02-08"), "next-weekday"),
    ("next Monday", MON, day("2022-02-14"), "next-weekday-same-as-publication"),
    ("this coming Saturday", MON, day("2022-02-12"), "this-coming-weekday"),
    ("this Friday", WED, day("2022-02-11"), "this-weekday-later-in-week"),
    ("this Monday", WED, day("2022-02-07"), "this-weekday-earlier-in-week"),
    ("Tuesday last week", WED, day("2022-02-01"), "weekday-last-week"),
    ("on Thursday next week", MON, day("2022-02-17"), "weekday-next-week"),
    ("earlier this week, on Tuesday", WED, day("2022-02-08"), "weekday-this-week"),
    ("on Tuesday in the past week", WED, day("2022-02-08"), "weekday-in-past-seven-days"),
    ("on Friday and Saturday", MON, NONE, "two-weekdays-fix-no-day"),
    ("on Saturdays", MON, NONE, "plural-weekday-is-habitual"),
    ("on Saturday", None, NONE, "weekday-without-publication"),
    # Days relative to publication.
    ("yesterday", MON, day("2022-02-06"), "yesterday"),
    ("today", MON, day("2022-02-07"), "today"),
    ("tonight", MON, day("2022-02-07"), "tonight"),
    ("this morning", MON, day("2022-02-07"), "this-morning"),
    ("earlier this afternoon", MON, day("2022-02-07"), "this-afternoon"),
    ("last night", MON, day("2022-02-06"), "last-night"),
    ("the day before yesterday", MON, day("2022-02-05"), "day-before-yesterday"),
    ("two days ago", MON, day("2022-02-05"), "two-days-ago"),
    ("three days ago", JAN3, day("2021-12-31"), "three-days-ago-crossing-year"),
    ("a week ago", MON, day("2022-01-31"), "a-week-ago"),
    ("tomorrow", MON, day("2022-02-08"), "tomorrow"),
    ("yesterday", None, NONE, "yesterday-without-publication"),
    # Weeks fix no day and, by design, report nothing.
    ("last week", MON, NONE, "last-week"),
    ("this week", MON, NONE, "this-week"),
    ("earlier this week", MON, NONE, "earlier-this-week"),
    ("over the weekend", MON, NONE, "weekend"),
    # Months and years relative to publication.
    ("last month", MON, month("2022-01"), "last-month"),
    ("last month", JAN3, month("2021-12"), "last-month-crossing-year"),
    ("earlier this month", MON, month("2022-02"), "earlier-this-month"),
    ("last year", MON, year("2021"), "last-year"),
    ("earlier this year", MON, year("2022"), "earlier-this-year"),
    ("two months ago", MON, month("2021-12"), "months-ago"),
    ("a year ago", MON, year("2021"), "a-year-ago"),
    ("next week", MON, NONE, "next-week"),
    ("last month", None, NONE, "last-month-without-publication"),
    # Calendar dates written out.
    ("Feb. 4", MON, day("2022-02-04"), "abbrev-with-period"),
    ("Feb 4", MON, day("2022-02-04"), "abbrev-without-period"),
    ("February 4", MON, day("2022-02-04"), "month-name-day"),
    ("4 February", MON, day("2022-02-04"), "day-month-name"),
    ("4th of February", MON, day("2022-02-04"), "ordinal-of-month"),
    ("February 4th", MON, day("2022-02-04"), "month-ordinal"),
    ("on Feb. 4", MON, day("2022-02-04"), "on-abbrev"),
    ("Feb.\u00a04", MON, day("2022-02-04"), "abbrev-nbsp"),
    ("Feb. 4, 2022", None, day("2022-02-04"), "full-date-without-publication"),
    ("4 February 2022", None, day("2022-02-04"), "day-first-full-date"),
    ("2022-02-04", None, day("2022-02-04"), "iso-date"),
    ("2022-02-04T10:00", None, day("2022-02-04"), "iso-date-with-time"),
    ("12/25/2021", None, day("2021-12-25"), "unambiguous-us-numeric"),
    ("2/3/2022", None, year("2022"), "ambiguous-numeric-gives-year"),
    ("Saturday (Feb. 5)", MON, day("2022-02-05"), "weekday-and-parenthesized-date"),
    ("Friday, Feb. 5", MON, day("2022-02-05"), "conflicting-weekday-date-wins"),
    ("Saturday, Feb. 5", MON, day("2022-02-05"), "weekday-and-date-uses-date"),
    ("Dec. 30", JAN3, day("2021-12-30"), "yearless-date-from-last-year"),
    ("Feb. 10", MON, day("2022-02-10"), "yearless-date-days-ahead"),
    ("Feb. 14", MON, day("2022-02-14"), "yearless-date-at-tolerance"),
    ("Feb. 15", MON, day("2021-02-15"), "yearless-date-past-tolerance"),
    ("Sept. 9", MON, day("2021-09-09"), "sept-abbrev"),
    ("Sep. 9", MON, day("2021-09-09"), "sep-abbrev"),
    ("Feb. 29", MON, day("2020-02-29"), "leap-day-most-recent"),
    ("Feb. 4 last year", MON, day("2021-02-04"), "yearless-date-with-last-year"),
    ("Feb. 4", None, NONE, "yearless-date-without-publication"),
    ("Feb. 30", MON, NONE, "impossible-date"),
    ("Feb. 29, 2022", None, NONE, "leap-day-in-common-year"),
    # Months and years named outright.
    ("in February", MON, month("2022-02"), "month-of-publication"),
    ("in March", MON, month("2021-03"), "month-not-yet-begun"),
    ("in March", LATE_FEB, month("2022-03"), "month-beginning-within-tolerance"),
    ("February 2022", None, month("2022-02"), "month-year"),
    ("last February", MON, month("2021-02"), "last-month-name-same-as-publication"),
    ("last February", MAR15, month("2022-02"), "last-month-name"),
    ("in early May", MON, month("2021-05"), "may-as-month"),
    ("in February last year", MON, month("2021-02"), "month-with-last-year"),
    ("in mid-February of 2021", None, month("2021-02"), "month-of-year"),
    ("in February", None, NONE, "month-without-publication"),
    ("in 2021", None, year("2021"), "year"),
    ("between 2020 and 2021", MON, NONE, "year-range"),
    # Ranges fix no single day.
    ("Feb. 4-5", MON, month("2022-02"), "range-hyphen"),
    ("Feb. 4\u20135", MON, month("2022-02"), "range-en-dash"),
    ("between Feb. 4 and 6", MON, month("2022-02"), "range-between"),
    ("4-5 February 2022", None, month("2022-02"), "range-day-first"),
    ("Feb. 28-March 1, 2022", None, year("2022"), "range-across-months"),
    ("Dec. 30-Jan. 2, 2022", None, NONE, "range-across-years"),
    ("Feb. 5-4", MON, NONE, "range-backwards"),
    # Bounds name the edge of a period, not the event's day.
    ("before Saturday's talks", MON, NONE, "bound-before-weekday"),
    ("since 2019", MON, NONE, "bound-since-year"),
    ("until Feb. 4", MON, NONE, "bound-until-date"),
    ("ahead of Friday's opening ceremony", MON, NONE, "bound-ahead-of"),
    ("by 2 p.m. on Saturday", MON, day("2022-02-05"), "time-bound-keeps-the-day"),
    ("on Saturday after 10 days of talks", MON, day("2022-02-05"), "after-a-non-date"),
    # Vague or empty.
    ("recently", MON, NONE, "recently"),
    ("earlier", MON, NONE, "earlier"),
    ("in the past", MON, NONE, "in-the-past"),
    ("they may meet again", MON, NONE, "may-the-verb"),
    ("", MON, NONE, "empty"),
    (None, MON, NONE, "none"),
]


@pytest.mark.parametrize(
    ("date_text", "published", "expected_result"),
    [pytest.param(text, pub, expected, id=case_id) for text, pub, expected, case_id in CASES],
)
def test_resolve_date(
    date_text: str | None, published: datetime.date | None, expected_result: ResolvedDate
) -> None:
    assert resolve_date(date_text, published) == expected_result


def test_case_ids_are_unique() -> None:
    ids = [case_id for *_, case_id in CASES]
    assert len(ids) == len(set(ids))


ODD_INPUTS = [
    "",
    " ",
    "🙂",
    "31/31",
    "99/99/9999",
    "0000-00-00",
    "9999-12-31",
    "Feb. 30",
    "Feb. 99-100",
    "4-",
    "-",
    ".",
    "on",
    "last",
    "next next next",
    "\u200b\ufeff\u00a0",
    "999 days ago",
    "999 years ago",
    "between and",
    "Saturday" * 1000,
    "on Saturday " + "x" * 100_000,
    "1 " * 50_000,
    "feb. " * 20_000,
    "Feb. 4-" * 10_000,
    "\x00\x01\x02",
    "ſaturday",  # long s: case-folds to "saturday"
]
EXTREME_DATES = [datetime.date.min, datetime.date.max, datetime.date(1, 1, 7), MON, None]


@pytest.mark.parametrize("published", EXTREME_DATES, ids=str)
@pytest.mark.parametrize("text", ODD_INPUTS, ids=lambda text: repr(text[:20]))
def test_never_raises_on_odd_inputs(text: str, published: datetime.date | None) -> None:
    assert_consistent(resolve_date(text, published))


RELATIVE_PHRASES = [
    "yesterday",
    "tomorrow",
    "today",
    "next Monday",
    "last Sunday",
    "Saturday",
    "Tuesday next week",
    "a week ago",
    "Feb. 4",
    "Dec. 31",
    "Feb. 29",
    "last month",
    "next month",
    "next year",
    "last year",
    "in January",
    "next December",
    "12 years ago",
]


@pytest.mark.parametrize("published", EXTREME_DATES[:3], ids=str)
@pytest.mark.parametrize("text", RELATIVE_PHRASES)
def test_never_raises_at_calendar_edges(text: str, published: datetime.date) -> None:
    assert_consistent(resolve_date(text, published))


def test_never_raises_on_random_token_soup() -> None:
    tokens = [
        *WEEKDAYS,
        "Feb.",
        "Sept",
        "May",
        "of",
        "the",
        "on",
        "last",
        "next",
        "this",
        "coming",
        "past",
        "week",
        "month",
        "year",
        "ago",
        "days",
        "-",
        "–",
        "/",
        ",",
        ".",
        "and",
        "to",
        "between",
        "yesterday",
        "4",
        "31",
        "29",
        "4th",
        "2021",
        "2022",
        "1999",
        "0",
        "00",
        "12",
        "13",
        "\u00a0",
        "🙂",
    ]
    rng = random.Random(20220207)
    for _ in range(3000):
        text = "".join(rng.choice(tokens) + rng.choice(["", " "]) for _ in range(rng.randint(1, 8)))
        published = rng.choice([MON, JAN3, None, datetime.date.min, datetime.date.max])
        assert_consistent(resolve_date(text, published))


def assert_consistent(result: ResolvedDate) -> None:
    """`date` is set exactly for days, and `value` always has its granularity's shape."""
    assert isinstance(result, ResolvedDate)
    shapes = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
    if result.granularity is None:
        assert result == ResolvedDate(None, None, None)
        return
    assert result.value is not None
    assert re.fullmatch(shapes[result.granularity], result.value)
    assert result.date == (result.value if result.granularity == "day" else None)


PUBLICATION_DAYS = [datetime.date(2022, 1, 1) + datetime.timedelta(days=n) for n in range(14)]


@pytest.mark.parametrize("published", PUBLICATION_DAYS, ids=str)
@pytest.mark.parametrize("template", ["{}", "on {}", "late {}", "{} morning", "earlier on {}"])
def test_bare_weekday_resolves_within_the_week_up_to_publication(
    template: str, published: datetime.date
) -> None:
    for index, name in enumerate(WEEKDAYS):
        result = resolve_date(template.format(name), published)
        assert result.granularity == "day"
        assert result.date is not None
        resolved = datetime.date.fromisoformat(result.date)
        assert resolved.weekday() == index
        assert 0 <= (published - resolved).days <= 6


@pytest.mark.parametrize("published", PUBLICATION_DAYS[:7], ids=str)
@pytest.mark.parametrize(("modifier", "sign"), [("last", -1), ("next", 1)])
def test_last_and_next_weekday_are_strictly_before_or_after(
    modifier: str, sign: int, published: datetime.date
) -> None:
    for index, name in enumerate(WEEKDAYS):
        result = resolve_date(f"{modifier} {name}", published)
        assert result.date is not None
        resolved = datetime.date.fromisoformat(result.date)
        assert resolved.weekday() == index
        assert 1 <= sign * (resolved - published).days <= 7


@pytest.mark.parametrize(
    "published", [datetime.date(2021, 1, 1) + datetime.timedelta(days=n) for n in range(0, 730, 37)]
)
def test_yearless_date_is_the_latest_not_after_the_tolerance(published: datetime.date) -> None:
    limit = published + datetime.timedelta(days=FUTURE_TOLERANCE_DAYS)
    for month_index in range(1, 13):
        name = MONTH_NAMES[month_index - 1]
        for day_of_month in (1, 15, 28):
            result = resolve_date(f"{name} {day_of_month}", published)
            assert result.date is not None
            resolved = datetime.date.fromisoformat(result.date)
            assert (resolved.month, resolved.day) == (month_index, day_of_month)
            assert limit - datetime.timedelta(days=366) < resolved <= limit


def test_accepts_a_datetime_as_publication() -> None:
    published = datetime.datetime(2022, 2, 7, 23, 30)
    assert resolve_date("on Saturday", published) == day("2022-02-05")
    assert resolve_date("Feb. 4", published) == day("2022-02-04")


@pytest.mark.parametrize("text", [text for text, *_ in CASES if text])
def test_case_does_not_matter(text: str) -> None:
    assert resolve_date(text.upper(), MON) == resolve_date(text.lower(), MON)


@pytest.mark.parametrize("unit", ["feb. ", "in may ", "4th of ", "saturday ", "2022 ", "feb. 4-"])
def test_long_repetitive_inputs_resolve_consistently(unit: str) -> None:
    """200 kB of one repeated unit: a quadratic scan would make this test take minutes (the
    speed itself is measured by bench/components.py)."""
    text = unit * (200_000 // len(unit))
    assert_consistent(resolve_date(text, MON))
