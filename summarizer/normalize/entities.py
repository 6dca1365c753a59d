"""One entity per person or body within an article.

Engines list entities loosely. The LLM writes "Xi Jinping" in one place, "President Xi" in a
meeting and "the Chinese leader" as a speaker; the rule-based engine sees only surface strings.
Users (and the scorer) need one name per person or body, so after any engine this module merges
the drafted entities and maps every name an item uses (meeting participants, speakers, accusers,
accused) to one canonical name. It is deterministic, uses only the standard library and the
schema's `Entity`, and is cheap enough to run on thousands of articles.

Usage::

    resolver = resolve_entities(text, extraction.entities, mentions)
    speaker = resolver.canonical(statement.speaker)
    entities = resolver.entities

Decisions, each chosen to avoid merging two different people (a wrong merge silently moves a
statement to someone else; a missed merge only leaves a duplicate):

- Titles are kept apart from names. A title is the run of title words (`ROLE_WORDS`, with
  `MODIFIER_WORDS` such as "foreign", "vice", "former" counting only next to a role word) ending
  just before the name, with what precedes it: demonyms, country names and acronyms ("Chinese",
  "U.S.", "UN"), organisation words ("Union leader"), possessives ("Guterres' spokesman"), and
  "of/for X" tails made of `TAIL_WORDS` ("Minister of Foreign Affairs"). What follows must look
  like a name, not an organisation ("Justice Department" keeps its name). A form made only of
  title words and demonyms ("the Chinese leader") is a *description*. Honorifics (Mr., Mrs.,
  Ms.) are stripped but are not recorded as titles.
- Comparison ignores case, diacritics, dots, apostrophes, hyphens and a leading "the"
  (`name_key`), so "U.S." is "US" and "the United Nations" is "United Nations".
- Forms of several words, forms in another script and descriptions identify an entity: two
  drafts sharing one are merged. A single Latin word ("Xi", "Clinton") does not: it merges into
  the one entity that uses it, or whose person name contains it (a surname, a given name, an
  ordered subset of a longer name), and stays on its own when several entities could claim it.
  An ambiguous word is then removed from the aliases of every entity that listed it, so
  `canonical("Clinton")` with Hillary and Bill Clinton present maps to an entity "Clinton" (or
  creates one), never to either of them.
- Acronyms ("UN", "U.N.") merge into the one non-person entity whose words have those initials,
  ignoring "the", "of", "and", "for" ("United Nations").
- A description merges into the one person whose title matches it: the demonyms, countries and
  acronyms of the description must all be in the title ("Chinese" matches "China's"), and its
  role words must be in the title; generic roles ("leader", "chief", "head") require a head's
  title (president, prime minister, secretary-general...). Titles with "vice", "deputy",
  "former"... never match a description that lacks them. Zero or several matches: no merge;
  the description is then an entity of its own (a person), named without its "the"
  ("Chinese leader"), so a statement is never given to the wrong one of two leaders.
- Parenthesised names are aliases: in a name ("Xi Jinping (習近平)") when they are not a photo
  caption word, and in the article ("Xi Jinping (習近平)" after a known form) when they are in
  another script or are the form's acronym.
- The canonical name is the form in the article's main script with the most name words,
  then one that occurs in the article, then the first seen. Other forms are aliases as written,
  deduplicated by `name_key`. The title is the fullest one seen (most words).
- A draft's type wins; otherwise `guess_type`, and a person when the entity has a title.
- Entities are ordered by first occurrence in the article (case-sensitive, whole words;
  descriptions case-insensitively); entities none of whose forms occur follow in input order
  (drafts, then mentions).
- Countries and organisations are never merged by shared words ("China" stays apart from
  "China Global Television Network" and from "Chinese authorities").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.schema import Entity, EntityType

__all__ = [
    "COUNTRIES",
    "DEMONYMS",
    "GROUP_NOUNS",
    "MODIFIER_WORDS",
    "ORG_WORDS",
    "ROLE_WORDS",
    "TAIL_WORDS",
    "EntityResolver",
    "guess_type",
    "name_key",
    "resolve_entities",
    "split_title",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _pairs(text: str) -> dict[str, str]:
    """The "key=value" words of a vocabulary string, "_" standing for a space in values."""
    pairs = (word.split("=", 1) for word in text.split())
    return {key: value.replace("_", " ") for key, value in pairs}


def _entries(text: str) -> frozenset[str]:
    """The "|"-separated entries of a vocabulary string, whitespace trimmed."""
    return frozenset(" ".join(e.split()) for e in text.split("|") if e.strip())


# --------------------------------------------------------------------------- vocabularies

ROLE_WORDS = _words(
    """
    nominee candidate contender hopeful frontrunner front-runner
    president premier chancellor king queen emperor empress monarch regent prince princess sheikh
    sheik emir amir sultan pope cardinal archbishop imam ayatollah rabbi reverend rev. minister
    secretary commissioner envoy ambassador amb. consul spokesman spokeswoman spokesperson
    chairman chairwoman chairperson chair director commander leader chief head judge justice
    magistrate prosecutor attorney lawyer senator sen. representative rep. congressman
    congresswoman lawmaker legislator mp mep governor gov. mayor councillor councilor councilman
    councilwoman member speaker treasurer ceo cfo coo founder co-founder officer official adviser
    advisor aide lieutenant lt. gen. colonel col. maj. captain capt. sergeant sgt. admiral adm.
    marshal brigadier inspector superintendent supt. detective professor prof. dr dr. doctor mr
    mr. mrs mrs. ms ms. miss mx mx. sir dame lord lady baroness baron duke duchess taoiseach
    coach manager editor correspondent analyst researcher activist campaigner pres.
    """
)
"""Words that are a title on their own ("President Xi", "spokesman Zhao Lijian")."""

MODIFIER_WORDS = _words(
    """
    presidential vice-presidential gubernatorial mayoral senatorial democratic republican gop
    vice deputy acting former ex interim foreign defense defence finance interior prime high
    general state top senior assistant under supreme grand first crown permanent special chief
    executive managing majority minority opposition party presidential royal late elect
    """
)
"""Words that belong to a title only next to a role word ("Foreign Minister", "General Motors"
is not a title)."""

TAIL_WORDS = _words(
    """
    foreign affairs home internal external state defense defence finance economy economic
    justice interior health education human rights trade commerce industry agriculture energy
    environment labor labour culture information communications transport transportation
    security national public treasury war veterans housing development planning science
    technology tourism youth sport sports women welfare social immigration homeland
    intelligence police navy army staff europe european
    """
)
"""Words of the "of X"/"for X" part of a title ("Minister of Foreign Affairs", "Secretary of
State", "High Commissioner for Human Rights")."""

_HONORIFICS = _words("mr mr. mrs mrs. ms ms. miss mx mx.")
_HEAD_WORDS = _words(
    """
    president premier chancellor king queen emperor empress monarch emir amir sultan pope leader
    chief head chairman chairwoman chairperson chair mayor governor taoiseach
    """
)
_HEAD_PAIRS = (
    frozenset({"prime", "minister"}),
    frozenset({"secretary", "general"}),
    frozenset({"general", "secretary"}),
    frozenset({"director", "general"}),
)
_GENERIC_ROLES = _words("leader chief head boss top")
_NOT_THE_HOLDER = _words("vice deputy former ex assistant under late elect")
_CONNECTORS = _words("the of for and &")
_PARTICLES = _words("al el bin ibn bint ben abu van von der den de da di du la le dos das del y ter zu")
_SUFFIXES = _words("jr jr. sr sr. ii iii iv v")
_CAPTION_WORDS = _words("l r c left right center centre pictured file photo above below top inset")
_INITIALS_SKIP = _words("the of and for &")

COUNTRIES = _entries(
    """
    Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|
    Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|
    Bolivia|Bosnia and Herzegovina|Bosnia|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|
    Cambodia|Cameroon|Canada|Cape Verde|Central African Republic|Chad|Chile|China|Colombia|
    Comoros|Congo|Democratic Republic of the Congo|DR Congo|Costa Rica|Croatia|Cuba|Cyprus|
    Czech Republic|Czechia|Denmark|Djibouti|Dominica|Dominican Republic|East Timor|Timor-Leste|
    Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|
    France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|
    Guyana|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|
    Ivory Coast|Côte d'Ivoire|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|
    Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|
    Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|
    Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Burma|Namibia|Nauru|
    Nepal|Netherlands|Holland|New Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|
    Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|
    Philippines|Poland|Portugal|Qatar|Romania|Russia|Russian Federation|Rwanda|
    Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|Samoa|San Marino|
    Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|
    Slovenia|Solomon Islands|Somalia|South Africa|South Korea|Korea|South Sudan|Spain|Sri Lanka|
    Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|
    Trinidad and Tobago|Tunisia|Turkey|Türkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|
    United Arab Emirates|UAE|United Kingdom|UK|U.K.|Britain|Great Britain|England|Scotland|Wales|
    Northern Ireland|United States|United States of America|U.S.|US|USA|U.S.A.|America|Uruguay|
    Uzbekistan|Vanuatu|Vatican|Holy See|Venezuela|Vietnam|Yemen|Zambia|Zimbabwe|Hong Kong|Macau|
    Greenland|Puerto Rico|Gaza|West Bank
    """
)
"""Country (and territory) names, with the common short forms ("U.S.", "UK", "Britain")."""

_COUNTRY_SAME = {
    "us": "united states",
    "usa": "united states",
    "america": "united states",
    "united states of america": "united states",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "russian federation": "russia",
    "czechia": "czech republic",
    "burma": "myanmar",
    "holland": "netherlands",
    "turkiye": "turkey",
}

DEMONYMS: dict[str, str] = _pairs(
    """
    afghan=afghanistan albanian=albania algerian=algeria american=united_states angolan=angola
    argentine=argentina argentinian=argentina armenian=armenia australian=australia
    austrian=austria azerbaijani=azerbaijan bahraini=bahrain bangladeshi=bangladesh
    belarusian=belarus belgian=belgium bolivian=bolivia bosnian=bosnia brazilian=brazil
    british=united_kingdom bulgarian=bulgaria burmese=myanmar cambodian=cambodia
    cameroonian=cameroon canadian=canada chilean=chile chinese=china colombian=colombia
    congolese=congo croatian=croatia cuban=cuba cypriot=cyprus czech=czech_republic
    danish=denmark dutch=netherlands ecuadorian=ecuador egyptian=egypt emirati=united_arab_emirates
    english=england eritrean=eritrea estonian=estonia ethiopian=ethiopia filipino=philippines
    finnish=finland french=france georgian=georgia german=germany ghanaian=ghana greek=greece
    guatemalan=guatemala haitian=haiti honduran=honduras hungarian=hungary icelandic=iceland
    indian=india indonesian=indonesia iranian=iran iraqi=iraq irish=ireland israeli=israel
    italian=italy ivorian=ivory_coast jamaican=jamaica japanese=japan jordanian=jordan
    kazakh=kazakhstan kazakhstani=kazakhstan kenyan=kenya korean=korea kosovar=kosovo
    kuwaiti=kuwait kyrgyz=kyrgyzstan lao=laos laotian=laos latvian=latvia lebanese=lebanon
    libyan=libya lithuanian=lithuania malaysian=malaysia malian=mali maltese=malta
    mexican=mexico moldovan=moldova mongolian=mongolia montenegrin=montenegro moroccan=morocco
    mozambican=mozambique namibian=namibia nepali=nepal nepalese=nepal nicaraguan=nicaragua
    nigerian=nigeria nigerien=niger norwegian=norway omani=oman pakistani=pakistan
    palestinian=palestine panamanian=panama paraguayan=paraguay peruvian=peru polish=poland
    portuguese=portugal qatari=qatar romanian=romania russian=russia rwandan=rwanda
    saudi=saudi_arabia scottish=scotland senegalese=senegal serbian=serbia singaporean=singapore
    slovak=slovakia slovenian=slovenia somali=somalia spanish=spain sudanese=sudan
    swedish=sweden swiss=switzerland syrian=syria taiwanese=taiwan tajik=tajikistan
    tanzanian=tanzania thai=thailand tibetan=tibet tunisian=tunisia turkish=turkey
    turkmen=turkmenistan ugandan=uganda ukrainian=ukraine uruguayan=uruguay uzbek=uzbekistan
    venezuelan=venezuela vietnamese=vietnam welsh=wales yemeni=yemen zambian=zambia
    zimbabwean=zimbabwe european=europe arab=arab african=africa asian=asia western=west
    soviet=soviet_union
    """
)
"""Demonym -> country key, so "Chinese" in a description matches
"China's" in a title. Regional adjectives ("European", "Arab") map to themselves."""

ORG_WORDS = _words(
    """
    ministry agency council union party committee office network news times post organization
    organisation bank court commission department government army police association institute
    institution university college school company corporation corp inc ltd llc foundation
    federation bureau service authority parliament congress senate assembly forces force navy
    guard corps coalition alliance front movement fund press broadcasting television radio
    journal herald tribune gazette daily club board secretariat cabinet administration embassy
    consulate nations league society center centre hospital airlines airways media channel tv
    watch directorate command brigade regiment battalion militia tribunal politburo legislature
    junta kremlin pentagon xinhua reuters afp bloomberg interpol hamas hezbollah taliban
    international motors electric holdings industries petroleum pharmaceuticals technologies
    systems labs partners capital investments insurance
    """
)
"""A name containing one of these words is an organization ("Chinese Ministry of Foreign
Affairs", "China Global Television Network")."""

GROUP_NOUNS = _words(
    """
    campaigners critics protesters protestors demonstrators officials activists residents
    lawmakers legislators analysts experts diplomats authorities groups leaders workers students
    officers soldiers troops villagers citizens voters opponents supporters witnesses sources
    observers investigators prosecutors rebels militants fighters insurgents families relatives
    doctors scientists researchers organizers organisers members ministers governments countries
    survivors victims refugees migrants farmers teachers parents journalists reporters people
    locals hardliners separatists dissidents detainees prisoners inmates minorities muslims
    uyghurs uighurs christians believers fans athletes players delegates envoys negotiators
    mediators donors investors traders economists bankers executives shareholders employees
    staff crew residents neighbours neighbors allies
    """
)
"""Plural nouns naming a group of people ("Campaigners", "Chinese authorities")."""

_EVENT_WORDS = _words("olympics games summit war crisis pandemic conference forum ceremony cup")

_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,6}$|^[A-Z]\.?(?:[A-Z]\.?){1,5}$")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_PARENS = re.compile(r"\s*[(（]([^()（）]*)[)）]")
_TEXT_PARENS = re.compile(r"[(（]([^()（）\n]{1,80})[)）]")
_APOSTROPHES = frozenset("'’`´ʼ.")
_EDGE_QUOTES = '"“”«»„‟'


