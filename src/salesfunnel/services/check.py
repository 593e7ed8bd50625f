"""`check`: is the file sound, at this version's schema, and could the funnel have made
every record in it?  Each problem comes with how to set it right.

It reads the file through a read-only connection (db/connect.py ``read_only_driver``),
so checking never changes it, and a damaged file is one more finding, not a crash.  The
checks, in order, each run only if the one before found the file fit for it:

1. integrity: SQLite's own ``PRAGMA integrity_check`` (pages, indexes, structure);
2. schema: made by salesfunnel, and at the migration this version expects;
3. references: ``PRAGMA foreign_key_check`` (a deal whose contact is gone, activities of
   missing contacts or deals, purchases of no contact...);
4. states the funnel can't produce (:data:`IMPOSSIBLE`), amounts out of bounds, and the
   search index's watermarks beyond the rows they count.
"""

from __future__ import annotations

import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from salesfunnel.db.search_index import SEARCHED
from salesfunnel.db.sqlite import SCHEMA_HEAD, known_schemas
from salesfunnel.db.work import Work
from salesfunnel.domain.lifecycle import DealStatus, LeadStatus, ProspectStatus, Stage
from salesfunnel.domain.money import MAX_AMOUNT
from salesfunnel.errors import DatabaseError
from salesfunnel.schemas import CheckPublic, ProblemPublic

SHOWN_IDS = 20  # ids named per problem; the count says how many in all
INTEGRITY_FINDINGS = 20  # integrity_check stops after this many faults

# What a table's rows are called, one and many, in a sentence.
NOUNS = {
    "contacts": ("contact", "contacts"),
    "deals": ("deal", "deals"),
    "activities": ("activity", "activities"),
    "purchases": ("purchase", "purchases"),
    "lifecycle_events": ("history event", "history events"),
    "contact_tags": ("tag", "tags"),
    "companies": ("company", "companies"),
    "prospect_lists": ("prospecting list", "prospecting lists"),
    "import_batches": ("import", "imports"),
    "import_updates": ("import's saved value", "import's saved values"),
    "sources": ("source", "sources"),
    "source_costs": ("source cost", "source costs"),
}


@dataclass(frozen=True)
class Impossible:
    """A record the funnel never produces: the SQL that finds their ids, and the fix."""

    kind: str
    ids: str  # SELECT <id> ... : the rows in that state
    one: str  # what one such row is, after its count: "customer with no purchase"
    many: str
    repair: str  # {db}: the database path, quoted for a shell; IDS: the ``ids`` query


