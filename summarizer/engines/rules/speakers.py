"""Who speaks: speaker phrases cleaned into names, and "he"/"she" resolved as the article goes.

The statement reader (`statements.py`) finds a cue and the words before or after it; this module
turns those words into a speaker ("the ministry's spokesman, Li Wei," -> "Li Wei"), tells
people from bodies, and tracks who "he" and "she" mean (the last people named, their gender
learnt from the article). The cue verbs it knows are `data/speech_verbs.txt`,
`data/belief_verbs.txt` and `data/stance_verbs.txt`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.engines.rules.data import load_words
from summarizer.normalize.entities import split_title
from summarizer.normalize.quotes import straighten_doubled_marks

SPEECH_VERBS = sorted(load_words("speech_verbs.txt"))
BELIEF_VERBS = sorted(load_words("belief_verbs.txt"))
STANCE_VERBS = sorted(load_words("stance_verbs.txt"))
CUE_VERBS = frozenset(SPEECH_VERBS + BELIEF_VERBS + STANCE_VERBS)
_LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:On|In|At|During|After|Before|Meanwhile|But|And|However|Also|Later|Earlier|Still|Yet|So|"
    r"Speaking|Asked|Writing|Since|While|When|As|Last|This|Separately|Elsewhere|Instead|Now|Then|"
    r"Today|Yesterday)\b[^,]{0,60},\s*)+"
)
_TRAILING_ADVERBS = re.compile(
    r"\s+(?:also|further|later|earlier|again|then|now|repeatedly|previously|recently|himself|herself|"
    r"themselves|itself|on\s+\w+|in\s+a\s+statement|in\s+an\s+interview|last\s+\w+|this\s+\w+|"
    r"(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))$"
)
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you"}
_PERSON_PRONOUNS = {"he", "she"}
_STATE_MEDIA = re.compile(
    r"\b(?:state[- ](?:run|owned|controlled)?\s*(?:media|television|TV|news|broadcaster)|Xinhua|KCNA|"
    r"RIA|TASS|Tass|CCTV|CGTN|China Global Television Network|official\s+news\s+agency|IRNA)\b"
)
_ORG_WORDS = frozenset(
    (
        "House Department Ministry Party Committee Times News Post Journal Agency Council Union Court "
        "Commission Office Bureau Network Association Institute University Bank Army Police Senate "
        "Congress Parliament Government Administration Campaign Foundation Center Centre Group "
        "Company Corporation Reuters AP CNN BBC Fox NBC ABC CBS MSNBC Organization Organisation "
        "Service Force Forces Command Embassy Board Fund Club League Alliance Coalition Front "
        "Movement"
    ).split()
)

# --------------------------------------------------------------------------- speakers


@dataclass
class _Speakers:
    """Who was named last, for resolving "he" and "she" (and continuing quotes).

    A person's gender is learnt from the article ("Ms. Petrakis", "she" in a sentence about only
    her), so "she" skips back past the last-named man to the last woman (or unknown).
    """

    last_speaker: str | None = None
    last_mention: str | None = None
    """The article's words for the last speaker when they differ from the name ("she")."""
    people: list[str] = field(default_factory=list)
    gender: dict[str, str] = field(default_factory=dict)
    surnames: dict[str, str] = field(default_factory=dict)
    """Every person named in full so far, by surname: "Petrakis" -> "Ilona Petrakis"."""

    def know(self, name: str) -> None:
        self.surnames[name.split()[-1]] = name

    @property
    def last_person(self) -> str | None:
        return self.people[-1] if self.people else None

    def note_person(self, name: str) -> None:
        self.people.append(name)

    def note_gender(self, name: str, sentence: str) -> None:
        words = set(re.findall(r"\b(?:he|his|him|she|her|hers|Mr|Mrs|Ms)\b", sentence))
        male, female = words & {"he", "his", "him", "Mr"}, words & {"she", "her", "hers", "Mrs", "Ms"}
        if male and not female:
            self.gender.setdefault(name, "m")
        elif female and not male:
            self.gender.setdefault(name, "f")

    def resolve(self, speaker: str) -> str:
        low = speaker.lower()
        if low in _PERSON_PRONOUNS:
            wanted = "m" if low == "he" else "f"
            for person in reversed(self.people[-6:]):
                if self.gender.get(person, wanted) == wanted:
                    return person
            return self.last_person or self.last_speaker or speaker
        if low in PRONOUNS:
            return self.last_speaker or speaker
        if " " not in speaker and speaker[:1].isupper():
            return self.surnames.get(speaker, speaker)
        return speaker


