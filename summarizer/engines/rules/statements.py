"""Attributed statements read with patterns: direct quotes and reported speech.

Direct quotes come from the article's quotation marks (`normalize.quotes`): a quote is a
statement when it stands on its own (it opens a sentence, follows "said:" or "said,", or is
followed by its attribution), and a quote split around its attribution ("...," he said, "...")
is one statement. Reported speech comes from a cue verb ("said", "told", "according to",
"expressed hope that", "hailed"...) with its subject as the speaker and the clause after it as
the content. Pronouns are resolved to the last named person.

Everything is found at known offsets, so every evidence passage is the article's exact words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from summarizer.engines.rules.speakers import (
    _AGE_OR_PARTY,
    _CAPITALIZED_RUN,
    _LEADING_ADVERBIAL,
    _NP_LOWER_OK,
    _PERSON_PRONOUNS,
    _RUN_OPENERS,
    _STATE_MEDIA,
    CUE_VERBS,
    PRONOUNS,
    _mention,
    _np_word,
    _person_like,
    _run_name,
    _Speakers,
    _subject_like,
    clean_speaker,
    is_headline,
    scan_text,
)
from summarizer.engines.rules.text import Sentence
from summarizer.normalize.quotes import Quote, quoted_segments
from summarizer.schema import StatementDraft

# --------------------------------------------------------------------------- vocabulary

_PHRASAL = r"called\s+(?:for|on)|calls\s+(?:for|on)|pointed\s+out|points\s+out|made\s+clear|makes\s+clear"

_AUX = (
    r"(?:(?:has|have|had|will|would|also|later|previously|repeatedly|again|then|"
    r"publicly|privately|earlier|recently|once|often)\s+)*"
    r"(?:(?:is|are|was|were)\s+(?:also\s+)?(?=\w+ing\b))?"  # "is saying", never "is observed"
)

_VERB_ALT = _PHRASAL + "|" + "|".join(sorted(CUE_VERBS, key=len, reverse=True))
_CUE = re.compile(rf"\b{_AUX}(?P<verb>{_VERB_ALT})\b")
_EXPRESSED = re.compile(
    r"\b(?P<verb>expressed\s+(?:his|her|their|its)\s+(?:hope|expectation|concern|confidence|regret|"
    r"support|belief)s?)\s+(?:that\s+)?"
)
_ACCORDING = re.compile(r"\b[Aa]ccording\s+to\s+(?P<who>[^,.;]{2,80}?)(?=[,.;]|$)")
_QUOTED_AS = re.compile(
    r"(?P<relay>(?:the\s+)?[\w’'. -]{2,80}?),?\s+quoted\s+(?P<who>[\w’'. -]{2,60}?)\s+as\s+saying"
)
_WHEN = (
    r"(?:(?:late|early)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|"
    r"(?:last|this)\s+(?:week|month|year))(?:\s+(?:morning|afternoon|evening|night))?"
)
_TAIL_ATTRIBUTION = re.compile(
    rf",\s*(?P<who>[^,]{{2,80}}?)\s+{_AUX}(?P<verb>said|says|added|adds|noted|wrote|writes|explained|"
    rf"argued|insisted|warned|told\s+\w+(?:\s+\w+)?|reported|reports|stated|claimed|continued)"
    rf"(?:\s+(?:(?:on|in|at|late|early)\s+[\w ]{{1,30}}|{_WHEN}))?[.!?]?$"
)


def _tail_attribution(sentence: str) -> re.Match[str] | None:
    """`..., X said.` at the end of a sentence: only the last 120 characters can hold it."""
    cut = sentence.rfind(",", max(0, len(sentence) - 120))
    if cut < 0:
        return None
    while cut >= 0 and len(sentence) - cut <= 120:
        m = _TAIL_ATTRIBUTION.match(sentence, cut)
        if m:
            return m
        cut = sentence.rfind(",", 0, cut)
    return None


_TAIL_INVERTED = re.compile(
    r",\s*(?P<verb>said|says|added|adds|wrote|writes|noted|explained|argued|insisted|warned)\s+"
    r"(?!(?:he|she|they|it|we|I|you|that)\s)"
    r"(?![^,]*\b(?:is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|did|does)\b)"
    r"(?P<who>[^,]{2,80}?)[.!?]?$"
)
"""`..., said X.`; never `, said he cannot comment ...` (a clause, not an inverted subject)."""
_QUOTED_PASSIVE = re.compile(
    r"^[\s,]*(?P<who>[A-Z][\w\u2024’'-]*(?:\s+[A-Z][\w\u2024’'-]*){0,3}|he|she|they)\s+(?:was|were)\s+"
    r"quoted\s+(?:\w+\s+)?as\s+saying\b"
)
_QUOTED_BY = re.compile(r"\bquoted\s+(?:\w+\s+)?as\s+saying\s+by\s+(?:the\s+)?(?P<relay>[^,.;]{2,60})")


def _relay_channel(relay: str) -> str | None:
    """State media when the outlet that relays the words is one ("Xinhua", "state television")."""
    low = relay.lower()
    state = "state" in low and any(
        w in low for w in ("media", "television", "tv", "news", "broadcaster", "run")
    )
    return "state media" if state or _STATE_MEDIA.search(relay) or "official" in low else None


_CUE_TAIL = re.compile(r"[^.;“”\"]{0,60}[:,]$|[^.;:,“”\"]{0,16}$")
"""After the cue verb, before a quote: "said:", "told reporters," or a few words ("said Monday")."""


def _cue_ending(head: str) -> re.Match[str] | None:
    """The first cue verb of `head` that only a few words (and a colon or comma) follow:
    "Trump said he would tell them:" is Trump saying, not telling."""
    for found in _CUE.finditer(head, max(0, len(head) - 100)):
        if _CUE_TAIL.match(head, found.end()):
            return found
    return None


_CHANNEL_NP = re.compile(
    r"^(?:(?:his|her|its|their|a|an|the)\s+)?(?:[\w’'-]+\s+){0,2}?"
    r"(?P<kind>spokes(?:man|woman|person)|readout|statement|communiqu[ée]|office)\b",
    re.IGNORECASE,
)


_NAME_ONLY = re.compile(r"(?:[A-Z][\w\u2024’'-]*\s+){0,4}[A-Z][\w\u2024’'-]*")
_SPEECH_ACTS = frozenset(
    (
        "congratulated thanked invited assured reassured apologized offered expressed welcomed "
        "condemned praised urged called reiterated stressed emphasized pledged vowed promised"
    ).split()
)


def _channel_of(kind: str) -> str:
    kind = kind.lower()
    if kind.startswith("spokes"):
        return "spokesman"
    return {"readout": "readout", "office": "statement"}.get(kind, "statement")


_AFTER_NOUN = re.compile(
    r"\s+(?:could|would|will|can|may|might|should|must|are|is|were|was|have|has|had|do|does|did|"
    r"of|by|to\s+be)\b"
)
_DASH_ATTRIBUTION = re.compile(
    r"^\s*[—–―-]{1,2}\s*(?P<who>[A-Z][\w\u2024’'-]*(?:\s+[A-Z][\w\u2024’'-]*){0,4})"
)
_THAT = re.compile(
    rf"\s*(?:,\s*)?(?:(?:on\s+)?{_WHEN}\s+|in\s+an?\s+(?:statement|interview|letter|speech)\s+(?=that\b))?"
    r"(?:that\s+)?"
)
"""What stands between a cue verb and its content: "said on Monday that ...", "said in a letter that"."""
_SPOKESMAN = re.compile(r"\b(?:spokes(?:man|woman|person|people|men|women))\b", re.IGNORECASE)
_SPOKESMAN_FOR = re.compile(r"\bspokes(?:man|woman|person)\s+for\s+(?:the\s+)?(?P<who>[A-Z][\w’'. -]{1,60})$")

_MIN_QUOTE_WORDS = 3
_RELATIVE_SUBJECT = re.compile(r"(?P<antecedent>[^,;]{2,80}),\s+(?P<pronoun>who|which)\s+(?:\w+ly\s+)?$")
"""A relative pronoun as the cue's subject: "Senator Hal Brody, who said ..."."""
_INVERTED_LEAD = re.compile(
    r"(?:^|[.!?]\s+)(?P<verb>Said|Says|Asked|Added|Wrote|Recalled)\s+(?P<who>[A-Z][^:,.“”\"]{1,60}?)[:,]$"
)
"""An inverted lead-in opening a sentence: 'Said Ellis: “...”'."""
_AFTER_QUOTE_CUE = re.compile(
    rf"^[\s,]*(?P<who>[^,.;“”\"]{{1,80}}?{_AGE_OR_PARTY}?)\s+{_AUX}(?P<verb>{_VERB_ALT})\b"
)
"""`,” he said` / `,” Quina Jones, 25, said` after a closing quotation mark."""
_SECOND_CUE = re.compile(
    r"(?:,|\s+[—–]|;)?\s+(?:and|but)\s+(?P<who>he|she|they|[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+)?)\s+"
    r"(?:also\s+)?(?P<verb>said|says|noted|notes|added|adds|argued|warned|insisted|stressed|acknowledged)"
    r"\s+(?:that\s+)?"
)
"""A second attribution inside reported speech: "..., and he noted that ..."."""
_SENTENCE_SUBJECT = re.compile(
    r"(?P<who>(?:(?:The|A|An)\s+)?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})\s+[a-z]"
)
"""The capitalized noun phrase opening a sentence, up to its first lower-case word (its verb)."""
_HEADLINE_NAME = r"(?P<who>(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*)"
_HEADLINE_VERBS = "|".join(sorted(CUE_VERBS, key=len, reverse=True))
_HEADLINE = (
    re.compile(rf"^{_HEADLINE_NAME}:\s+(?P<verb>)(?P<content>.+)$"),
    re.compile(rf"^{_HEADLINE_NAME}\s+(?P<verb>(?i:{_HEADLINE_VERBS}))\s+(?P<content>.+)$"),
    re.compile(rf"^(?P<content>.+?),\s+{_HEADLINE_NAME}\s+(?P<verb>Says|Said|Warns|Claims|Insists)\.?$"),
)
"""Headline attributions: "X: ...", "X Says ...", "..., X Says." (the verb must be a cue verb)."""
_HEADLINE_NOT_SPEAKERS = frozenset({"the latest", "update", "breaking", "watch", "exclusive", "analysis"})
_TITLE_WORD = re.compile(r"[A-Z0-9][\w’'.-]*|of|the|and|a|an|in|on|for|to|with|at|by")


