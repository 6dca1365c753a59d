"""Resolve a meeting's date expression against the article's publication date.

News copy rarely prints a full date. It says "on Saturday", "last month" or "Feb. 4" and
leaves the reader to anchor the words on the dateline. Engines (the LLM as much as the rules)
are bad at that arithmetic, so they hand over the article's own words (`date_text`) and this
module does the calendar work once, deterministically, for every engine.

The resolver reports only what the words fix: a day when a single day is named, otherwise
the month or the year that all the named days share, otherwise nothing. It never guesses a
day from a vague phrase ("recently", "last week"), because a wrong date scores worse than
no date, and it never raises: whatever string comes in, a `ResolvedDate` comes out.

Conventions, chosen for news text, where reported events are normally in the past:

- A bare weekday ("on Saturday", "late Friday", "Saturday morning") is the most recent such
  day on or before publication. A weekday equal to the publication weekday means the
  publication day itself: in a Monday article "said on Monday" is that Monday, since
  reporters write "last Monday" for the week before.
- "last"/"this past"/"past" + weekday: the most recent such day strictly before publication
  (1 to 7 days back). "next"/"coming"/"this coming" + weekday: the first such day strictly
  after publication (1 to 7 days ahead). "this" + weekday: that weekday in the publication's
  Monday-to-Sunday week. A weekday with "last week"/"this week"/"next week" anywhere in the
  text: that weekday in the named Monday-to-Sunday week.
- "today", "tonight", "this morning/afternoon/evening" are the publication day; "last
  night" and "yesterday" the day before; "N days/weeks ago" count back from publication.
- A calendar date without a year ("Feb. 4") takes a year named elsewhere in the text
  ("Feb. 4 last year", "Feb. 4 ... 2021") or else the year that makes it the most recent
  such date not after publication + `FUTURE_TOLERANCE_DAYS` (articles announce meetings a
  few days ahead). A month without a year follows the same rule with the month's first day.
- Phrases that name a week ("last week", "earlier this week", "over the weekend") fix no day
  and, by design, report nothing rather than a month.
- Several days ("Feb. 4-5", "between Feb. 4 and 6", "Friday and Saturday") fix no single
  day: the result is their common month, else their common year, else nothing (two
  weekdays report nothing, as they fix neither month nor year reliably).
- A date behind a bound word ("since", "until", "before", "after", "by", "ahead of") marks
  the edge of a period, not the event's day: such text resolves to nothing.
- Slashed numeric dates are read only with a four-digit year and only when unambiguous
  ("25/12/2021"); "2/3/2022" yields the year alone, "31/31" nothing.
- Month abbreviations are read with or without a period ("Sept." and "Sep"); weekdays only
  in full, because "Sun", "Sat" and "Wed" are too often ordinary words. "May" counts as a
  month only next to a day or year, after a word such as "in"/"last"/"early", or alone.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Final, Literal

Granularity = Literal["day", "month", "year"]

FUTURE_TOLERANCE_DAYS: Final = 7
"""How far past the publication day a year-less calendar date may fall before it is read as
last year's: articles announce meetings days ahead, rarely months ahead without a year."""


@dataclass(frozen=True)
class ResolvedDate:
    """What a date expression fixes once anchored on the publication date.

    `date` is set only when a single day is fixed, so downstream code can copy it into a
    summary's `date` field unchanged; `value` carries the coarser knowledge ("2022-02",
    "2022") for readers that want it without reparsing the text.
    """

    date: str | None
    granularity: Granularity | None
    value: str | None


UNRESOLVED: Final = ResolvedDate(None, None, None)

_Span = tuple[datetime.date, datetime.date]