# --------------------------------------------------------------------------- strings


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The comparison form of a name: two names with the same key are the same written name.

    Case, diacritics, dots and apostrophes are dropped ("U.S." == "US", "Sissi" == "Sissí"),
    hyphens and other punctuation become spaces ("Abdel-Fattah" == "Abdel Fattah"), a
    possessive and a leading "the" are removed. Other scripts are kept as they are.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"(?:['’]s|(?<=s)['’])(?=\s|$)", "", text)
    chars = []
    for c in text:
        if c.isalnum():
            chars.append(c)
        elif c not in _APOSTROPHES:
            chars.append(" ")
    tokens = "".join(chars).split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)


@lru_cache(maxsize=65536)
def _is_latin(text: str) -> bool:
    """Whether every letter of `text` is Latin: the script test for canonical names."""
    return all(unicodedata.name(c, "").startswith("LATIN") for c in text if c.isalpha())


def _clean(text: str) -> str:
    """Whitespace collapsed; edge quotes, trailing punctuation and a final possessive removed."""
    text = " ".join(text.split()).strip(" ,;:!?").strip(_EDGE_QUOTES).strip()
    return _POSSESSIVE.sub("", text).strip()


def _drop_article(text: str) -> str:
    return text[4:] if text[:4].lower() == "the " and len(text) > 4 else text


