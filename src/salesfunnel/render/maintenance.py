"""What `backup` and `check` print."""

from __future__ import annotations

from salesfunnel.render.output import Output
from salesfunnel.schemas import BackupPublic, CheckPublic, ProblemPublic


def size_text(size: int) -> str:
    """A file's size as people read it (decimal units, as file managers show them)."""
    if size < 1000:
        return f"{size} bytes"
    shown, unit = size / 1000, "kB"
    for bigger in ("MB", "GB"):
        if shown < 1000:
            break
        shown, unit = shown / 1000, bigger
    return f"{shown:.1f} {unit}"


def backup_message(done: BackupPublic) -> str:
    held = f", {done.contacts:,} contacts" if done.contacts is not None else ""
    schema = f", schema {done.schema_version}" if done.schema_version else ""
    return f"Backed up {done.database} to {done.file} ({size_text(done.size)}{held}{schema})."


def render_check(output: Output, report: CheckPublic) -> None:
    """The report on stdout (problems one a line, each with its repair); the verdict on
    stderr."""
    schema = (
        f"{report.schema_version} ({report.schema_status})"
        if report.schema_version
        else report.schema_status
    )
    fields: list[tuple[str, object]] = [
        ("schema", schema),
        ("integrity", report.integrity),
    ]
    if report.integrity == "ok" and report.schema_status == "current":
        fields.append(("contacts", _counts(report.contacts, plural=True)))
        fields.append(("deals", _counts(report.deals, plural=False)))
        if report.likely_duplicates:
            fields.append(
                ("duplicates", f"{report.likely_duplicates:,} likely (salesfunnel merge --suggest)")
            )
    output.record(f"{report.database} ({size_text(report.size)})", fields)
    for problem in report.problems:
        output.line(problem_line(problem))
    if report.ok:
        output.message("No problems found.")
    else:
        count = len(report.problems)
        output.message(f"{count} problem{'s' if count != 1 else ''} found.")


def problem_line(problem: ProblemPublic) -> str:
    ids = ""
    if problem.ids:
        shown = ", ".join(f"#{i}" for i in problem.ids)
        more = problem.count - len(problem.ids)
        ids = f" ({shown}{f' and {more:,} more' if more > 0 else ''})"
    return f"problem: {problem.message}{ids}; repair: {problem.repair}"


def _counts(counts: dict[str, int], *, plural: bool) -> str:
    """``3 prospects, 1 lead`` (stages are nouns); ``2 open, 1 won`` (statuses aren't)."""
    return ", ".join(
        f"{count:,} {name}{'s' if plural and count != 1 else ''}" for name, count in counts.items()
    )