_MONTHS: Final[dict[str, int]] = {
    "january": 1, "jan": 1,
    "february": 2, "feb": 2,
    "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "may": 5,
    "june": 6, "jun": 6,
    "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_FULL_MONTH_NAMES: Final = frozenset(name for name in _MONTHS if len(name) > 4) | {"june", "july"}
_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBER_WORDS: Final[dict[str, int]] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMBER_ALT = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_RANGE_SEP = r" ?(?:-|to|through|thru|until|till|and|&) ?"

_ISO_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d\d?)(?P=sep)(?P<d>\d\d?)(?!\d)")
_NUM_DATE = re.compile(r"(?<!\d)(?P<a>\d\d?)(?P<sep>[/.])(?P<b>\d\d?)(?P=sep)(?P<y>\d{4})(?!\d)")
_MONTH_FIRST = re.compile(
    rf"\b(?P<m1>{_MONTH_ALT})\b\.? ?(?P<d1>\d{{1,2}}){_ORDINAL}(?!\d)"
    rf"(?:{_RANGE_SEP}(?:(?P<m2>{_MONTH_ALT})\b\.? ?)?(?P<d2>\d{{1,2}}){_ORDINAL}(?!\d))?"
    rf"(?:,? ?(?P<y>{_YEAR})\b)?"
)
_DAY_FIRST = re.compile(
    rf"(?<!\d)(?P<d1>\d{{1,2}}){_ORDINAL}(?:{_RANGE_SEP}(?P<d2>\d{{1,2}}){_ORDINAL})?"
    rf" ?(?:of )?\b(?P<m1>{_MONTH_ALT})\b\.?(?:,? ?(?P<y>{_YEAR})\b)?"
)
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MONTH_ALT})\b\.?,? (?:of )?(?P<y>{_YEAR})\b")
_NAMED_MONTH = re.compile(
    r"(?:\b(?P<ctx>in|of|last|next|this|early|late|mid|since|until|till|by|during|from"
    r"|through|before|after|between|and|to)[ -])?"
    rf"\b(?P<m>{_MONTH_ALT})\b(?P<dot>\.)?"
)
_STRAY_YEAR = re.compile(rf"\b(?P<y>{_YEAR})\b")

_AGO = re.compile(rf"\b(?P<n>\d{{1,3}}|{_NUMBER_ALT}) (?P<unit>day|week|month|year)s? ago\b")
_RELATIVE_DAYS: Final[tuple[tuple[re.Pattern[str], int], ...]] = (
    (re.compile(r"\b(?:the )?day before yesterday\b"), -2),
    (re.compile(r"\b(?:the )?day after tomorrow\b"), 2),
    (re.compile(r"\byesterday\b"), -1),
    (re.compile(r"\btomorrow\b"), 1),
    (re.compile(r"\blast night\b"), -1),
    (re.compile(r"\b(?:today|tonight)\b"), 0),
    (re.compile(r"\bthis (?:morning|afternoon|evening)\b"), 0),
)
_WEEKDAY = re.compile(
    r"(?:\b(?P<mod>this coming|this past|coming|past|next|last|this) )?"
    rf"\b(?P<wd>{'|'.join(_WEEKDAYS)})\b"
)
# "the past week" means the last seven days, not the previous calendar week: a weekday in it
# is simply the most recent one, so "past" is deliberately not a week context.
_WEEK_CONTEXT = re.compile(r"\b(?P<which>last|next|coming|this) week\b")
_WEEK_ONLY = re.compile(r"\bweek(?:end)?\b")
_RELATIVE_MONTH = re.compile(r"\b(?P<which>last|this|next) month\b")
_RELATIVE_YEAR = re.compile(r"\b(?P<which>last|this|next) year\b")

_WEEK_OFFSETS: Final[dict[str, int]] = {"last": -1, "this": 0, "next": 1, "coming": 1}
_RELATIVE_OFFSETS: Final[dict[str, int]] = {"last": -1, "this": 0, "next": 1}

# A bound names the edge of a period, not the day of the event ("before Saturday",
# "since 2019", "until Feb. 4"): reading the date after it would report a wrong day.
_BOUND = re.compile(
    r"(?<!day )\b(?:since|until|till|before|after|by|prior to|ahead of|no later than) (?:the )?"
    rf"(?:(?:{_MONTH_ALT}|{'|'.join(_WEEKDAYS)}|yesterday|today|tonight|tomorrow|last|this|next"
    rf"|early|late|mid)\b|{_YEAR}\b|\d\d?{_ORDINAL}(?: of)? (?:{_MONTH_ALT})\b)"
)