def _bare(token: str) -> str:
    """A token without trailing punctuation and possessive: "Minister's," -> "Minister"."""
    return _POSSESSIVE.sub("", token.rstrip(",;:"))


def _initials(key: str) -> str:
    """Initials of a multi-word key, skipping "the/of/and/for": "united nations" -> "un"."""
    words = [w for w in key.split() if w not in _INITIALS_SKIP]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _is_acronym(text: str) -> bool:
    return bool(_ACRONYM.match(text))


# --------------------------------------------------------------------------- token classes


@lru_cache(maxsize=65536)
def _title_word(token: str) -> tuple[bool, bool]:
    """(is a title word, is a role word) for one token; hyphenated titles count part by part."""
    word = _bare(token).lower()
    if word in ROLE_WORDS:
        return True, True
    if word in MODIFIER_WORDS:
        return True, False
    parts = re.split(r"[-‐–]", word)
    if len(parts) > 1 and all(p in ROLE_WORDS or p in MODIFIER_WORDS for p in parts):
        return True, any(p in ROLE_WORDS for p in parts)
    return False, False


_COUNTRY_KEYS = frozenset(name_key(c) for c in COUNTRIES)


@lru_cache(maxsize=65536)
def _affiliation_word(token: str) -> bool:
    """A demonym, country, acronym or their possessive: "Chinese", "China's", "U.S.", "UN"."""
    bare = _bare(token)
    key = name_key(bare)
    return (
        key in DEMONYMS
        or key in _COUNTRY_KEYS
        or (_is_acronym(bare) and not _title_word(bare)[0])
        or _DEMONYM_SHAPE.fullmatch(bare) is not None
    )