_ABBREV_DOT = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Reps|Gov|Del|Rev|Gen|Lt|Col|Maj|Sgt|Capt|Adm|Cmdr|St|Jr|Sr|Prof|"
    r"Pres|Atty|Supt|Insp|Det|No|Ft|Mt|Hon)\.|\b[A-Z]\.(?=\s*[A-Z])|\([^()\n]{1,15}\)"
)


def scan_text(text: str) -> str:
    """The text the patterns read: same length and offsets as the article, with the periods of
    abbreviations ("Rep.", "G.K.", "(D-S.C.)") made U+2024 so they do not end a phrase, and
    typewriter double quotes made straight. Speakers read from it are turned back with `.`."""
    text = straighten_doubled_marks(text)
    return _ABBREV_DOT.sub(lambda m: m.group().replace(".", "\u2024"), text)


_DESCRIPTION = re.compile(r"^(?:the|a|an|his|her|their|its)\s+[a-z]", re.I)


def _mention(mention: str | None, speaker: str) -> str | None:
    """The article's words for the speaker, kept when resolution replaced them, or when they are a
    description ("the mayor") that normalization may resolve to a name ("Bill de Blasio")."""
    if mention and (mention != speaker or _DESCRIPTION.match(mention)):
        return mention
    return None


def _person_like(name: str) -> bool:
    words = name.split()
    if not words or any(w.strip("’'s.") in _ORG_WORDS for w in words):
        return False
    caps = [w for w in words if w[:1].isupper()]
    return len(caps) >= 2 and len(caps) == len(words)


_DESCRIBING = ("the ", "a ", "an ", "who ", "whose ", "which ")


def _is_aside(part: str) -> bool:
    """An apposition or aside after a name: "the tax commissioner", "which represents teachers",
    "senior associate at the institute", "speaking to veterans" (never a pronoun: "he")."""
    words = part.split()
    return part.lower().startswith(_DESCRIBING) or (
        part[:1].islower() and len(words) >= 2 and words[0].lower() not in PRONOUNS
    )


def _name_only(phrase: str) -> bool:
    """Every word capitalized, at most five: a name ("Pell", "Ada Perrin"), not "In a statement"."""
    words = phrase.split()
    return 0 < len(words) <= 5 and all(w[:1].isupper() for w in words)


def _strip_title(name: str) -> str:
    """ "Veldorian President Anselm Varga" -> "Anselm Varga" (see `normalize.entities.split_title`)."""
    return split_title(name)[1]


_RUN_OPENERS = frozenset(
    "what when but and the as if while after before in on at for so then yet though although because "
    "since unlike like even".split()
)


def _run_name(run: str) -> str:
    """A capitalized run as a name: "What Mr. Brody" -> "Brody" (the opener and title dropped)."""
    words = run.split()
    while len(words) > 1 and words[0].lower() in _RUN_OPENERS:
        words = words[1:]
    return _strip_title(" ".join(words))


def _subject_like(phrase: str) -> bool:
    """Whether the words before a cue verb can be its subject: a name, a pronoun, "the ministry"."""
    low = phrase.lower()
    return phrase[:1].isupper() or low in PRONOUNS or low.startswith(("the ", "a ", "an ", "his ", "her "))


_NOT_IN_SUBJECT = frozenset(
    (
        "has have had is was were are be been being will would can could should may might must did "
        "does do not never also to in on at by with from into onto over under about after before when "
        "while because if although though as since until than that which who whom whose where why how "
        "what this these those there here it its it's so but or nor yet then now just only even still "
        "again said says say told tells according like unlike during despite through across against "
        "toward towards upon within without between among amid via per one"
    ).split()
)
_NP_LOWER_OK = frozenset(
    (
        "the a an his her their our my your of for and spokesman spokeswoman spokesperson official "
        "officials president minister secretary senator governor mayor chief director leader leaders "
        "adviser advisers aide aides analyst analysts expert experts critic critics campaigners "
        "activist activists supporters opponents source sources lawmakers residents police economist "
        "professor lawyer lawyers attorney judge report study poll polls survey statement campaign "
        "ministry department government administration committee group agency officer authorities "
        "investigators prosecutors researchers scientists candidate nominee chairman chairwoman "
        "executive founder member members people voters protesters organizers observers diplomats "
        "diplomat former top senior local federal state new many some other several two three both "
        "vice deputy press news media newspaper paper website article ad video clip memo filing "
        "letter documents data figures records team staff union council court party coalition "
        "spokesmen envoy ambassador commander general generals military army officers parents "
        "students teachers doctors workers company firm bank fund network station broadcaster outlet "
        "agency's ministry's government's"
    ).split()
)