_SPACES = re.compile(r"[\s\u200b\u2060\ufeff]+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def resolve_date(date_text: str | None, published: datetime.date | None) -> ResolvedDate:
    """Anchor an article's date expression on its publication date.

    Specific beats vague: a calendar date written out wins over a weekday ("Saturday,
    Feb. 5"), a day over a month, a month over a year. Without a publication date only
    expressions that carry their own year resolve ("Feb. 4, 2022", "February 2022", "2021").
    A date behind a bound ("before Saturday", "since 2019") is the edge of a period, not
    the event's date, so it resolves to nothing.
    """
    if not isinstance(date_text, str):
        return UNRESOLVED
    text = _normalize(date_text)
    if not text or _BOUND.search(text):
        return UNRESOLVED
    pub = _as_date(published)
    scan = _Scan(text)

    day_spans = scan.take_calendar_days()
    month_years = scan.take_month_years()
    context_year = _context_year(scan.masked, scan.years, pub)
    if day_spans:
        spans = [_resolve_calendar_day(mention, context_year, pub) for mention in day_spans]
        return _summarize(spans)

    relative_day = _relative_day(scan.masked, pub)
    if relative_day is not None:
        return relative_day
    if _WEEK_ONLY.search(scan.masked):
        return UNRESOLVED

    month_spans = [_month_span(year, month) for year, month in month_years]
    month_spans += _relative_months(scan.masked, text, context_year, pub)
    if month_spans:
        return _summarize(month_spans)

    return _summarize(_years(scan.masked, scan.years, pub))


@dataclass(frozen=True)
class _CalendarDay:
    """A written-out day or day range, before its year is settled."""

    month: int
    day: int
    end_month: int
    end_day: int
    year: int | None  # as written; belongs to the end of a range ("Dec. 30-Jan. 2, 2022")


class _Scan:
    """The normalized text, with each consumed expression blanked out.

    Blanking stops a year that belongs to "Feb. 4, 2022" from being read again as a stray
    "2022" that sets context for others; spaces rather than deletion keep the words on
    either side from fusing into a new token.
    """

    def __init__(self, text: str) -> None:
        self.masked = text
        self.years: list[int] = []  # years from numeric dates too ambiguous to give a day

    def _take(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        """Every match of `pattern` in what is left, blanked out in one pass."""
        matches = list(pattern.finditer(self.masked))
        if matches:
            pieces: list[str] = []
            previous_end = 0
            for match in matches:
                start, end = match.span()
                pieces += [self.masked[previous_end:start], " " * (end - start)]
                previous_end = end
            self.masked = "".join([*pieces, self.masked[previous_end:]])
        return matches

    def take_calendar_days(self) -> list[_CalendarDay | None]:
        """Every written-out day; None marks one that cannot exist ("Feb. 30")."""
        found: list[_CalendarDay | None] = []
        for match in self._take(_ISO_DATE):
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            found.append(_CalendarDay(month, day, month, day, year))
        for match in self._take(_NUM_DATE):
            year, month_day = int(match["y"]), _unambiguous_month_day(match["a"], match["b"])
            if month_day is None:
                self.years.append(year)
            else:
                found.append(_CalendarDay(*month_day, *month_day, year))
        for pattern in (_MONTH_FIRST, _DAY_FIRST):
            for match in self._take(pattern):
                found.append(_calendar_day_from_match(match))
        return found

    def take_month_years(self) -> list[tuple[int, int]]:
        """Every "February 2022" / "Feb. of 2022": a month the text fixes on its own."""
        found: list[tuple[int, int]] = []
        for match in self._take(_MONTH_YEAR):
            found.append((int(match["y"]), _MONTHS[match["m"]]))
        return found


def _normalize(text: str) -> str:
    """Case-fold and flatten typography so patterns need only plain spaces and hyphens."""
    text = _DASHES.sub("-", text.casefold()).replace("\u2019", "'")
    return _SPACES.sub(" ", text).strip()


def _as_date(published: datetime.date | None) -> datetime.date | None:
    """Accept a datetime too: comparing a datetime with a date raises TypeError."""
    if isinstance(published, datetime.datetime):
        return published.date()
    return published if isinstance(published, datetime.date) else None


def _unambiguous_month_day(first: str, second: str) -> tuple[int, int] | None:
    """Read "25/12" or "12/25" as December 25; "2/3" could be either, so it is not read."""
    a, b = int(first), int(second)
    if a == b or b > 12:
        return a, b
    if a > 12:
        return b, a
    return None


def _calendar_day_from_match(match: re.Match[str]) -> _CalendarDay | None:
    month = _MONTHS[match["m1"]]
    day = int(match["d1"])
    end_month = _MONTHS[match["m2"]] if match.groupdict().get("m2") else month
    end_day = int(match["d2"]) if match["d2"] else day
    if not (_day_exists(month, day) and _day_exists(end_month, end_day)):
        return None
    return _CalendarDay(month, day, end_month, end_day, int(match["y"]) if match["y"] else None)


def _day_exists(month: int, day: int) -> bool:
    """Whether the day exists in some year (Feb. 29 does; Feb. 30 never does)."""
    return 1 <= day <= calendar.monthrange(2000, month)[1]


def _context_year(masked: str, years: list[int], pub: datetime.date | None) -> int | None:
    """The year the text names outside any date ("Feb. 4 last year", "in February ... 2021").

    Several different years name no single one, so they give no context.
    """
    named = {int(match["y"]) for match in _STRAY_YEAR.finditer(masked)} | set(years)
    if named:
        return named.pop() if len(named) == 1 else None
    if pub is None:
        return None
    relative = _RELATIVE_YEAR.search(masked)
    if relative:
        return pub.year + _RELATIVE_OFFSETS[relative["which"]]
    ago = _AGO.search(masked)
    if ago and ago["unit"] == "year":
        return pub.year - _number(ago["n"])
    return None


def _resolve_calendar_day(
    mention: _CalendarDay | None, context_year: int | None, pub: datetime.date | None
) -> _Span | None:
    if mention is None:
        return None
    wraps = mention.end_month < mention.month  # "Dec. 30-Jan. 2" runs into the next year
    if mention.year is not None:
        start_year = mention.year - 1 if wraps else mention.year
    elif context_year is not None:
        start_year = context_year
    elif pub is not None:
        latest = _latest_day_until(mention.month, mention.day, _future_limit(pub))
        if latest is None:
            return None
        start_year = latest.year
    else:
        return None
    start = _make_date(start_year, mention.month, mention.day)
    end = _make_date(start_year + 1 if wraps else start_year, mention.end_month, mention.end_day)
    if start is None or end is None or end < start:
        return None
    return start, end


def _future_limit(pub: datetime.date) -> datetime.date:
    return _add_days(pub, FUTURE_TOLERANCE_DAYS) or datetime.date.max


def _latest_day_until(month: int, day: int, limit: datetime.date) -> datetime.date | None:
    """The most recent `month`/`day` on or before `limit`; eight years back covers Feb. 29."""
    for year in range(limit.year, max(limit.year - 9, datetime.MINYEAR - 1), -1):
        candidate = _make_date(year, month, day)
        if candidate is not None and candidate <= limit:
            return candidate
    return None


def _relative_day(masked: str, pub: datetime.date | None) -> ResolvedDate | None:
    """A day named relative to publication; None when the text names no such day.

    Without a publication date such a day cannot be placed, so it resolves to nothing
    instead of letting a coarser phrase in the same text stand in for it.
    """
    offset = _relative_day_offset(masked)
    weekdays = list(_WEEKDAY.finditer(masked))
    if offset is None and not weekdays:
        return None
    if pub is None:
        return UNRESOLVED
    if offset is not None:
        return _summarize([_day_span(_add_days(pub, offset))])
    if len({match["wd"] for match in weekdays}) > 1:
        return UNRESOLVED
    return _summarize([_day_span(_weekday(weekdays[0], masked, pub))])


def _relative_day_offset(masked: str) -> int | None:
    """Days from publication for "yesterday"-like words; the longer phrases are tried first."""
    for pattern, offset in _RELATIVE_DAYS:
        if pattern.search(masked):
            return offset
    ago = _AGO.search(masked)
    if ago and ago["unit"] in ("day", "week"):
        return -_number(ago["n"]) * (7 if ago["unit"] == "week" else 1)
    return None


def _weekday(match: re.Match[str], masked: str, pub: datetime.date) -> datetime.date | None:
    """Place a weekday: a named week wins over a modifier, a modifier over the past default."""
    target = _WEEKDAYS.index(match["wd"])
    week = _WEEK_CONTEXT.search(masked)
    if week:
        monday = pub.toordinal() - pub.weekday()
        return _from_ordinal(monday + 7 * _WEEK_OFFSETS[week["which"]] + target)
    mod = match["mod"]
    if mod in ("next", "coming", "this coming"):
        return _add_days(pub, (target - pub.weekday()) % 7 or 7)
    if mod in ("last", "past", "this past"):
        return _add_days(pub, -((pub.weekday() - target) % 7 or 7))
    if mod == "this":
        return _add_days(pub, target - pub.weekday())
    return _add_days(pub, -((pub.weekday() - target) % 7))


def _relative_months(
    masked: str, text: str, context_year: int | None, pub: datetime.date | None
) -> list[_Span | None]:
    """Months named by phrase ("last month") or by name ("in February", "last February")."""
    spans: list[_Span | None] = []
    for match in _RELATIVE_MONTH.finditer(masked):
        spans.append(_shifted_month(pub, _RELATIVE_OFFSETS[match["which"]]))
    for match in _AGO.finditer(masked):
        if match["unit"] == "month":
            spans.append(_shifted_month(pub, -_number(match["n"])))
    for match in _NAMED_MONTH.finditer(masked):
        if _reads_as_month(match, text):
            spans.append(_named_month(match, context_year, pub))
    return spans


def _reads_as_month(match: re.Match[str], text: str) -> bool:
    """Keep "may" the verb and "Jan" the name out of month matching."""
    name = match["m"]
    after_context_word = match["ctx"] is not None
    if name == "may":
        return after_context_word or text.strip(" .,;:") == "may"
    return name in _FULL_MONTH_NAMES or match["dot"] is not None or after_context_word


def _named_month(
    match: re.Match[str], year_named_elsewhere: int | None, pub: datetime.date | None
) -> _Span | None:
    month = _MONTHS[match["m"]]
    if year_named_elsewhere is not None:
        return _month_span(year_named_elsewhere, month)
    if pub is None:
        return None
    mod = match["ctx"]
    if mod == "last":
        year = pub.year if month < pub.month else pub.year - 1
    elif mod == "next":
        year = pub.year if month > pub.month else pub.year + 1
    elif mod == "this":
        year = pub.year
    else:
        limit = _future_limit(pub)
        year = limit.year if month <= limit.month else limit.year - 1
    return _month_span(year, month)


def _years(masked: str, years: list[int], pub: datetime.date | None) -> list[_Span | None]:
    """Years named outright ("in 2021") or relative to publication ("last year")."""
    named = [int(match["y"]) for match in _STRAY_YEAR.finditer(masked)] + years
    spans = [_year_span(year) for year in named]
    if pub is not None:
        for match in _RELATIVE_YEAR.finditer(masked):
            spans.append(_year_span(pub.year + _RELATIVE_OFFSETS[match["which"]]))
        for match in _AGO.finditer(masked):
            if match["unit"] == "year":
                spans.append(_year_span(pub.year - _number(match["n"])))
    return spans


def _summarize(spans: list[_Span | None]) -> ResolvedDate:
    """The finest granularity that every span shares; nothing if any span failed."""
    if not spans or any(span is None for span in spans):
        return UNRESOLVED
    known = [span for span in spans if span is not None]
    start = min(span[0] for span in known)
    end = max(span[1] for span in known)
    if start == end:
        iso = start.isoformat()
        return ResolvedDate(iso, "day", iso)
    if (start.year, start.month) == (end.year, end.month):
        return ResolvedDate(None, "month", f"{start.year:04d}-{start.month:02d}")
    if start.year == end.year:
        return ResolvedDate(None, "year", f"{start.year:04d}")
    return UNRESOLVED


def _day_span(day: datetime.date | None) -> _Span | None:
    return None if day is None else (day, day)


def _month_span(year: int, month: int) -> _Span | None:
    first = _make_date(year, month, 1)
    if first is None:
        return None
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def _year_span(year: int) -> _Span | None:
    first, last = _make_date(year, 1, 1), _make_date(year, 12, 31)
    return None if first is None or last is None else (first, last)


def _shifted_month(pub: datetime.date | None, delta: int) -> _Span | None:
    if pub is None:
        return None
    year, month_index = divmod(pub.year * 12 + pub.month - 1 + delta, 12)
    return _month_span(year, month_index + 1)


def _number(token: str) -> int:
    return _NUMBER_WORDS[token] if token in _NUMBER_WORDS else int(token)


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _add_days(day: datetime.date, days: int) -> datetime.date | None:
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return None


def _from_ordinal(ordinal: int) -> datetime.date | None:
    try:
        return datetime.date.fromordinal(ordinal)
    except ValueError:
        return None