_DEMONYM_SHAPE = re.compile(r"[A-Z][a-z]{2,}(?:ian|ean|ese|ish|iot|ani|eni|ari)")
"""A capitalized word shaped like a demonym ("Veldorian", "Marenian", "Congolese", "Azerbaijani"),
for countries the lists do not hold; it counts only where a title word follows it."""


def _affiliation(token: str) -> str:
    """The country or body a title word names, shared by its forms: "Chinese" -> "china"."""
    key = name_key(_bare(token))
    key = DEMONYMS.get(key, key)
    return _COUNTRY_SAME.get(key, key)


def _namey(token: str) -> bool:
    """A token that can be part of a personal name: capitalized, another script, or a particle."""
    if any(c.isdigit() for c in token) or not token:
        return False
    first = token[0]
    if first.isupper() or (first.isalpha() and not _is_latin(first)):
        return True
    return re.split(r"[-‐–]", token.lower())[0] in _PARTICLES


# --------------------------------------------------------------------------- types


@lru_cache(maxsize=65536)
def guess_type(name: str) -> EntityType:
    """The type of a name no engine typed, from its words alone.

    Countries from `COUNTRIES`; organizations from `ORG_WORDS` or a lone acronym ("UN");
    groups from a plural noun (`GROUP_NOUNS`, or a lowercase plural as the last word);
    persons from a title or a description ("President Xi", "the UN chief") or from 2 to 5
    capitalized words; everything else (a lone surname, an event) "other".
    """
    base = _drop_article(_clean(_PARENS.sub("", name)))
    key = name_key(base)
    if not key:
        return "other"
    if key in _COUNTRY_KEYS:
        return "country"
    title, _, description = split_title(base)
    if title or description:
        return "person"
    tokens, words = base.split(), key.split()
    if len(tokens) == 1 and _is_acronym(tokens[0]):
        return "organization"
    if any(w in ORG_WORDS for w in words):
        return "organization"
    last = tokens[-1]
    if words[-1] in GROUP_NOUNS or (len(tokens) > 1 and last.islower() and last.endswith("s")):
        return "group"
    if any(w in _EVENT_WORDS for w in words):
        return "other"
    if (
        2 <= len(tokens) <= 5
        and all(_namey(t) for t in tokens)
        and not all(_affiliation_word(t) or _title_word(t)[0] for t in tokens)
    ):
        return "person"
    return "other"


# --------------------------------------------------------------------------- titles


def _tail_end(tokens: Sequence[str], start: int) -> int:
    """End of an "of/for X" title tail starting at `tokens[start]` ("of"), or `start` if none."""
    i = start + 1
    if i < len(tokens) and tokens[i].lower() == "the":
        i += 1
    end = i
    while end < len(tokens):
        word = _bare(tokens[end]).lower()
        if word in TAIL_WORDS or word in ("and", "&") or _affiliation_word(tokens[end]):
            end += 1
        else:
            break
    while end > i and tokens[end - 1].lower() in ("and", "&"):
        end -= 1
    return end if end > i else start


def _classify(tokens: Sequence[str]) -> list[str]:
    """One letter per token: R role, M modifier, L title tail, D affiliation, N anything else.

    Modifiers in a run of title words without any role word are turned back to N, so
    "General Motors" and "High Court" keep their names.
    """
    kinds: list[str] = []
    i = 0
    while i < len(tokens):
        is_title, is_role = _title_word(tokens[i])
        if is_title:
            kinds.append("R" if is_role else "M")
            i += 1
            continue
        if tokens[i].lower() in ("of", "for") and kinds and kinds[-1] in "RML":
            end = _tail_end(tokens, i)
            if end > i:
                kinds.extend("L" * (end - i))
                i = end
                continue
        kinds.append("D" if _affiliation_word(tokens[i]) else "N")
        i += 1
    start = 0
    while start < len(kinds):
        if kinds[start] in "RML":
            end = start
            while end < len(kinds) and kinds[end] in "RML":
                end += 1
            if "R" not in kinds[start:end]:
                for j in range(start, end):
                    kinds[j] = "N" if kinds[j] == "M" else kinds[j]
            start = end
        else:
            start += 1
    return kinds


def _name_like(tokens: Sequence[str]) -> bool:
    if not tokens or not _namey(tokens[0]):
        return False
    if all(_bare(t).lower() in _SUFFIXES for t in tokens):
        return False
    return guess_type(" ".join(tokens)) not in ("organization", "country", "group")


def _title_prefix_ok(tokens: Sequence[str], kinds: Sequence[str], end: int) -> bool:
    """Whether `tokens[:end]` reads as a title, so "Martin Luther King Jr." keeps its name.

    Besides title words and affiliations, a title may hold connectors, organisation words
    ("Union leader"), possessives ("Guterres' spokesman"); anything else only when the role
    word is lowercase, news style for a role after a body's name ("rights group director").
    """
    last_role = max(i for i in range(end) if kinds[i] == "R")
    if tokens[last_role][:1].islower():
        return True
    for token, kind in zip(tokens[:end], kinds[:end], strict=True):
        if kind != "N":
            continue
        word = _bare(token).lower()
        if word in _CONNECTORS or word in ORG_WORDS or _title_word(token)[0]:
            continue
        if _POSSESSIVE.search(token.rstrip(",")):
            continue
        return False
    return True


_PARTY_WORDS = frozenset({"republican", "democrat", "democratic", "gop", "labour", "conservative", "rival"})
"""Party labels news copy puts before a name ("Republican Donald Trump"): a title, not a name."""


def _capitalized_prefix(tokens: Sequence[str]) -> bool:
    """A title in title case ("Homeland Security Secretary"): every word capitalized or a connector."""
    return all(t[:1].isupper() or t.lower() in _CONNECTORS for t in tokens)