def _is_title(quoted: str) -> bool:
    """ "Morning Edition," / "The Lena Marsh Evening Show": a quoted title is nobody's words."""
    words = quoted.strip(" ,.;:!?").split()
    return 0 < len(words) <= 8 and words[0][:1].isupper() and all(_TITLE_WORD.fullmatch(w) for w in words)


# --------------------------------------------------------------------------- finder


@dataclass
class _Found:
    speaker: str
    content: str
    kind: str
    cue: str | None
    start: int
    end: int
    channel: str | None = None
    relay: str | None = None
    mention: str | None = None


def _channel(sentence: str, speaker_phrase: str) -> tuple[str | None, str | None]:
    if _SPOKESMAN.search(speaker_phrase):
        return "spokesman", None
    if re.search(r"\bin\s+a\s+(?:written\s+)?statement\b|\bstatement\s+(?:from|by|said)\b", sentence):
        return "statement", None
    if re.search(r"\breadout\b", sentence):
        return "readout", None
    if re.search(r"\bin\s+an\s+interview\b", sentence):
        return "interview", None
    if re.search(r"\b(?:briefing|news conference|press conference)\b", sentence):
        return "briefing", None
    if re.search(r"\btweet(?:ed|s)?\b|\bon\s+(?:Twitter|X|Facebook|Instagram|Telegram)\b", sentence):
        return "social media", None
    return None, None


