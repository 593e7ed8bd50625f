"""`calendar export`: planned steps as iCalendar events with stable UIDs, in a private file."""

from __future__ import annotations

import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar


@pytest.fixture
def planned(ok) -> None:
    ok("lead", "add", "Ana Souza", "--email", "ana@example.com", "--company", "Atlântico")
    ok("lead", "add", "Иван Петров")
    ok("lead", "qualify", "2", "--value", "12000")
    ok("next", "1", "call", "Send the proposal", "--due", "tomorrow 14:00")  # 1
    ok("next", "2", "meeting", "Demo", "--due", "2026-11-27")  # 2
    ok("next", "1", "task", "Already done", "--due", "today")  # 3
    ok("done", "3")


def events(path: Path) -> dict[str, object]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_export_writes_one_event_per_planned_step_in_a_private_file(ok, planned, tmp_path) -> None:
    target = tmp_path / "steps.ics"
    result = ok("calendar", "export", str(target))
    assert result.stdout == ""
    assert result.stderr == f"Wrote 2 planned steps to {target}.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    found = events(target)
    assert len(found) == 2
    timed, all_day = found.values()
    assert timed["summary"] == "Call: Ana Souza - Send the proposal"
    assert timed.decoded("dtstart") == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert timed.decoded("dtend") == datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    assert "DTSTART:20261124T140000Z" in target.read_text()
    assert "ana@example.com" in str(timed["description"])
    assert all_day["summary"] == "Meeting: Иван Петров - Demo"
    assert all_day.decoded("dtstart") == date(2026, 11, 27)
    assert all_day.decoded("dtend") == date(2026, 11, 28)
    assert "Deal #1" in str(all_day["description"])


def test_uids_stay_the_same_from_one_export_to_the_next(ok, planned, tmp_path, db) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    ok("calendar", "export", str(first))
    ok("snooze", "1")
    ok("calendar", "export", str(second))
    before, after = events(first), events(second)
    identity = db("select value from settings where key = 'database.id'")[0][0]
    uid = f"activity-1.{identity}@salesfunnel"
    assert set(before) == set(after) == {uid, f"activity-2.{identity}@salesfunnel"}
    moved = after[uid]
    assert (before[uid]["sequence"], moved["sequence"]) == (0, 1)
    assert moved.decoded("dtstart") == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def test_another_database_gets_other_uids(ok, planned, tmp_path, monkeypatch) -> None:
    ok("calendar", "export", str(tmp_path / "a.ics"))
    monkeypatch.setenv("SALESFUNNEL_DB", str(tmp_path / "other.db"))
    ok("lead", "add", "Ana Souza")
    ok("next", "1", "call", "Send the proposal", "--due", "tomorrow 14:00")
    ok("calendar", "export", str(tmp_path / "b.ics"))
    assert not set(events(tmp_path / "a.ics")) & set(events(tmp_path / "b.ics"))


def test_an_existing_file_is_replaced_with_force_and_made_private(ok, planned, tmp_path) -> None:
    target = tmp_path / "steps.ics"
    target.write_text("old")
    target.chmod(0o644)
    ok("calendar", "export", str(target), "--force")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("BEGIN:VCALENDAR")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".steps")] == []


def test_dash_writes_to_standard_output(ok, planned) -> None:
    result = ok("calendar", "export", "-")
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert result.stdout.count("BEGIN:VEVENT") == 2
    assert result.stderr == "Wrote 2 planned steps to standard output.\n"


def test_an_empty_calendar_is_still_a_calendar(empty_db, ok, tmp_path) -> None:
    target = tmp_path / "steps.ics"
    assert ok("calendar", "export", str(target)).stderr == f"Wrote 0 planned steps to {target}.\n"
    assert Calendar.from_ical(target.read_bytes()).walk("VEVENT") == []


def test_a_directory_or_missing_folder_is_refused(run, tmp_path) -> None:
    folder = run("calendar", "export", str(tmp_path))
    assert folder.exit_code == 1
    assert folder.stderr == f"Error: {tmp_path} is a directory: give a file name\n"
    missing = run("calendar", "export", str(tmp_path / "nope" / "steps.ics"))
    assert missing.exit_code == 1
    assert missing.stderr.startswith("Error: can't write ")