@lru_cache(maxsize=65536)
def split_title(name: str) -> tuple[str | None, str, bool]:
    """Split a written name into (title, name, is_description).

    "Chinese President Xi Jinping" -> ("Chinese President", "Xi Jinping", False);
    "Chinese Minister of Foreign Affairs Wang Yi" -> ("Chinese Minister of Foreign Affairs",
    "Wang Yi", False); "Xi Jinping, the Chinese president" -> ("the Chinese president",
    "Xi Jinping", False); "the UN chief" -> (None, "the UN chief", True): a description, made
    only of title words and affiliations. Anything else comes back unchanged with no title.
    """
    text = " ".join(name.split())
    if "," in text:
        head, _, rest = text.partition(",")
        rest = rest.strip()
        if rest and split_title(rest)[2] and split_title(head)[1] and not split_title(head)[2]:
            title, head_name, _ = split_title(head)
            return (title or _drop_article(rest)), head_name, False
    tokens = _drop_article(text).split()
    if not tokens:
        return None, "", False
    kinds = _classify(tokens)
    ends = [
        i + 1
        for i, kind in enumerate(kinds)
        if kind in "RML" and (i + 1 == len(kinds) or kinds[i + 1] not in "RML")
    ]
    for end in reversed(ends):
        rest = tokens[end:]
        if (
            rest
            and _name_like(rest)
            and (
                _title_prefix_ok(tokens, kinds, end) or (len(rest) >= 2 and _capitalized_prefix(tokens[:end]))
            )
        ):
            return " ".join(tokens[:end]).rstrip(","), " ".join(rest), False
    party = 0
    while party < len(tokens) and _bare(tokens[party]).lower() in _PARTY_WORDS:
        party += 1
    if party and len(tokens) - party >= 2 and _name_like(tokens[party:]):
        return " ".join(tokens[:party]), " ".join(tokens[party:]), False
    if "R" in kinds and all(k != "N" or t.lower() in _CONNECTORS for k, t in zip(kinds, tokens, strict=True)):
        return None, text, True
    return None, text, False


# --------------------------------------------------------------------------- forms and groups


@dataclass(frozen=True)
class _Form:
    """One way the article (or an engine) writes an entity: a name without title, or a description."""

    text: str
    key: str
    title: str | None
    description: bool

    @property
    def words(self) -> list[str]:
        return self.key.split()

    @property
    def strong(self) -> bool:
        """Whether the form identifies an entity by itself (not a lone Latin word like "Xi")."""
        return self.description or len(self.text.split()) > 1 or not _is_latin(self.text)


def _paren_ok(inner: str, outer: str) -> bool:
    """Whether a parenthesised part of a written name is another name for it, not a caption."""
    if not inner or any(c.isdigit() for c in inner):
        return False
    if _is_latin(inner) != _is_latin(outer) or _is_acronym(inner):
        return True
    return inner[:1].isupper() and name_key(inner) not in _CAPTION_WORDS


@lru_cache(maxsize=65536)
def _parse(raw: str, strip_titles: bool) -> tuple[_Form, ...]:
    """The forms one written name contributes: itself without title, then parenthesised names."""
    inner = [_clean(m) for m in _PARENS.findall(raw)]
    base = _clean(_PARENS.sub("", raw))
    forms: list[_Form] = []
    if base:
        title, name, description = split_title(base) if strip_titles else (None, base, False)
        if description:
            forms.append(_Form(base, name_key(base), None, True))
        else:
            name = _drop_article(name)
            forms.append(_Form(name, name_key(name), title, False))
    for part in inner:
        if _paren_ok(part, base):
            forms.append(_Form(part, name_key(part), None, False))
    return tuple(f for f in forms if f.key)


def _recordable(title: str | None) -> bool:
    """Whether a title is worth publishing: "Mr." alone is not."""
    return title is not None and not all(w.lower() in _HONORIFICS for w in title.split())


@dataclass
class _Group:
    """Entity under construction: every form and title seen for it, and the drafts' types."""

    forms: list[_Form]
    types: list[EntityType]
    titles: list[str]
    order: int
    keys: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.keys = {f.key for f in self.forms}
        self.words = {w for f in self.forms for w in f.words}

    def absorb(self, other: _Group) -> None:
        """Take `other`'s forms, types and titles, keeping input order (first seen first)."""
        if other.order < self.order:
            self.forms[:0], self.types[:0], self.titles[:0] = other.forms, other.types, other.titles
            self.order = other.order
        else:
            self.forms.extend(other.forms)
            self.types.extend(other.types)
            self.titles.extend(other.titles)
        self.keys |= other.keys
        self.words |= other.words

    @property
    def named(self) -> list[_Form]:
        return [f for f in self.forms if not f.description]

    @property
    def strong(self) -> bool:
        return any(f.strong and not f.description for f in self.forms)

    def person_ish(self) -> bool:
        """Whether this can be a person, whose name parts may stand alone ("Xi", "Guterres")."""
        if "person" in self.types:
            return True
        if any(t != "other" for t in self.types):
            return False
        return bool(self.titles) or any(guess_type(f.text) == "person" for f in self.named)

    def part_absorbable(self) -> bool:
        """Whether a short form of this group may be a part of someone's name (not "China")."""
        if any(t not in ("person", "other") for t in self.types):
            return False
        return self.types != [] or all(guess_type(f.text) in ("person", "other") for f in self.named)


def _subsequence(short: Sequence[str], long: Sequence[str]) -> bool:
    """Whether `short` is `long` with words left out, in order: "xi" in "xi jinping"."""
    if len(short) >= len(long):
        return False
    it = iter(long)
    return all(word in it for word in short)