class StatementFinder:
    """Reads one article's statements; build one per article."""

    def __init__(self, text: str, sents: Sequence[Sentence], quotes: Sequence[Quote]) -> None:
        self.article = text
        self.text = scan_text(text)  # patterns read this; output slices `article`
        self.sents = sents
        self.quotes = quotes
        self.speakers = _Speakers()
        self.found: list[_Found] = []
        self.pronouns: dict[int, tuple[str | None, str | None]] = {}
        """Whom "he" and "she" mean at the start of each sentence (by its offset), for other readers."""
        self._starts = [s.start for s in sents]
        self._quote_index = 0

    # ------------------------------------------------------------------ direct

    def _quote_words(self, quote: Quote) -> int:
        return sum(len(self.text[s:e].split()) for s, e in quote.segments)

    def _attribution_after(self, pos: int, end: int) -> tuple[str | None, str | None]:
        """`,” he said` / `,” said Mr. X` right after a closing quotation mark."""
        tail = self.text[pos:end]
        m = _QUOTED_PASSIVE.match(tail)
        if m:
            return m.group("who"), "quoted as saying"
        m = _AFTER_QUOTE_CUE.match(tail)
        if m and _subject_like(m.group("who")):
            return m.group("who"), m.group("verb")
        m = re.match(rf"^[\s,]*(?P<verb>{_VERB_ALT})\s+(?P<who>[^,.;“”\"]{{2,80}}?)(?=[,.;]|$)", tail)
        if m:
            return m.group("who"), m.group("verb")
        m = _ACCORDING.search(tail)
        if m:
            return m.group("who"), "according to"
        m = _DASH_ATTRIBUTION.match(tail)
        if m:
            return m.group("who"), None
        return None, None

    def _attribution_before(self, start: int, pos: int) -> tuple[str | None, str | None]:
        """`X said: “` / `X said, “` / `X told reporters: “` right before an opening mark."""
        head = self.text[max(start, pos - 200) : pos].rstrip()
        inverted = _INVERTED_LEAD.search(head)
        if inverted:  # 'Said Ellis: “...”'
            return inverted["who"], inverted["verb"].lower()
        found = _cue_ending(head)
        if found:
            return clean_speaker(head[: found.start()]) or None, found.group("verb")
        m = _ACCORDING.search(head) if "ccording to" in head else None
        if m:
            return m.group("who"), "according to"
        return None, None

    def _lead_in_before(self, sent: Sentence) -> tuple[str | None, str | None]:
        """`X said:` ending the sentence before a quote that opens its own sentence or paragraph."""
        i = bisect_right(self._starts, sent.start) - 2
        if i < 0:
            return None, None
        before = self.sents[i]
        head = self.text[max(before.start, before.end - 200) : before.end].rstrip()
        if not head.endswith(":"):
            return None, None
        found = _cue_ending(head)
        if found:
            return clean_speaker(head[: found.start()]) or None, found.group("verb")
        return None, None

    def _sentence_of(self, pos: int) -> Sentence | None:
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self.sents[i].end:
            return self.sents[i]
        return None

    def _direct(self, quotes: Sequence[Quote], i: int, sent: Sentence) -> int:
        """Read the quote at `quotes[i]` as a statement if it stands alone; returns quotes used."""
        q = quotes[i]
        if self._quote_words(q) < _MIN_QUOTE_WORDS or _is_title(self.text[q.start : q.end]):
            return 1
        close = q.close_mark + 1 if q.close_mark is not None else q.segments[-1][1]
        end_sent = self._sentence_of(max(close - 1, q.start)) or sent
        opener = self.text[sent.start : q.open_mark].strip()
        mid_sentence = bool(opener) and not opener.endswith((":", ","))
        inner = self.text[q.start : q.end].rstrip()
        who, verb = self._attribution_after(close, end_sent.end)
        if who and mid_sentence and not inner.endswith((",", ".", "!", "?", "…")):
            # 'the ad "unmistakably and wrongfully" suggests...': a phrase quoted inside a sentence
            who, verb = None, None
        parts = [q]
        if who and i + 1 < len(quotes):  # a quote split around its attribution: “A,” he said, “B.”
            nxt = quotes[i + 1]
            between = self.text[close : nxt.open_mark]
            if nxt.open_mark < end_sent.end and re.fullmatch(r"[^.“”\"]{0,80}[,:]\s*", between):
                parts.append(nxt)
        if not who:
            who, verb = self._attribution_before(sent.start, q.open_mark)
        if not who and sent.start == q.open_mark:
            who, verb = self._lead_in_before(sent)
        if not who and opener.endswith(":"):
            # 'Mayor Quill unveiled a slogan: “The harbor is ours.”': the subject's words
            subject = _SENTENCE_SUBJECT.match(opener)
            if subject and subject["who"].split()[0].lower() not in _RUN_OPENERS:
                who, verb = subject["who"], ":"
        if not who and sent.start == q.open_mark:
            # '“You squeezed employees” to drive up the stock price, she said.': the sentence's tail
            tail = _tail_attribution(self.text[end_sent.start : end_sent.end])
            if tail and end_sent.start + tail.start() >= close and _subject_like(tail["who"]):
                who, verb = tail["who"], tail["verb"]
        first_word = self.text[q.start : q.start + 1]
        if _NAME_ONLY.fullmatch(opener) and first_word.islower():
            # 'Xi “hailed enhanced political trust”': the name before a quoted predicate speaks
            who, verb = opener, verb or self.text[q.start :].split(" ", 1)[0]
        elif not (opener == "" or opener.endswith((":", ",")) or who is not None):
            return 1
        content = " ".join(self.article[a:b].strip() for p in parts for a, b in p.segments).strip()
        mention = clean_speaker(who) if who else None
        if not mention:
            # a quote with no attribution continues the last speaker, named by the same words
            speaker = self.speakers.last_speaker or "unknown"
            mention = self.speakers.last_mention
            verb = verb if who else None
        else:
            speaker = self.speakers.resolve(mention)
        last = parts[-1]
        end = max(end_sent.end, last.close_mark + 1 if last.close_mark is not None else end_sent.end)
        end_s = self._sentence_of(end - 1)
        if end_s is not None:
            end = max(end, end_s.end)
        start = min(sent.start, q.open_mark)
        channel, relay = _channel(self.text[start:end], who or "")
        by = _QUOTED_BY.search(self.text, close, end)
        if by:  # '“...,” Xi was quoted as saying by Xinhua'
            relay = by.group("relay").strip()
            channel = _relay_channel(relay)
        self.found.append(
            _Found(speaker, content, "direct", verb, start, end, channel, relay, _mention(mention, speaker))
        )
        self.speakers.last_speaker, self.speakers.last_mention = speaker, _mention(mention, speaker)
        return len(parts)

    # ------------------------------------------------------------------ indirect

    def _quoted_share(self, start: int, end: int) -> float:
        segs = quoted_segments(self.quotes, start, end)
        inside = sum(e - s for s, e in segs)
        return inside / max(1, end - start)

    def _add(self, sent: Sentence, who: str, verb: str, c_start: int, c_end: int, **extra: Any) -> None:
        text = self.text
        while c_start < c_end and text[c_start] in " ,:;":
            c_start += 1
        while c_end > c_start and text[c_end - 1] in " .,;:!?":
            c_end -= 1
        content = self.article[c_start:c_end]
        if len(content.split()) < 3 or self._quoted_share(c_start, c_end) > 0.8:
            return
        mention = clean_speaker(who)
        speaker = self.speakers.resolve(mention)
        if not speaker or speaker.lower() in {"that", "this", "which", "there"}:
            return
        channel, relay = _channel(text[sent.start : sent.end], who)
        spokesman_for = _SPOKESMAN_FOR.search(clean_speaker(who))
        if spokesman_for:
            speaker = spokesman_for.group("who")
        self.found.append(
            _Found(
                speaker,
                content,
                "indirect",
                verb,
                sent.start,
                sent.end,
                extra.get("channel", channel),
                extra.get("relay", relay),
                extra.get("mention") or _mention(mention, speaker),
            )
        )
        self.speakers.last_speaker, self.speakers.last_mention = speaker, _mention(mention, speaker)

    def _subject_statement(self, sent: Sentence, s_text: str, stop: int, channel: str) -> bool:
        """The sentence's subject is the speaker; a spokesman, readout or statement is the channel.

        "Guterres told leaders that he expects..., his spokesman said." gives Guterres with the
        content after "that"; "The UN chief congratulated Xi..., the statement said." gives the
        UN chief with the predicate ("congratulated Xi...") as the content.
        """
        head = _LEADING_ADVERBIAL.sub("", s_text[:stop])
        offset = len(s_text[:stop]) - len(head)
        tokens = list(re.finditer(r"\S+", head))
        n = 0
        while n < len(tokens) and n < 8:
            word = tokens[n].group()
            if word.lower() in {"himself", "herself", "itself"}:
                n += 1
                continue
            if not _np_word(word) or not (word[:1].isupper() or word.lower() in _NP_LOWER_OK):
                break
            n += 1
        if n == 0 or n >= len(tokens):
            return False
        subject = " ".join(
            t.group() for t in tokens[:n] if t.group().lower() not in {"himself", "herself", "itself"}
        )
        pred_start = offset + tokens[n].start()
        c = _CUE.match(s_text, pred_start)
        verb = tokens[n].group().lower()
        if not c and verb not in _SPEECH_ACTS:
            return True  # "X met Y, a readout said": an event the readout reports, not a statement
        if c:  # "X told leaders (that) ...": the content is what was told
            pred_start = c.end()
            t = re.search(r"\bthat\s+", s_text[pred_start:stop])
            if t and t.start() < 40:
                pred_start += t.end()
        self._add(
            sent,
            subject,
            c.group("verb") if c else tokens[n].group(),
            sent.start + pred_start,
            sent.start + stop,
            channel=channel,
        )
        return True

    def _indirect_in(self, sent: Sentence, s_text: str) -> None:
        base = sent.start
        # "..., the official X quoted Y as saying."
        m = _QUOTED_AS.search(s_text) if " quoted " in s_text else None
        if m:
            relay = m.group("relay").strip()
            who = m.group("who")
            head_end = s_text.rfind(",", 0, m.start("relay") + 1)
            if head_end > 0:
                channel = _relay_channel(relay)
                self._add(
                    sent,
                    who,
                    "quoted as saying",
                    base,
                    base + head_end,
                    channel=channel,
                    relay=_LEADING_ADVERBIAL.sub("", relay).removeprefix("the ").strip(),
                )
                return
            if not s_text[: m.start("relay")].strip():  # "State media quoted Xi as saying (that) ..."
                self._add(
                    sent,
                    who,
                    "quoted as saying",
                    that.end() if (that := _THAT.match(self.text, base + m.end())) else base + m.end(),
                    sent.end,
                    channel=_relay_channel(relay),
                    relay=relay,
                )
                return
        # "..., his spokesman said." / "..., X said."
        m = _tail_attribution(s_text)
        if m and m.start() > 0:
            who = m.group("who")
            channel_np = _CHANNEL_NP.match(who)
            # "..., his spokesman said." / "..., the statement from the UN said."
            if channel_np and self._subject_statement(
                sent, s_text, m.start(), _channel_of(channel_np.group("kind"))
            ):
                return
            if who[:1].isupper() or who.lower() in PRONOUNS or who.lower().startswith(("the ", "a ", "an ")):
                self._add(sent, who, m.group("verb"), base, base + m.start())
                return
        m = _TAIL_INVERTED.search(s_text, max(0, len(s_text) - 120))
        if m and m.start() > 0:
            self._add(sent, m.group("who"), m.group("verb"), base, base + m.start())
            return
        # "According to X, ..." / "..., according to X."
        m = _ACCORDING.search(s_text) if "ccording to" in s_text else None
        if m:
            who = m.group("who")
            if m.start() < 3:
                self._add(sent, who, "according to", base + m.end(), sent.end)
            else:
                self._add(sent, who, "according to", base, base + m.start())
            return
        # "X expressed his hope that ..."
        m = _EXPRESSED.search(s_text) if "expressed" in s_text else None
        if m and m.start() > 0:
            self._add(sent, s_text[: m.start()], m.group("verb"), base + m.end(), sent.end)
            return
        # "X said (that) ..." — the first cue verb with a subject before it
        for c in _CUE.finditer(s_text):
            if self._quoted_share(base + c.start(), base + c.end()) > 0:
                continue
            head = s_text[: c.start()]
            if not head.strip() or (head.rstrip().endswith((",", ";", "—")) and len(head) < 3):
                continue
            if head.rstrip().endswith(("’s", "'s", "s’", "s'")):
                continue  # "the council's plans": a possessive owns a noun, it does not speak
            if _AFTER_NOUN.match(s_text, c.end()):
                continue  # "battleground states could be...": the cue word is a noun here
            who = clean_speaker(head)
            relative = _RELATIVE_SUBJECT.search(head)
            if relative:
                # "... backed by Senator Hal Brody, who said ...": the antecedent speaks, as "who"
                who = clean_speaker(relative["antecedent"])
            if c.group("verb").endswith("ing") and head.rstrip().endswith(","):
                # "Quill is defending the budget, saying ...": the sentence's subject speaks
                subject = _SENTENCE_SUBJECT.match(s_text)
                if subject and subject["who"].split()[0].lower() not in _RUN_OPENERS:
                    who = subject["who"]
            if not who or who.split()[-1].lower() in {"to", "of", "and", "the", "a", "that", "not"}:
                continue
            c_start = c.end()
            verb = c.group("verb")
            rest = s_text[c_start:]
            if verb in ("told", "tells", "tell", "telling", "asked", "urged", "warned"):
                t = re.match(
                    r"\s+(?:[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*|reporters|journalists|"
                    r"the\s+[\w’'-]+(?:\s+[\w’'-]+){0,3}?|him|her|them|us|me|lawmakers|"
                    r"supporters|a\s+[\w-]+(?:\s+[\w-]+)?)(?:\s+(?:on|in|at)\s+[\w ]{1,25}?)?"
                    r"(?=\s+that\b|,|\s+[a-z])",
                    rest,
                )
                if t:
                    c_start += t.end()
            t = _THAT.match(self.text, base + c_start)
            c_start = t.end() - base if t else c_start
            extra = {"mention": relative["pronoun"]} if relative and who else {}
            tail = _tail_attribution(s_text)
            end = base + (tail.start() if tail and tail.start() > c_start else len(s_text))
            second = _SECOND_CUE.search(self.text, base + c_start, end)
            if second and self._quoted_share(second.start(), second.end()) == 0:
                # "X said A — and he noted that B": two statements, the second by "he"
                self._add(sent, who, verb, base + c_start, second.start(), **extra)
                self._add(sent, second["who"], second["verb"], second.end(), end)
                return
            self._add(sent, who, verb, base + c_start, end, **extra)
            return

    def _headline(self, sent: Sentence) -> None:
        """A Title Case headline's statement: "Brenn: Harbor Will Reopen", "Mayor Says Harbor
        Will Reopen Within Weeks", "Harbor Will Reopen Within Weeks, Ida Brenn Says"."""
        text = self.text
        line = text[sent.start : sent.end]
        for pattern in _HEADLINE:
            m = pattern.match(line)
            if not m or (m["verb"] and m["verb"].lower() not in CUE_VERBS):
                continue
            who = m["who"].strip()
            if who.lower() in _HEADLINE_NOT_SPEAKERS:
                continue
            end = sent.start + m.end("content")
            while end > sent.start and text[end - 1] in " .":
                end -= 1
            content = self.article[sent.start + m.start("content") : end]
            if len(content.split()) >= 3:
                self.found.append(_Found(who, content, "indirect", m["verb"] or ":", sent.start, sent.end))
            return

    # ------------------------------------------------------------------ all

    def run(self) -> list[_Found]:
        """Walk the article in order, so that "he" and "she" see the sentences before them."""
        by_sentence: dict[int, list[Quote]] = {}
        for q in self.quotes:
            sent = self._sentence_of(q.open_mark) or self._sentence_of(q.start)
            if sent is not None:
                by_sentence.setdefault(sent.start, []).append(q)
        for sent in self.sents:
            he, she = self.speakers.resolve("he"), self.speakers.resolve("she")
            self.pronouns[sent.start] = (he if he != "he" else None, she if she != "she" else None)
            before = len(self.found)
            if sent.paragraph == 0 and is_headline(self.text[sent.start : sent.end]):
                self._headline(sent)  # "Mayor Says Harbor Will Reopen": only a headline's own cue
                continue
            quotes = by_sentence.get(sent.start, [])
            i = 0
            while i < len(quotes):
                i += self._direct(quotes, i, sent)
            if len(self.found) == before:
                self._indirect_in(sent, self.text[sent.start : sent.end])
            self._note_subject(sent, self.found[before:])
        return self.found

    def _note_subject(self, sent: Sentence, found: Sequence[_Found]) -> None:
        """The person "he" or "she" will mean next: this sentence's speaker, else the first person
        it names, in full ("Ilona Petrakis") or by a surname already seen ("Petrakis")."""
        text = self.text[sent.start : sent.end]
        for match in _CAPITALIZED_RUN.finditer(self.text, sent.start, sent.end):
            name = _run_name(match.group())
            if _person_like(name) and not _STATE_MEDIA.search(name):
                self.speakers.know(name)
        for f in found:
            if _person_like(f.speaker):
                self.speakers.note_person(f.speaker)
                if f.mention and f.mention.lower() in _PERSON_PRONOUNS:
                    self.speakers.gender.setdefault(f.speaker, "m" if f.mention.lower() == "he" else "f")
                return
        known = self.speakers.surnames
        people = []
        for match in _CAPITALIZED_RUN.finditer(self.text, sent.start, sent.end):
            name = _run_name(match.group())
            if _person_like(name) and not _STATE_MEDIA.search(name):
                people.append(name)
                self.speakers.know(name)
            elif name and name.split()[-1] in known:
                people.append(known[name.split()[-1]])
        if people:
            self.speakers.note_person(people[0])
            if len(set(people)) == 1:
                self.speakers.note_gender(people[0], text)


def find_statements(text: str, sents: Sequence[Sentence], quotes: Sequence[Quote]) -> list[StatementDraft]:
    """Every direct quote and reported statement the patterns recognise, as drafts."""
    return [draft for draft, _, _ in read_statements(text, sents, quotes)[0]]


def read_statements(
    text: str, sents: Sequence[Sentence], quotes: Sequence[Quote]
) -> tuple[list[tuple[StatementDraft, int, int]], dict[int, tuple[str | None, str | None]]]:
    """`find_statements` with each draft's evidence offsets, for readers that build on statements,
    and whom "he" and "she" mean at each sentence's start (the meeting reader's pronouns)."""
    out = []
    finder = StatementFinder(text, sents, quotes)
    for f in finder.run():
        draft = StatementDraft(
            speaker=f.speaker,
            content=f.content,
            kind=f.kind,  # type: ignore[arg-type]
            cue=f.cue,
            channel=f.channel,
            relay=f.relay,
            speaker_mention=f.mention,
            evidence=[text[f.start : f.end]],
        )
        out.append((draft, f.start, f.end))
    return out, finder.pronouns