def _in(values: list[str]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


PROSPECT_STATES = _in([ProspectStatus.OPEN, ProspectStatus.CANCELLED])
LEAD_STATES = _in(list(LeadStatus))
STAGES = _in(list(Stage))
DEAL_STATES = _in(list(DealStatus))
RESTORE = "restore a backup (see `salesfunnel backup`)"

IMPOSSIBLE = [
    Impossible(
        "state",
        f"SELECT id FROM contacts WHERE stage NOT IN {STAGES} "
        f"OR (stage = 'prospect' AND coalesce(prospect_status, '') NOT IN {PROSPECT_STATES}) "
        f"OR (stage = 'lead' AND coalesce(lead_status, '') NOT IN {LEAD_STATES})",
        "contact in a stage or status the funnel doesn't have",
        "contacts in a stage or status the funnel doesn't have",
        f"{RESTORE}, or give each a known one with sqlite3 {{db}}: a prospect is open or "
        "cancelled, a lead new, contacted, qualified or disqualified",
    ),
    Impossible(
        "state",
        "SELECT c.id FROM contacts AS c WHERE c.stage = 'customer' "
        "AND NOT EXISTS (SELECT 1 FROM purchases AS p WHERE p.contact_id = c.id) "
        "AND NOT EXISTS (SELECT 1 FROM deals AS d WHERE d.contact_id = c.id "
        "AND d.status = 'won')",
        "customer with neither a won deal nor a purchase",
        "customers with neither a won deal nor a purchase",
        "record what each bought: salesfunnel customer purchase ID --value V --date DATE",
    ),
    Impossible(
        "state",
        "SELECT d.id FROM deals AS d WHERE d.status = 'won' "
        "AND NOT EXISTS (SELECT 1 FROM purchases AS p WHERE p.deal_id = d.id)",
        "won deal without its purchase",
        "won deals without their purchase",
        'record the sale each made: sqlite3 {db} "INSERT INTO purchases (contact_id, deal_id, '
        "value, currency, purchased_on, created_at) SELECT contact_id, id, value, currency, "
        "coalesce(closed_on, date('now')), strftime('%Y-%m-%d %H:%M:%f000', 'now') FROM deals "
        "WHERE status = 'won' AND id NOT IN (SELECT deal_id FROM purchases "
        'WHERE deal_id IS NOT NULL)"',
    ),
    Impossible(
        "state",
        "SELECT p.id FROM purchases AS p JOIN deals AS d ON d.id = p.deal_id "
        "WHERE d.status <> 'won' OR d.contact_id <> p.contact_id",
        "purchase of a deal that isn't won, or of another contact's deal",
        "purchases of deals that aren't won, or of other contacts' deals",
        f'{RESTORE}, or detach them from the deal: sqlite3 {{db}} "UPDATE purchases '
        'SET deal_id = NULL WHERE id IN (IDS)"',
    ),
    Impossible(
        "state",
        "SELECT c.id FROM contacts AS c WHERE c.stage IN ('prospect', 'lead') "
        "AND EXISTS (SELECT 1 FROM purchases AS p WHERE p.contact_id = c.id)",
        "prospect or lead with a purchase (a purchase makes a customer)",
        "prospects or leads with a purchase (a purchase makes a customer)",
        "sqlite3 {db} \"UPDATE contacts SET stage = 'customer' WHERE id IN (IDS)\"",
    ),
    Impossible(
        "state",
        "SELECT id FROM contacts WHERE stage = 'prospect' AND lead_status IS NOT NULL",
        "prospect with a lead status, never converted",
        "prospects with a lead status, never converted",
        "convert those that showed interest (salesfunnel prospect convert ID); clear the "
        "rest: sqlite3 {db} \"UPDATE contacts SET lead_status = NULL WHERE stage = 'prospect'\"",
    ),
    Impossible(
        "state",
        "SELECT d.id FROM deals AS d JOIN contacts AS c ON c.id = d.contact_id "
        "WHERE d.status = 'open' AND (c.stage = 'prospect' "
        "OR (c.stage = 'lead' AND c.lead_status = 'disqualified'))",
        "open deal of a disqualified lead or a prospect",
        "open deals of disqualified leads or prospects",
        "close each: salesfunnel deal lose ID --reason 'lead disqualified'",
    ),
    Impossible(
        "state",
        f"SELECT id FROM deals WHERE status NOT IN {DEAL_STATES} "
        "OR probability < 0 OR probability > 100 OR (status = 'open' AND probability > 99)",
        "deal with an unknown status or an impossible probability",
        "deals with an unknown status or an impossible probability",
        f"{RESTORE}, or set them with sqlite3 {{db}}: a deal is open (0-99 %), won (100) "
        "or lost (0)",
    ),
    Impossible(
        "state",
        "SELECT a.id FROM activities AS a JOIN deals AS d ON d.id = a.deal_id "
        "WHERE d.contact_id <> a.contact_id",
        "activity on another contact's deal",
        "activities on other contacts' deals",
        'sqlite3 {db} "UPDATE activities SET contact_id = (SELECT contact_id FROM deals '
        'WHERE deals.id = activities.deal_id) WHERE id IN (IDS)"',
    ),
    Impossible(
        "amounts",
        f"SELECT id FROM deals WHERE value IS NULL OR value < 0 OR value > {MAX_AMOUNT:.0f}",
        "deal whose value isn't a possible amount",
        "deals whose value isn't a possible amount",
        'set each right: sqlite3 {db} "UPDATE deals SET value = AMOUNT WHERE id = ID"',
    ),
    Impossible(
        "amounts",
        f"SELECT id FROM purchases WHERE value IS NULL OR value < 0 OR value > {MAX_AMOUNT:.0f}",
        "purchase whose value isn't a possible amount",
        "purchases whose value isn't a possible amount",
        'set each right: sqlite3 {db} "UPDATE purchases SET value = AMOUNT WHERE id = ID"',
    ),
]


def check_database(work: Work, path: Path) -> CheckPublic:
    """Every check on the file ``work`` reads (read-only), as one report."""
    report = _Report(work, path)
    report.run()
    return CheckPublic(
        database=str(path),
        size=_size(path),
        ok=not report.problems,
        integrity=report.integrity,
        schema_version=report.schema,
        schema_head=SCHEMA_HEAD,
        schema_status=report.schema_status,
        contacts=report.contacts,
        deals=report.deals,
        likely_duplicates=report.duplicates,
        problems=report.problems,
    )


def damage(error: Exception) -> str:
    """What SQLite said of a damaged file; any other error goes on as it was.

    The unit of work turns SQLite's errors into one-line refusals (db/work.py
    ``refusal``); what SQLite itself said is kept as the refusal's context.
    """
    said = error if isinstance(error, sqlite3.Error) else error.__context__
    waited = "locked" in str(said) or "busy" in str(said)  # a writer, not damage
    if isinstance(said, sqlite3.DatabaseError) and not waited:
        return str(said)
    raise error


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _Report:
    """The checks of one file, in order, and what they found."""

    def __init__(self, work: Work, path: Path) -> None:
        self.work = work
        self.path = path
        self.db = shlex.quote(str(path))
        self.problems: list[ProblemPublic] = []
        self.integrity = "ok"
        self.schema: str | None = None
        self.schema_status = "unknown"  # until the file is found sound enough to read it
        self.contacts: dict[str, int] = dict.fromkeys(map(str, Stage), 0)
        self.deals: dict[str, int] = dict.fromkeys(map(str, DealStatus), 0)
        self.duplicates: int | None = None  # groups of likely duplicates (merge --suggest)

    def problem(
        self, kind: str, message: str, repair: str, *, count: int = 1, ids: list[int] | None = None
    ) -> None:
        self.problems.append(
            ProblemPublic(kind=kind, message=message, count=count, ids=ids or [], repair=repair)
        )

    def run(self) -> None:
        try:
            if not self._sound():
                return
            if not self._current_schema():
                return
            self._references()
            for impossible in IMPOSSIBLE:
                self._impossible(impossible)
            self._search_index()
            self._counts()
        except (sqlite3.DatabaseError, DatabaseError) as error:  # what integrity_check missed
            self._damaged(damage(error))

    # --- 1. the file ------------------------------------------------------------------
    def _sound(self) -> bool:
        try:
            rows = self.work.rows(f"PRAGMA integrity_check({INTEGRITY_FINDINGS})")
        except (sqlite3.DatabaseError, DatabaseError) as error:
            self._damaged(damage(error))
            return False
        findings = [
            line
            for row in rows
            for line in str(row[0]).splitlines()
            if line.strip() and not line.startswith("*** in database")
        ]
        if findings == ["ok"]:
            return True
        more = f" (and {len(findings) - 1} more findings)" if len(findings) > 1 else ""
        self._damaged(f"{findings[0]}{more}" if findings else "integrity_check failed")
        return False

    def _damaged(self, what: str) -> None:
        self.integrity = "damaged"
        backups = sorted(self.path.parent.glob(f"{self.path.name}.*.bak"))
        beside = f" (the newest beside it: {backups[-1].name})" if backups else ""
        self.problem(
            "damaged",
            f"the file is damaged: {what}",
            f"restore a backup{beside}: copy it over {self.db} while no salesfunnel runs, "
            f"and delete {self.db}-wal and -shm; or salvage what can be read: "
            f"sqlite3 {self.db} .recover | sqlite3 recovered.db",
        )

    # --- 2. the schema ------------------------------------------------------------------
    def _current_schema(self) -> bool:
        tables = {
            row[0]
            for row in self.work.rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if not tables:
            self.schema_status = "none"  # an empty file: the first write makes the schema
            return False
        if "alembic_version" not in tables:
            self.schema_status = "foreign"
            self.problem(
                "schema",
                "this database was not made by salesfunnel",
                "point --db (or SALESFUNNEL_DB) at a salesfunnel database",
            )
            return False
        self.schema = self.work.value("SELECT version_num FROM alembic_version")
        if self.schema == SCHEMA_HEAD:
            self.schema_status = "current"
            return True
        if self.schema in known_schemas():
            self.schema_status = "older"
            self.problem(
                "schema",
                f"the schema is at {self.schema}, older than this salesfunnel's {SCHEMA_HEAD}",
                "the next salesfunnel command upgrades it, after a backup beside it "
                "(salesfunnel lead list); then check again",
            )
        else:
            self.schema_status = "newer"
            self.problem(
                "schema",
                f"the schema is at {self.schema}, newer than this salesfunnel knows "
                f"(it reads up to {SCHEMA_HEAD})",
                "upgrade salesfunnel to use and check this database",
            )
        return False

    # --- 3. references --------------------------------------------------------------------
    def _references(self) -> None:
        broken: dict[tuple[str, str, int], list[int | None]] = {}
        for table, rowid, parent, key in self.work.rows("PRAGMA foreign_key_check"):
            broken.setdefault((table, parent, key), []).append(rowid)
        for (table, parent, key), rowids in sorted(broken.items()):
            column, required = self._reference(table, key)
            one, many = NOUNS.get(table, (f"{table} row", f"{table} rows"))
            target = NOUNS.get(parent, (parent, parent))[0]
            things, verb = (one, "names") if len(rowids) == 1 else (many, "name")
            has_ids = table not in ("contact_tags", "import_updates")
            ids = sorted(r for r in rowids if r is not None)[:SHOWN_IDS] if has_ids else []
            lost = f"{column} NOT IN (SELECT id FROM {parent})"
            if required:
                repair = (
                    f"{RESTORE} from before the {target} went missing; or remove them: "
                    f'sqlite3 {self.db} "DELETE FROM {table} WHERE {lost}"'
                )
            else:
                repair = (
                    f'detach them: sqlite3 {self.db} "UPDATE {table} SET {column} = NULL '
                    f'WHERE {lost}"'
                )
            self.problem(
                "orphans",
                f"{len(rowids)} {things} {verb} a {target} that isn't there, in {table}.{column}",
                repair,
                count=len(rowids),
                ids=ids,
            )

    def _reference(self, table: str, key: int) -> tuple[str, bool]:
        """The column of a table's foreign key number ``key``, and whether it is NOT NULL."""
        column = next(
            row[3] for row in self.work.rows(f"PRAGMA foreign_key_list({table})") if row[0] == key
        )
        required = any(
            row[1] == column and row[3] for row in self.work.rows(f"PRAGMA table_info({table})")
        )
        return column, required

    # --- 4. states, amounts, the search index -------------------------------------------------
    def _impossible(self, impossible: Impossible) -> None:
        count = int(self.work.value(f"SELECT count(*) FROM ({impossible.ids}) AS found"))
        if not count:
            return
        ids = [row[0] for row in self.work.rows(f"{impossible.ids} LIMIT {SHOWN_IDS}")]
        self.problem(
            impossible.kind,
            f"{count} {impossible.one if count == 1 else impossible.many}",
            impossible.repair.replace("{db}", self.db).replace("IDS", impossible.ids),
            count=count,
            ids=sorted(ids),
        )

    def _search_index(self) -> None:
        for table in SEARCHED:
            row = self.work.row(
                f"SELECT s.indexed_through AS watermark, "
                f"(SELECT coalesce(max(id), 0) FROM {table}) AS highest "
                "FROM search_index_state AS s WHERE s.name = :table",
                {"table": table},
            )
            if row is None or row[0] <= row[1]:
                continue
            self.problem(
                "search-index",
                f"the search index of {table} counts rows up to #{row[0]}, but the last is "
                f"#{row[1]}: {table} added next would not be found by search",
                f'sqlite3 {self.db} "UPDATE search_index_state SET indexed_through = '
                f"(SELECT coalesce(max(id), 0) FROM {table}) WHERE name = '{table}'\"",
            )

    def _counts(self) -> None:
        for stage, count in self.work.rows(
            "SELECT stage, count(*) AS n FROM contacts GROUP BY stage"
        ):
            self.contacts[stage] = count
        for status, count in self.work.rows(
            "SELECT status, count(*) AS n FROM deals GROUP BY status"
        ):
            self.deals[status] = count
        from salesfunnel.services.duplicates import count_likely_duplicates

        self.duplicates = count_likely_duplicates(self.work)