def _covered_by(group: _Group, other: _Group) -> bool:
    """Whether `group` is a part of `other`: same forms, name parts ("Xi") or acronyms ("UN").

    Every Latin form of `group` must be a form, an ordered part of a person's name or the
    acronym of a non-person name of `other`, and at least one form must be. A form in another
    script counts neither way when `other` has none in that script: it is a transliteration
    ("習近平" with "Xi" joins "Xi Jinping"), while a second Latin full name ("Bill Clinton")
    is a different person.
    """
    named = group.named
    if not named:
        return False
    parts_ok = group.part_absorbable() and other.person_ish()
    person_words = [f.words for f in other.named] if parts_ok else []
    initials = (
        {_initials(f.key) for f in other.named} - {""}
        if not other.person_ish() and "person" not in group.types
        else set()
    )
    other_scripts = any(not _is_latin(f.text) for f in other.named)
    evidence = False
    for form in named:
        words = form.words
        same = form.key in other.keys
        part = (
            bool(person_words)
            and not all(w in _PARTICLES for w in words)
            and any(_subsequence(words, long) for long in person_words)
        )
        acronym = bool(initials) and _is_acronym(form.text) and form.key.replace(" ", "") in initials
        if same or part or acronym:
            evidence = True
        elif _is_latin(form.text) or other_scripts:
            return False
    return evidence


class _WordIndex:
    """Groups by the words of their forms, so finding a group's owner looks at the few groups
    that could cover it instead of all of them (which made entity resolution quadratic)."""

    def __init__(self, groups: Iterable[_Group]) -> None:
        self.by_word: dict[str, dict[int, _Group]] = {}
        for group in groups:
            self.add(group)

    def add(self, group: _Group) -> None:
        for word in group.words:
            self.by_word.setdefault(word, {})[id(group)] = group

    def remove(self, group: _Group) -> None:
        for word in group.words:
            self.by_word.get(word, {}).pop(id(group), None)

    def pool(self, group: _Group) -> Iterable[_Group] | None:
        """A superset of the groups that can cover `group` by form or name part: such a group
        holds every word of one of its named forms, so it is under that form's rarest word.
        None when a form has no words (then every group must be looked at)."""
        found: dict[int, _Group] = {}
        for form in group.named:
            if not form.words:
                return None
            rarest = min(form.words, key=lambda w: len(self.by_word.get(w, ())))
            found.update(self.by_word.get(rarest, {}))
        return found.values()


def _owner(group: _Group, groups: Iterable[_Group], index: _WordIndex | None = None) -> _Group | None:
    """The one group `group` belongs to, or None when none or several could claim it.

    `index` (of `groups`) narrows the search; acronyms ("UN") are looked for everywhere."""
    if not group.named:
        return None
    acronyms = any(_is_acronym(f.text) for f in group.named)
    pool = index.pool(group) if index is not None and not acronyms else None
    if pool is not None:
        groups = pool
    candidates = [
        g
        for g in groups
        if g is not group and (acronyms or not group.words.isdisjoint(g.words)) and _covered_by(group, g)
    ]
    strong = [g for g in candidates if g.strong]
    if strong:
        candidates = strong
    return candidates[0] if len(candidates) == 1 else None


