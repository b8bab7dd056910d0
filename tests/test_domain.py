"""The domain's rules, as a data editor meets them: clear errors that name the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from procurement import (
    Citation,
    InvalidData,
    InvalidTransition,
    Kind,
    Platform,
    Programme,
    Role,
    Source,
    Status,
    StatusEvent,
    Tracker,
    allowed_statuses,
)
from procurement.domain.base import NAME_LENGTH
from procurement.domain.events import lifecycle_violations
from procurement.domain.lifecycle import is_backwards


def _error_fields(error: ValidationError) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in error.errors()}


def test_an_unknown_country_code_names_the_field() -> None:
    """'XX' is not an ISO 3166-1 alpha-2 code."""
    with pytest.raises(ValidationError) as caught:
        Programme(id="p", title="P", kind="acquisition", buyer="XX")
    assert _error_fields(caught.value) == {"buyer"}
    assert "ISO 3166-1" in str(caught.value)


def test_country_codes_are_normalised_to_upper_case() -> None:
    """'in' is India."""
    assert Programme(id="p", title="P", kind="acquisition", buyer="in").buyer == "IN"


def test_a_quantity_of_zero_or_less_names_the_field() -> None:
    """Quantities count things ordered: at least one."""
    for bad in (0, -6):
        with pytest.raises(ValidationError) as caught:
            Programme(id="p", title="P", kind="acquisition", quantity=bad)
        assert _error_fields(caught.value) == {"quantity"}


def test_a_malformed_date_names_the_field() -> None:
    """A date that is not EDTF is refused where it stands."""
    with pytest.raises(ValidationError) as caught:
        StatusEvent(
            programme="p",
            status="planned",
            effective="July 2025",
            citations=[Citation(source="s", quote="q")],
        )
    assert _error_fields(caught.value) == {"effective"}


def test_an_unknown_status_names_the_field() -> None:
    """Only the documented vocabulary is accepted."""
    with pytest.raises(ValidationError) as caught:
        StatusEvent(
            programme="p",
            status="rumoured",
            effective="2025",
            citations=[Citation(source="s", quote="q")],
        )
    assert _error_fields(caught.value) == {"status"}


def test_an_event_needs_at_least_one_citation() -> None:
    """Every status has a source behind it."""
    with pytest.raises(ValidationError) as caught:
        StatusEvent(programme="p", status="planned", effective="2025", citations=[])
    assert _error_fields(caught.value) == {"citations"}


def test_ids_are_slugs() -> None:
    """Ids are stable lowercase slugs; 'P-8I' is a name, not an id."""
    with pytest.raises(ValidationError, match="not a valid id"):
        Platform(id="P-8I", name="P-8I")


def test_a_source_must_say_when_it_was_published_at_the_latest() -> None:
    """Knowledge time needs an upper bound: 'published after X' is not enough."""
    with pytest.raises(ValidationError, match="latest"):
        Source(id="s", title="t", published="2025-07-01/..", sha256="0" * 64)


def test_a_role_without_citation_or_reference_is_refused() -> None:
    """Reference data must say where it comes from."""
    with pytest.raises(ValidationError, match="reference"):
        Role(title="Secretary of War")


def test_the_same_platform_name_twice_is_refused() -> None:
    """'P-8I' and 'p8i' are the same name."""
    with pytest.raises(ValidationError, match="same name"):
        Platform(id="p-8i", name="P-8I", aliases=("P-8I", "p8i"))


def test_a_name_longer_than_the_store_holds_names_the_field() -> None:
    """Names, titles and places hold at most NAME_LENGTH characters; longer text is a note."""
    long_name = "P" * (NAME_LENGTH + 1)
    with pytest.raises(ValidationError) as caught:
        Platform(id="p-8i", name="P-8I", aliases=("Poseidon", long_name))
    assert _error_fields(caught.value) == {"aliases.1"}
    assert f"at most {NAME_LENGTH}" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        Programme(id="p", title="P", kind="acquisition", buyer_party=long_name)
    assert _error_fields(caught.value) == {"buyer_party"}
    assert Platform(id="p-8i", name="P" * NAME_LENGTH).name == "P" * NAME_LENGTH
    # Case folding can lengthen a name: 'ß' is matched as 'ss'.
    with pytest.raises(ValidationError) as caught:
        Platform(id="p-8i", name="\u00df" * (NAME_LENGTH // 2 + 1))
    assert _error_fields(caught.value) == {"name"}


def test_each_kind_documents_its_lifecycle() -> None:
    """Agreements are signed and come into force; acquisitions are contracted and delivered."""
    assert Status.SIGNED in allowed_statuses(Kind.AGREEMENT)
    assert Status.IN_FORCE in allowed_statuses(Kind.AGREEMENT)
    assert Status.DELIVERING not in allowed_statuses(Kind.AGREEMENT)
    assert Status.CONTRACTED in allowed_statuses(Kind.ACQUISITION)
    assert Status.IN_FORCE not in allowed_statuses(Kind.ACQUISITION)
    for kind in Kind:
        assert {Status.STALLED, Status.CANCELLED} <= set(allowed_statuses(kind))


def test_stalled_and_cancelled_are_never_backwards() -> None:
    """A programme may stall or be cancelled at any stage."""
    assert not is_backwards(Status.IN_SERVICE, Status.CANCELLED)
    assert not is_backwards(Status.DELIVERING, Status.STALLED)
    assert is_backwards(Status.CONTRACTED, Status.PLANNED)


def _event(status: str, effective: str, **extra: object) -> StatusEvent:
    return StatusEvent(
        programme="p",
        status=status,
        effective=effective,
        citations=[Citation(source="s", quote="q")],
        **extra,  # type: ignore[arg-type]
    )


def test_moving_back_needs_a_correction_or_a_reason() -> None:
    """negotiating -> planned is flagged unless a reason is given."""
    events = [_event("negotiating", "2024"), _event("planned", "2025")]
    assert [(a.status, b.status) for a, b in lifecycle_violations(events)] == [
        (Status.NEGOTIATING, Status.PLANNED)
    ]
    reasoned = [_event("negotiating", "2024"), _event("planned", "2025", reason="talks reset")]
    assert lifecycle_violations(reasoned) == []


def test_after_a_stall_the_lifecycle_resumes_from_where_it_stopped() -> None:
    """negotiating -> stalled -> negotiating is fine; -> planned is backwards."""
    resumed = [
        _event("negotiating", "2023"),
        _event("stalled", "2024"),
        _event("negotiating", "2025"),
    ]
    assert lifecycle_violations(resumed) == []
    regressed = [
        _event("negotiating", "2023"),
        _event("stalled", "2024"),
        _event("planned", "2025"),
    ]
    assert len(lifecycle_violations(regressed)) == 1


def test_same_day_events_are_ordered_by_lifecycle() -> None:
    """Announced and planned on the same day are not a backwards move, in either order."""
    assert (
        lifecycle_violations([_event("planned", "2025-02"), _event("announced", "2025-02")]) == []
    )


def test_a_status_a_kind_does_not_allow_is_refused_by_the_tracker(tracker: Tracker) -> None:
    """An acquisition cannot come 'in_force': the error names programme, field and the
    allowed statuses, and nothing is written."""
    tracker.add_source(Source(id="s", title="t", published="2025", sha256="1" * 64))
    tracker.add_programme(Programme(id="buy", title="Buy", kind="acquisition", buyer="IN"))
    with pytest.raises(
        InvalidData, match=r"field 'status'.*not a status of .*acquisition.*allowed"
    ):
        tracker.record_status("buy", "in_force", "2025", [("s", "quote")])
    assert tracker.events("buy") == []


def test_a_backwards_move_is_refused_with_both_statuses(tracker: Tracker) -> None:
    """The error names the programme and the two statuses."""
    tracker.add_source(Source(id="s", title="t", published="2025", sha256="1" * 64))
    tracker.add_programme(Programme(id="buy", title="Buy", kind="acquisition", buyer="IN"))
    tracker.record_status("buy", "contracted", "2024", [("s", "quote")])
    with pytest.raises(InvalidTransition, match=r"'buy'.*'contracted'.*'planned'"):
        tracker.record_status("buy", "planned", "2025", [("s", "quote")])