def _np_word(token: str) -> bool:
    """Whether a word can be part of a speaker's noun phrase ("White House spokesman Josh Earnest")."""
    bare = token.strip(",;:()\"“”‘’'").lower()
    if not bare:
        return False
    if token[:1].isupper() or token[:1].isdigit():
        return bare not in _NOT_IN_SUBJECT or bare in {"it"}
    if bare in _NP_LOWER_OK or bare.endswith(("’s", "'s")):
        return True
    if bare in _NOT_IN_SUBJECT or bare.endswith(("ed", "ing", "ly")):
        return False
    return bare.isalpha() and len(bare) > 2


_AFTER_CLOSING_QUOTE = re.compile(r"[,.!?]?(?:[”\"]|'')\s+(?=\S)")
_AGE_OR_PARTY = r"(?:,\s+(?:\d{1,3}|[A-Z][a-z]?-[A-Z][\w.\u2024]*),)"
"""An age or a party and state between commas after a name: "Quina Jones, 25,", "Brody, R-Ky.,"."""
_TRAILING_AGE_OR_PARTY = re.compile(r",\s+(?:\d{1,3}|[A-Z][a-z]?-[A-Z][\w.\u2024]*),?$")
_PARTY_STATE = re.compile(r"\s*\([^()]{1,30}\)$")


def clean_speaker(phrase: str) -> str:
    """The speaker noun phrase from the words before a cue verb ("" when there is none).

    Keeps the longest run of noun-phrase words that ends the phrase, so "campaign released an ad
    this week showing Trump" yields nothing usable while "White House spokesman Josh Earnest" and
    "Kevin Sullivan, the tax commissioner," (the name before its apposition) are kept.
    """
    phrase = _AFTER_CLOSING_QUOTE.split(phrase)[-1]  # 'of "A Harbor For All." He'
    phrase = phrase.strip(' ,;:—–-\u201c\u201d"')
    phrase = _PARTY_STATE.sub("", phrase)  # "Sen. Hal Brody (R-Ga.)": the name without its party
    phrase = _TRAILING_AGE_OR_PARTY.sub("", phrase)  # "Quina Jones, 25": the name without the age
    phrase = _LEADING_ADVERBIAL.sub("", phrase)
    while True:
        trimmed = _TRAILING_ADVERBS.sub("", phrase)
        if trimmed == phrase:
            break
        phrase = trimmed
    if ", " in phrase:
        parts = [p for p in phrase.split(", ") if p]
        # "Kevin Sullivan, the tax commissioner, says", "Omar Pell, president of the union,
        # which represents dockers, said", "Pell, speaking to veterans, said": the name
        # before its appositions and asides
        kept = list(parts)
        while len(kept) >= 2 and _is_aside(kept[-1]):
            kept.pop()
        described = any(p.lower().startswith(_DESCRIBING) for p in parts[len(kept) :])
        if len(kept) < len(parts) and kept[-1][:1].isupper() and (described or _name_only(kept[-1])):
            phrase = kept[-1]
        else:
            phrase = parts[-1] if parts else ""
    if ": " in phrase:  # "Friday: Republicans" (a dateline or a heading before the subject)
        phrase = phrase.rsplit(": ", 1)[1]
    tokens = phrase.split()
    for n, token in enumerate(tokens):  # "Lindsey Graham Says ...": a headline's verb ends the name
        if n and token[:1].isupper() and token.lower() in CUE_VERBS:
            tokens = tokens[:n]
            break
    if len(tokens) == 1 and tokens[0].lower() in PRONOUNS:
        return tokens[0]
    name_tokens: list[str] = []
    for token in reversed(tokens):
        if not _np_word(token) or len(name_tokens) >= 9:
            break
        name_tokens.append(token)
    name_tokens.reverse()
    while name_tokens and name_tokens[0].lower() in {"of", "for", "and"}:
        name_tokens.pop(0)
    if not any(
        t[:1].isupper() or t.lower() in _NP_LOWER_OK - {"the", "a", "an", "of", "for", "and"}
        for t in name_tokens
    ):
        return ""
    return " ".join(name_tokens).strip(" ,;:").replace("\u2024", ".")



_CAPITALIZED_RUN = re.compile(
    r"\b(?:(?:Mr|Mrs|Ms|Dr)\.|[A-Z][a-z][\w’'-]*)"
    r"(?:\s+(?:al-|el-|de\s+|van\s+|von\s+)?(?:(?:Mr|Mrs|Ms|Dr)\.|[A-Z][a-z][\w’'-]*))*"
)
"""A run of capitalized words; "Mr." and its kin stay inside it ("What Mr. Brody")."""


def is_headline(sentence: str) -> bool:
    """Title Case with most longer words capitalized: how headlines, not sentences, are written."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", sentence) if len(w) >= 4]
    if len(words) < 3:
        return False
    return sum(w[0].isupper() for w in words) >= 0.7 * len(words)