@lru_cache(maxsize=16384)
def _parts(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(affiliations, role words) of a title or description: ({"china"}, {"foreign", "minister"})."""
    tokens = _drop_article(" ".join(text.split())).split()
    kinds = _classify(tokens)
    affiliations: set[str] = set()
    roles: set[str] = set()
    for token, kind in zip(tokens, kinds, strict=True):
        if kind == "D":
            affiliations.add(_affiliation(token))
        elif kind in "RML":
            word = _bare(token).lower()
            if word in _CONNECTORS:
                continue
            roles.update(p.rstrip(".") for p in re.split(r"[-‐–]", word))
    return frozenset(affiliations), frozenset(roles)


@lru_cache(maxsize=65536)
def _title_matches(description: str, title: str) -> bool:
    """Whether a description ("the Chinese leader") fits someone with `title` ("Chinese President")."""
    want_aff, want_roles = _parts(description)
    have_aff, have_roles = _parts(title)
    if not want_aff <= have_aff:
        return False
    if have_roles & _NOT_THE_HOLDER and not want_roles & _NOT_THE_HOLDER:
        return False
    specific = want_roles - _GENERIC_ROLES
    if specific:
        return specific <= have_roles
    return bool(have_roles & _HEAD_WORDS) or any(pair <= have_roles for pair in _HEAD_PAIRS)


def _describer(group: _Group, groups: Iterable[_Group]) -> _Group | None:
    """The one person a description-only group describes, or None."""
    descriptions = [f.text for f in group.forms if f.description]
    if not descriptions or group.named:
        return None
    candidates = [
        g
        for g in groups
        if g is not group
        and g.named
        and g.person_ish()
        and any(_title_matches(d, t) for d in descriptions for t in g.titles)
    ]
    return candidates[0] if len(candidates) == 1 else None


# --------------------------------------------------------------------------- article text


def _text_parens(text: str) -> list[tuple[str, str]]:
    """(what precedes, what is inside) for every parenthesis of the article."""
    out = []
    for match in _TEXT_PARENS.finditer(text):
        before = text[max(0, match.start() - 120) : match.start()].rstrip()
        out.append((before, _clean(match.group(1))))
    return out


def _text_aliases(parens: Sequence[tuple[str, str]], form: _Form) -> list[_Form]:
    """Names the article puts in parentheses right after `form`: "Xi Jinping (習近平)"."""
    found = []
    if form.description:
        return found
    for before, inner in parens:
        if not inner or not before.endswith(form.text):
            continue
        edge = len(before) - len(form.text) - 1
        if edge >= 0 and before[edge].isalnum():
            continue
        other_script = _is_latin(inner) != _is_latin(form.text)
        acronym = _is_acronym(inner) and name_key(inner).replace(" ", "") == _initials(form.key)
        if other_script or acronym:
            found.append(_Form(inner, name_key(inner), None, False))
    return found


@lru_cache(maxsize=4096)
def _pattern(form: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.IGNORECASE if ignore_case else 0)


def _position(text: str, form: _Form, seen: dict[tuple[str, bool], int | None]) -> int | None:
    """Where `form` first occurs in the article as a whole word, memoised in `seen`."""
    if not text:
        return None
    spot = (form.text, form.description)
    if spot not in seen:
        seen[spot] = _find_word(text, *spot)
    return seen[spot]


_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=4)
def _token_starts(text: str, ignore_case: bool) -> tuple[str, dict[str, list[int]]] | None:
    """The text (lower-cased for `ignore_case`) and where each of its words starts, built once
    per article: finding a form then costs the occurrences of its rarest word, not a scan of
    the whole text per form (which made entity resolution quadratic in the article's size)."""
    source = text.lower() if ignore_case else text
    if len(source) != len(text):
        return None
    starts: dict[str, list[int]] = {}
    for match in _TOKEN.finditer(source):
        starts.setdefault(match.group(), []).append(match.start())
    return source, starts


def _is_boundary(haystack: str, start: int, end: int) -> bool:
    before = haystack[start - 1] if start else " "
    after = haystack[end] if end < len(haystack) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


def _find_word(text: str, form: str, ignore_case: bool) -> int | None:
    """First whole-word occurrence of `form`, found through the article's word index: any
    whole-word occurrence has the form's rarest word at the same offset."""
    if not form:
        return None
    index = _token_starts(text, ignore_case)
    needle = form.lower() if ignore_case else form
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(needle)] if index else []
    if index is not None and tokens and len(needle) == len(form):
        source, starts = index
        offset, word = min(tokens, key=lambda t: len(starts.get(t[1], ())))
        for position in starts.get(word, ()):
            start = position - offset
            if start < 0 or not source.startswith(needle, start):
                continue
            if _is_boundary(source, start, start + len(needle)):
                return start
        return None
    return _scan_word(text, form, ignore_case)


def _scan_word(text: str, form: str, ignore_case: bool) -> int | None:
    """First whole-word occurrence of `form` (str.find, then a boundary check: no regex to build)."""
    if ignore_case:
        haystack, needle = text.lower(), form.lower()
        if len(haystack) != len(text):  # a rare letter changes length when lower-cased
            match = _pattern(form, True).search(text)
            return match.start() if match else None
    else:
        haystack, needle = text, form
    start = haystack.find(needle)
    while start >= 0:
        if _is_boundary(haystack, start, start + len(needle)):
            return start
        start = haystack.find(needle, start + 1)
    return None


def _mostly_latin(text: str) -> bool:
    if text[:4000].isascii():
        return True
    letters = [c for c in text[:4000] if c.isalpha()]
    return not letters or sum(_is_latin(c) for c in letters) * 2 >= len(letters)


# --------------------------------------------------------------------------- building entities


_LOWER_NAME_PARTS = frozenset(
    {"of", "the", "and", "for", "al", "el", "de", "du", "da", "von", "van", "bin", "la", "le"}
)


def _proper(text: str) -> bool:
    """Whether `text` is written as a proper name ("United Nations", "Xinhua", "Abdel-Fattah
    al-Sissi"), not a description ("the world body", "China's state-run Xinhua news agency")."""
    for token in text.replace("-", " ").split():
        letters = [c for c in token if c.isalpha()]
        if letters and letters[0].islower() and token.lower() not in _LOWER_NAME_PARTS:
            return False
    return True


def _fullest_title(titles: Sequence[str]) -> str | None:
    usable = [t for t in titles if _recordable(t)]
    if not usable:
        return None
    return max(enumerate(usable), key=lambda p: (len(p[1].split()), len(p[1]), -p[0]))[1]


def _entity(
    group: _Group, latin: bool, known_words: set[str], in_text: Callable[[_Form], bool] = bool
) -> Entity:
    """The published entity for a group: canonical name, type, aliases, fullest title."""
    named = group.named
    if named:
        best = max(
            enumerate(named),
            key=lambda p: (
                _is_latin(p[1].text) == latin,
                _proper(p[1].text),
                len(p[1].words),
                in_text(p[1]),
                -p[0],
            ),
        )[1]
        name = best.text
    else:
        name = _drop_article(group.forms[0].text)
    canonical_key = name_key(name)
    aliases: list[str] = []
    seen = {canonical_key}
    for form in group.forms:
        if form.key not in seen:
            seen.add(form.key)
            aliases.append(form.text)
    title = _fullest_title(group.titles)
    etype = next((t for t in group.types if t), None)
    if etype is None:
        etype = guess_type(name)
        if etype == "other":
            etype = next(
                (t for t in (guess_type(f.text) for f in named) if t in ("country", "organization")),
                "other",
            )
        if etype == "other" and (title or not named or canonical_key in known_words):
            etype = "person"
    return Entity(name=name, type=etype, aliases=aliases, title=title)


def _draft_group(entity: Entity, order: int) -> _Group | None:
    strip = entity.type in ("person", "other")
    forms = [f for raw in (entity.name, *entity.aliases) for f in _parse(raw, strip)]
    if not forms:
        return None
    titles = [t for t in (entity.title, *(f.title for f in forms)) if t]
    return _Group(forms=forms, types=[entity.type], titles=titles, order=order)


def _mention_group(mention: str, order: int) -> _Group | None:
    forms = list(_parse(mention, True))
    if not forms:
        return None
    return _Group(forms=forms, types=[], titles=[f.title for f in forms if f.title], order=order)


def _merge(groups: list[_Group]) -> list[_Group]:
    """Merge the groups that are one entity, in three passes: identifying forms, parts, descriptions."""
    # 1. Same strong form (several words, another script, a description), or same primary name.
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, group in enumerate(groups):
        keys = [("strong", f.key) for f in group.forms if f.strong]
        keys.append(("primary", group.forms[0].key))
        for k in keys:
            a, b = root(first.setdefault(k, i)), root(i)
            if a != b:
                parent[max(a, b)] = min(a, b)
    merged: list[_Group] = []
    homes: dict[int, _Group] = {}
    for i, group in enumerate(groups):
        home = homes.get(root(i))
        if home is None:
            homes[root(i)] = group
            merged.append(group)
        else:
            home.absorb(group)
    # 2. Lone words and acronyms into the one entity they are part of.
    index = _WordIndex(merged)
    changed = True
    while changed:
        changed = False
        for group in sorted(merged, key=lambda g: (max(len(f.words) for f in g.forms), g.order)):
            owner = _owner(group, merged, index)
            if owner is not None:
                index.remove(group)
                owner.absorb(group)
                index.add(owner)
                merged.remove(group)
                changed = True
    # 3. Descriptions into the one person whose title fits.
    for group in list(merged):
        owner = _describer(group, merged)
        if owner is not None:
            owner.absorb(group)
            merged.remove(group)
    return merged


def _person_words(groups: Iterable[_Group]) -> set[str]:
    """Words of the persons' full names: a lone one of them ("Clinton") is a person too."""
    return {w for g in groups if g.person_ish() for f in g.named if len(f.words) > 1 for w in f.words}


def _drop_shared_aliases(entities: list[Entity]) -> None:
    """An alias claimed by several entities is ambiguous: keep it only where it is the name."""
    holders: dict[str, list[int]] = {}
    for i, entity in enumerate(entities):
        for alias in entity.aliases:
            holders.setdefault(name_key(alias), []).append(i)
    names = {name_key(e.name) for e in entities}
    for key, owners in holders.items():
        if len(owners) > 1 or key in names:
            for i in owners:
                entities[i].aliases = [a for a in entities[i].aliases if name_key(a) != key]


def resolve_entities(text: str, drafts: Sequence[Entity], mentions: Iterable[str]) -> EntityResolver:
    """Merge an engine's entities and the names its items use into one entity per person or body.

    `text` is the article (used for "NAME (OTHER)" aliases, the article's script and the order
    of entities); `drafts` are the engine's entities (may be empty, repeat themselves, carry
    titles inside names or spread aliases over several entries); `mentions` are every name the
    items use. Every mention is then known to the returned resolver, whose `canonical` maps it
    without creating entities.
    """
    groups: list[_Group] = []
    for draft in drafts:
        group = _draft_group(draft, len(groups))
        if group is not None:
            groups.append(group)
    for mention in dict.fromkeys(mentions):  # a name used by many items is one mention
        group = _mention_group(mention, len(groups))
        if group is not None:
            groups.append(group)
    parens = _text_parens(text)
    if parens:
        for group in groups:
            for form in list(group.forms):
                for alias in _text_aliases(parens, form):
                    if alias.key not in group.keys:
                        group.forms.append(alias)
                        group.keys.add(alias.key)
                        group.words.update(alias.words)
    merged = _merge(groups)
    seen: dict[tuple[str, bool], int | None] = {}

    def first_seen(group: _Group) -> tuple[bool, int, int]:
        positions = [p for p in (_position(text, f, seen) for f in group.forms) if p is not None]
        return (not positions, min(positions, default=0), group.order)

    def in_text(form: _Form) -> bool:
        return _position(text, form, seen) is not None

    merged.sort(key=first_seen)
    latin = _mostly_latin(text)
    person_words = _person_words(merged)
    entities = [_entity(g, latin, person_words, in_text) for g in merged]
    _drop_shared_aliases(entities)
    return EntityResolver(entities=entities)


# --------------------------------------------------------------------------- resolver


@dataclass
class EntityResolver:
    """The article's entities, and the map from any written name to its canonical name.

    `entities` are merged and canonical, in first-mention order. `canonical(name)` accepts a
    canonical name, an alias, a titled form ("President Xi"), a parenthesised form or a
    description the entities know. A name it does not know is attached to the one entity it is
    unambiguously part of (a surname, an acronym, a description fitting one title) and becomes
    an alias there, or else becomes a new entity appended to `entities`; either way later calls
    agree with this one. A resolver can also be built directly from finished entities.
    """

    entities: list[Entity] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _groups: list[_Group] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for i, entity in enumerate(self.entities):
            self._add_keys(i, entity)

    def _add_keys(self, i: int, entity: Entity) -> None:
        for name in (entity.name, *entity.aliases):
            key = name_key(name)
            if key:
                self._index.setdefault(key, i)

    def _as_groups(self) -> list[_Group]:
        if self._groups is None:
            self._groups = []
            for i, entity in enumerate(self.entities):
                group = _draft_group(entity, i) or _Group([], [entity.type], [], i)
                self._groups.append(group)
        return self._groups

    def entity(self, name: str) -> Entity:
        """The entity `name` stands for (created as `canonical` would when unknown)."""
        return self.entities[self._resolve(name)]

    def canonical(self, name: str) -> str:
        """The canonical name for any name, alias, titled form or description of an entity.

        Unknown names become new entities, cleaned of titles, and are returned cleaned.
        An empty name comes back stripped, with no entity made for it.
        """
        if not _clean(name):
            return name.strip()
        return self.entities[self._resolve(name)].name

    def _resolve(self, name: str) -> int:
        cleaned = _clean(name)
        hit = self._index.get(name_key(cleaned))
        if hit is not None:
            return hit
        forms = _parse(cleaned, True)
        for form in forms:
            hit = self._index.get(form.key)
            if hit is not None:
                return hit
        group = _Group(list(forms), [], [f.title for f in forms if f.title], len(self.entities))
        if not forms:
            group = _Group([_Form(cleaned, cleaned.casefold(), None, False)], [], [], len(self.entities))
        groups = self._as_groups()
        owner = _owner(group, groups) or _describer(group, groups)
        if owner is not None:
            i = next(n for n, g in enumerate(groups) if g is owner)
            entity = self.entities[i]
            known = {name_key(a) for a in (entity.name, *entity.aliases)}
            for form in group.forms:
                if form.key not in known:
                    entity.aliases.append(form.text)
                    known.add(form.key)
            title = _fullest_title([t for t in (entity.title, *group.titles) if t])
            entity.title = title
            owner.absorb(group)
            self._add_keys(i, entity)
            return i
        entity = _entity(group, True, _person_words(groups))
        self.entities.append(entity)
        groups.append(_draft_group(entity, len(groups)) or group)
        self._add_keys(len(self.entities) - 1, entity)
        return len(self.entities) - 1
