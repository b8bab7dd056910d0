"""Candidate claims, sentence by sentence: which platform or programme, what status, when,
how many, and how sure. A rule-based reader of defence news, offline and explainable:
every candidate carries the sentence it came from, verbatim, as its quote.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from procurement.domain.countries import lookup_country
from procurement.domain.dates import PartialDate
from procurement.domain.lifecycle import Kind, Status, allowed_statuses
from procurement.domain.platforms import Platform, alias_key
from procurement.ingest.relative_dates import Resolved, resolve
from procurement.ingest.text import Sentence

__all__ = ["Candidate", "Catalogue", "KnownProgramme", "Reading", "read_claims"]

# Status cues, most specific first; the first that matches a sentence decides.
_CUES: Final[list[tuple[re.Pattern[str], Status]]] = [
    (
        re.compile(r"\b(agreed|pledged|set|poised|expected) to (sign|ink|finali[sz]e)\b", re.I),
        Status.AGREED,
    ),
    (re.compile(r"\banticipated (formal )?signing\b", re.I), Status.AGREED),
    (re.compile(r"\b(signed|inked)\b|^ink\b", re.I), Status.SIGNED),
    (
        re.compile(
            r"\b(plans?|planning|intends?|intend) to (acquire|buy|procure|purchase|order)\b", re.I
        ),
        Status.PLANNED,
    ),
    (re.compile(r"\b(pending|outstanding)\b.{0,60}?\bsales?\b", re.I), Status.NEGOTIATING),
    (re.compile(r"\b(cancel+ed|scrapped|abandoned)\b", re.I), Status.CANCELLED),
    (
        re.compile(r"\b(integrated|inducted|employs|operates|in service|in its inventory)\b", re.I),
        Status.IN_SERVICE,
    ),
    (re.compile(r"\b(approved|cleared)\b", re.I), Status.APPROVED),
    (re.compile(r"\b(delivered|deliveries began|began delivering)\b", re.I), Status.DELIVERING),
    (
        re.compile(r"\b(signed a contract|contracted|placed an order|ordered)\b", re.I),
        Status.CONTRACTED,
    ),
    (re.compile(r"\bannounced\b", re.I), Status.ANNOUNCED),
    (
        re.compile(
            r"\b(forthcoming|upcoming|looked forward|look forward|anticipation for holding"
            r"|will (also )?join)\b",
            re.I,
        ),
        Status.PLANNED,
    ),
]
_CO_PRODUCTION: Final = re.compile(
    r"\b(co-?production|co-?produce|collaborative efforts to produce|jointly produce)\b", re.I
)
# Named agreements and initiatives: a capitalised name ending in one of these words, or a
# "ten-year ... framework".
_NAMED: Final = re.compile(
    r"(?:\b\d+\+\d+|\b[A-Z][\w&+-]*)(?:\s+(?:[A-Z][\w&+-]*|of|for|the|and))*?\s+"
    r"(?:Framework|Summit|Alliance|Dialogue|Agreement|Partnership|Initiative|Treaty|COMPACT)"
    r"(?:\s*\(\w+\))?"
    r"|\b(?:\d+|ten)-year\s+(?:[\w-]+\s+){0,4}?(?:framework|agreement)\b"
    r"|\b[A-Z][A-Z-]{3,}\s+(?:Summit|COMPACT)\b",
)
_AGREEMENT_WORDS: Final = ("framework", "agreement", "treaty", "partnership", "compact")
_NUMBERS: Final = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
} | {"dozen": 12, "two dozen": 24}
_QUANTITY: Final = re.compile(
    r"\b(\d{1,5}|" + "|".join(_NUMBERS) + r")\s+(?:more|new|additional)?\s*$", re.I
)
_DESIGNATION: Final = re.compile(r"\b[A-Z][A-Za-z]{0,3}-\d{1,4}[A-Z0-9]{0,4}\b")
_CONTINUES: Final = re.compile(
    r"^(These|They|Those|Others|Other|[\w-]+ additions) (also )?(include|included|are)\b", re.I
)
_ANAPHORA: Final = re.compile(
    r"^(This|The|That)\s+(\w+\s+){0,2}(agreement|framework|initiative|pact|compact|summit"
    r"|alliance|dialogue)\b",
    re.I,
)
_SALES: Final = re.compile(r"\b(defen[cs]e sales|arms sales|sales)\b", re.I)


@dataclass(frozen=True)
class KnownProgramme:
    """A programme already in the store, as the reader needs it."""

    id: str
    title: str
    kind: Kind
    platform: str | None


@dataclass
class Catalogue:
    """What the reader recognises: platforms by every name, and stored programmes."""

    platforms: list[Platform]
    programmes: list[KnownProgramme] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_key: dict[str, Platform] = {}
        patterns = []
        for platform in self.platforms:
            for name in platform.names():
                self.by_key.setdefault(alias_key(name), platform)
                patterns.append(name)
        # Tolerant of case, hyphens and spaces: "P-8I", "P8I" and "P-8 I" are one name.
        pieces = []
        for name in sorted(set(patterns), key=len, reverse=True):
            chunks = re.findall(r"[A-Za-z]+|\d+", name)
            pieces.append(r"[\s-]*".join(re.escape(c) for c in chunks))
        self.pattern = (
            re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(pieces) + r")(?![A-Za-z0-9])", re.I)
            if pieces
            else None
        )

    def platforms_in(self, text: str) -> list[tuple[int, int, Platform]]:
        """(start, end, platform) for every platform named, longest name first."""
        if self.pattern is None:
            return []
        return [
            (m.start(), m.end(), self.by_key[alias_key(m.group(0))])
            for m in self.pattern.finditer(text)
        ]

    def unknown_designations(self, text: str) -> list[str]:
        """Designations that look like platforms ("Su-30MKI") but are in no catalogue."""
        return sorted(
            {
                m.group(0)
                for m in _DESIGNATION.finditer(text)
                if alias_key(m.group(0)) not in self.by_key
            }
        )


@dataclass(frozen=True)
class Candidate:
    """A claim proposed for review."""

    quote: str
    programme: str
    title: str
    kind: Kind
    platform: str | None
    status: Status
    effective: PartialDate
    date_note: str
    quantity: int | None
    confidence: float
    is_new: bool


@dataclass
class Reading:
    """What the reader found in one article."""

    candidates: list[Candidate]
    unknown_platforms: list[str]
    parties: tuple[str | None, str | None]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:80].strip("-") or "programme"


def _quantity(before: str) -> int | None:
    found = _QUANTITY.search(before[-40:])
    if found is None:
        return None
    word = found.group(1).lower()
    number = _NUMBERS[word] if word in _NUMBERS else int(word)
    return number if number > 0 else None


def _parties(text: str) -> tuple[str | None, str | None]:
    """The two countries an article is most about, for buyer and supplier."""
    names = re.findall(
        r"\b(India|United States|US|U\.S\.|America|Pakistan|China|Russia|France|Israel|"
        r"United Kingdom|UK|Japan|Australia|Germany)\b",
        text,
    )
    codes = Counter(
        lookup_country({"US": "US", "U.S.": "US", "America": "US", "UK": "GB"}.get(n, n))
        for n in names
    )
    top = [c for c, _ in codes.most_common(2) if c]
    return (top[0] if top else None), (top[1] if len(top) > 1 else None)


def _effective(dates: list[Resolved], published: PartialDate) -> tuple[PartialDate, str, bool]:
    """The date a status began: the first date in the sentence that is not in the future
    of publication; failing that, "by publication" (an open start)."""
    assert published.latest is not None
    for resolved in dates:
        earliest = resolved.date.earliest
        if earliest is None or earliest <= published.latest:
            if resolved.date.latest is not None and resolved.date.latest > published.latest:
                continue  # "later this year": what is expected, not when it happened
            return resolved.date, f"{resolved.note} ({resolved.words!r})", True
    return (
        PartialDate(f"../{published.latest.isoformat()}"),
        "no date in the sentence: by publication",
        False,
    )


def _match_programme(
    catalogue: Catalogue, title: str, kind: Kind, platform: str | None
) -> KnownProgramme | None:
    words = set(re.findall(r"[a-z0-9]+", title.lower())) - {
        "the",
        "of",
        "for",
        "and",
        "next",
        "new",
    }
    best, score = None, 0.0
    for known in catalogue.programmes:
        if known.kind != kind or known.platform != platform:
            continue
        other = set(re.findall(r"[a-z0-9]+", known.title.lower())) - {
            "the",
            "of",
            "for",
            "and",
            "next",
            "new",
        }
        overlap = len(words & other) / max(1, min(len(words), len(other)))
        if overlap > score:
            best, score = known, overlap
    return best if score >= 0.5 or (platform is not None and best is not None) else None


def _named(text: str) -> list[tuple[str, Kind]]:
    found = []
    for match in _NAMED.finditer(text):
        name = " ".join(match.group(0).split())
        lower = name.lower()
        kind = Kind.AGREEMENT if any(w in lower for w in _AGREEMENT_WORDS) else Kind.INITIATIVE
        found.append((name, kind))
    return found


def _canonical(name: str) -> str:
    """One key for the names an article gives one agreement ("the next 10-year US-India
    Defence Framework", "Framework for the US-India Major Defence Partnership")."""
    lower = name.lower()
    if re.search(r"\b(\d+|ten)-year\b", lower):
        return "framework"
    for word in ("framework", "compact"):
        if word in lower:
            return word
    return _slug(re.sub(r"^(the|next|new|a)\s+", "", lower))


def read_claims(
    sentences: Iterable[Sentence], text: str, published: PartialDate, catalogue: Catalogue
) -> Reading:
    """Candidates for every sentence that names a platform or programme and a status."""
    buyer, supplier = _parties(text)
    candidates: list[Candidate] = []
    unknown: set[str] = set()
    seen: set[tuple[str, Status, str]] = set()
    previous: Status | None = None
    sentences = list(sentences)
    # The fullest name the article gives each named agreement or initiative.
    titles: dict[str, str] = {}
    for sentence in sentences:
        if not sentence.text.rstrip("\"'\u201d").endswith((".", "!", "?")):
            continue  # a headline or subhead, not how the story names things
        for name, _kind in _named(sentence.text):
            canonical = _canonical(name)

            # Prefer a name that says what the thing is ("... framework"), then the fullest.
            def rank(text: str, key: str = canonical) -> tuple[bool, int]:
                return (key in text.lower(), len(text))

            if canonical not in titles or rank(name) > rank(titles[canonical]):
                titles[canonical] = name
    last_named: tuple[str, Kind] | None = None
    for sentence in sentences:
        words = sentence.text
        cue = next((status for pattern, status in _CUES if pattern.search(words)), None)
        inherited = False
        named_here = _named(words)
        if named_here:
            name, kind = named_here[-1]
            last_named = (titles.get(_canonical(name), name), kind)
        if cue is None and previous is not None and _CONTINUES.search(words):
            # "These include the C-17 ...": a list that goes on from the sentence before.
            cue, inherited = previous, True
        previous = cue
        unknown.update(catalogue.unknown_designations(words))
        if cue is None:
            continue
        dates = resolve(words, published)
        effective, note, dated = _effective(dates, published)
        subjects: list[tuple[str, Kind, str | None, int | None]] = []
        co_production = bool(_CO_PRODUCTION.search(words))
        for start, _end, platform in catalogue.platforms_in(words):
            kind = Kind.CO_PRODUCTION if co_production else Kind.ACQUISITION
            subjects.append((platform.name, kind, platform.id, _quantity(words[:start])))
        if not subjects:
            for name, kind in _named(words):
                subjects.append((titles.get(_canonical(name), name), kind, None, None))
            if not subjects and cue is Status.NEGOTIATING and _SALES.search(words):
                subjects.append(("Pending defence sales", Kind.ACQUISITION, None, None))
            if not subjects and last_named is not None and _ANAPHORA.search(words):
                # "This comprehensive agreement, announced ...": the one named last.
                subjects.append((*last_named, None, None))
        for name, kind, platform_id, quantity in subjects:
            status = cue
            if status not in allowed_statuses(kind):
                continue
            if platform_id is not None:
                suffix = {Status.IN_SERVICE: "in-service"}.get(status, kind.value.replace("_", "-"))
                title = f"{name} {suffix.replace('-', ' ')}"
                proposed = f"{platform_id}-{suffix}"
            else:
                title, proposed = name, _slug(name)
            known = _match_programme(catalogue, title, kind, platform_id)
            ident = known.id if known else proposed
            claim_key = (ident, status, effective.edtf)
            if claim_key in seen:
                continue
            seen.add(claim_key)
            confidence = 0.5 + (0.25 if platform_id else 0.1) + (0.15 if dated else 0.0)
            confidence -= 0.15 if inherited else 0.0
            candidates.append(
                Candidate(
                    quote=words,
                    programme=ident,
                    title=known.title if known else title,
                    kind=kind,
                    platform=platform_id,
                    status=status,
                    effective=effective,
                    date_note=note,
                    quantity=quantity,
                    confidence=round(confidence, 2),
                    is_new=known is None,
                )
            )
    return Reading(candidates, sorted(unknown), (buyer, supplier))
