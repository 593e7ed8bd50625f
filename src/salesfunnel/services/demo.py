"""A realistic sample database, built through the same use cases a user runs.

Names in English, Portuguese, Spanish and Russian; companies with several
contacts; prospects in lists; leads in every status; deals in every stage, won
and lost; customers active, pre-inactive, inactive and churned.  The history is
spread over the last year with the clock's time travel, so every event is dated
as if it had happened then.  The same seed gives the same database for a given
"today".
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from salesfunnel import clock
from salesfunnel.db.work import Work
from salesfunnel.domain.lifecycle import Stage
from salesfunnel.errors import BadValue
from salesfunnel.services import customers, deals, leads, prospects

if TYPE_CHECKING:
    from salesfunnel.services.activities import ActivityOutcome

T = TypeVar("T")

# Per language: male first names, female first names, surnames (in their male form).
PEOPLE = {
    "en": (
        ["James", "Oliver", "Harry", "Jack", "Liam"],
        ["Emily", "Sophie", "Grace", "Chloe", "Ava"],
        ["Smith", "Johnson", "Brown", "Taylor", "Walker", "Wright", "Clarke", "Hughes", "Green"],
    ),
    "pt": (
        ["João", "António", "Gonçalo", "Luís", "Thiago"],
        ["Maria", "Inês", "Beatriz", "Conceição"],
        ["Silva", "Santos", "Gonçalves", "Araújo", "Magalhães", "Simões", "Brandão", "Ribeiro"],
    ),
    "es": (
        ["José", "Álvaro", "Íñigo", "Sergio", "Raúl"],
        ["Lucía", "Sofía", "Martina", "Begoña"],
        ["García", "Núñez", "Fernández", "Martínez", "Peña", "Ibáñez", "Muñoz", "Sánchez"],
    ),
    "ru": (
        ["Алексей", "Дмитрий", "Сергей", "Иван", "Павел"],
        ["Мария", "Ольга", "Анна", "Екатерина"],
        ["Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Новиков", "Козлов"],
    ),
}
COMPANIES = {
    "en": ["Northwind Traders", "Acme Logistics", "Bluebird Software", "Harbor Health"],
    "pt": ["Padaria Pão Quente", "Construtora Atlântico", "Vinhos do Douro Lda", "TechSampa"],
    "es": ["Distribuciones Ibérica", "Hotel Sol y Mar", "Clínica Núñez", "Aceites La Mancha"],
    "ru": ['ООО "Ромашка"', "СтройИнвест", "Балтийский Лес", "ТехноСфера"],
}
DOMAINS = {"en": "example.com", "pt": "example.com.br", "es": "example.es", "ru": "example.ru"}
TRANSLIT = dict(
    zip(
        map(ord, "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"),
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh sch  y  e yu ya".split(" "),
        strict=True,
    )
)
TITLES = ["CEO", "Head of Purchasing", "Operations Manager", "CFO", "IT Director", "Owner"]
SOURCES = ["webinar", "referral", "website form", "newsletter", "trade fair", "linkedin"]
TAGS = ["vip", "smb", "enterprise", "renewal", "partner"]
LOST_REASONS = ["price", "went with a competitor", "no budget this year", "timing"]
CALL_NOTES = ["Intro call", "Left a voicemail", "Discussed pricing", "Answered questions"]
NEXT_STEPS = [
    ("call", "Follow-up call"),
    ("email", "Send the proposal"),
    ("meeting", "Product demo"),
    ("task", "Prepare a quote"),
    ("email", "Send case studies"),
]
LISTS = ["Trade fair Lisbon 2026", "Madrid retailers", "Moscow logistics Q3"]


def build_demo(work: Work, *, contacts: int = 300, seed: int = 7) -> tuple[str, list[str]]:
    """Fill an empty database; refuses one that already holds contacts.

    Returns the summary, and what the demo shows beyond the funnel (a merge, a recurring
    step, a keep-in-touch cadence), each with the command to look at it.
    """
    existing = work.value("SELECT count(*) FROM contacts")
    if existing:
        raise BadValue(
            f"the database already holds {existing} contacts; give demo a new file with --db"
        )
    builder = _DemoBuilder(work, random.Random(seed), clock.now())
    builder.build(contacts)
    notes = builder.showcase()
    deal_count = work.value("SELECT count(*) FROM deals")
    customer_count = work.value(
        "SELECT count(*) FROM contacts WHERE stage = :customer", {"customer": Stage.CUSTOMER}
    )
    return (
        f"Built a demo database: {contacts} contacts — "
        f"{builder.counts['prospect']} came in as prospects, {builder.counts['lead']} as leads; "
        f"{deal_count} deals; {customer_count} customers."
    ), notes


def surname_for(lang: str, surname: str, *, female: bool) -> str:
    """A Russian surname agrees with the person: Смирнов for him, Смирнова for her."""
    return f"{surname}а" if lang == "ru" and female else surname


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class _DemoBuilder:
    def __init__(self, work: Work, rng: random.Random, now: datetime) -> None:
        self.work = work
        self.rng = rng
        self.now = now
        self.counts = {"prospect": 0, "lead": 0}  # how each contact came in
        self.used: set[str] = set()

    def at(self, days_ago: float, action: Callable[[], T]) -> T:
        """Run a use case as if it happened ``days_ago`` (working hours)."""
        moment = datetime.combine(
            (self.now - timedelta(days=days_ago)).date(), time(9 + self.rng.randrange(8))
        ).astimezone()
        with clock.travel_to(min(moment, self.now)):
            return action()

    def person(self) -> dict[str, str | None]:
        lang = self.rng.choice(list(PEOPLE))
        male, female, surnames = PEOPLE[lang]
        while True:
            is_female = self.rng.random() < 0.5
            first = self.rng.choice(female if is_female else male)
            name = f"{first} {surname_for(lang, self.rng.choice(surnames), female=is_female)}"
            handle = _ascii(name.lower().translate(TRANSLIT)).replace(" ", ".")
            email = f"{handle}{self.rng.randrange(100)}@{DOMAINS[lang]}"
            if email not in self.used:
                self.used.add(email)
                break
        company = self.rng.choice(COMPANIES[lang]) if self.rng.random() < 0.7 else None
        phone = f"0{self.rng.randrange(10**8, 10**9)}" if self.rng.random() < 0.6 else None
        return {
            "name": name,
            "email": email,
            "phone": phone,
            "company": company,
            "title": self.rng.choice(TITLES),
        }

    def build(self, total: int) -> None:
        n_prospects = total * 2 // 5
        for _ in range(n_prospects):
            self.prospect()
        for _ in range(total - n_prospects):
            self.lead()
        self.plan_next_steps()

    def plan_next_steps(self) -> None:
        """Calls made in the past weeks and steps planned around today: a real to-do list.

        Some open leads and deals are left without a step, so the to-do list has
        something to flag there too.
        """
        from salesfunnel.services import activities

        today = self.now.date()
        open_leads = self.work.rows(
            "SELECT id FROM contacts WHERE lead_status IN ('new', 'contacted') ORDER BY id"
        )
        open_deals = self.work.rows(
            "SELECT id, contact_id FROM deals WHERE status = 'open' ORDER BY id"
        )
        owners = [(row.id, None) for row in open_leads]
        owners += [(row.contact_id, row.id) for row in open_deals]
        for contact_id, deal_id in owners:
            ref = str(contact_id)
            if self.rng.random() < 0.5:
                self.at(self.rng.uniform(1, 25), partial(self.log_call, ref, deal_id))
            if self.rng.random() < 0.75:
                offset = self.rng.randrange(-6, 12)
                when = (today + timedelta(days=offset)).isoformat()
                if offset > 0 and self.rng.random() < 0.3:
                    when += f" {self.rng.choice(['09:30', '11:00', '14:00', '16:30'])}"
                kind, text = self.rng.choice(NEXT_STEPS)
                self.at(  # planned a few days before it fell due
                    max(0, -offset) + self.rng.randrange(1, 4),
                    partial(
                        activities.plan_step, self.work, ref, kind, text, when, deal_id=deal_id
                    ),
                )

    def showcase(self) -> list[str]:
        """A lead entered twice and merged, a weekly call that recurs, and a cadence for
        the vip tag: what `merge`, `next --every` and `cadence.TAG` do, at work."""
        from salesfunnel.services import activities, merge, settings

        notes = []
        twin = self.work.row(
            "SELECT c.id, c.name, c.company_id, c.title FROM contacts AS c "
            "WHERE c.stage = 'lead' AND c.lead_status = 'qualified' "
            "AND c.company_id IS NOT NULL ORDER BY c.id LIMIT 1"
        )
        if twin is not None:
            company = self.work.value(
                "SELECT name FROM companies WHERE id = :id", {"id": twin.company_id}
            )
            handle = _ascii(twin.name.lower().translate(TRANSLIT)).replace(" ", ".")
            again = self.at(
                40,
                lambda: leads.add_lead(
                    self.work,
                    twin.name.upper(),  # typed again, in capitals, from a business card
                    email=f"{handle}@gmail.example",
                    company=company,
                    source="trade fair",
                ),
            )
            self.at(35, partial(self.log_call, str(again.id), None))
            merged = self.at(
                2, lambda: merge.merge_contacts(self.work, str(twin.id), str(again.id))
            )
            notes.append(
                f"Merged #{merged.other_id}, {twin.name} entered twice, into #{twin.id}: "
                f"salesfunnel show {twin.id}"
            )
        customer = self.work.row(
            "SELECT id, name FROM contacts WHERE stage = 'customer' AND churned_on IS NULL "
            "ORDER BY id LIMIT 1"
        )
        if customer is not None:
            ref = str(customer.id)
            self.at(
                10,
                partial(
                    activities.plan_step,
                    self.work,
                    ref,
                    "call",
                    "Weekly check-in",
                    "+1d 10:00",
                    every="1w",
                ),
            )
            self.at(9, lambda: activities.complete(self.work, self._open_step(customer.id)))
            done = self.at(2, lambda: activities.complete(self.work, self._open_step(customer.id)))
            following = done.following
            if following is not None and done.activity.done_at is not None:
                notes.append(
                    f"A weekly call with {customer.name} recurs: done on "
                    f"{clock.local(done.activity.done_at).date()}, the next is #{following.id} "
                    f"due {following.due_date}: salesfunnel show {customer.id}"
                )
        settings.set_setting(self.work, "cadence.vip", "30d")
        notes.append(
            "Contacts tagged vip are kept in touch with every 30 days (config set cadence.vip "
            "30d): see Keep in touch below"
        )
        return notes

    def _open_step(self, contact_id: int) -> int:
        return int(
            self.work.value(
                "SELECT max(id) FROM activities WHERE contact_id = :id AND done_at IS NULL "
                "AND every IS NOT NULL",
                {"id": contact_id},
            )
        )

    def log_call(self, ref: str, deal_id: int | None) -> ActivityOutcome:
        """A call about a contact (or its deal), its note picked when it is made."""
        from salesfunnel.services import activities

        note = self.rng.choice(CALL_NOTES)
        return activities.log_activity(self.work, ref, "call", note, deal_id=deal_id)

    def prospect(self) -> None:
        p = self.person()
        days_ago = self.rng.uniform(20, 300)
        found = self.at(
            days_ago,
            lambda: prospects.add_prospect(
                self.work,
                str(p["name"]),
                email=p["email"],
                phone=p["phone"],
                company=p["company"],
                title=p["title"],
                list_name=self.rng.choice(LISTS),
            ),
        )
        self.counts["prospect"] += 1
        ref = str(found.id)
        fate = self.rng.random()
        later = days_ago - self.rng.uniform(1, 15)
        if fate < 0.2:
            self.at(later, lambda: prospects.cancel(self.work, [ref], "not interested"))
        elif fate < 0.45:
            self.at(later, lambda: prospects.convert(self.work, [ref]))
            self.work_lead(ref, later)

    def lead(self) -> None:
        p = self.person()
        days_ago = self.rng.uniform(1, 330)
        found = self.at(
            days_ago,
            lambda: leads.add_lead(
                self.work,
                str(p["name"]),
                email=p["email"],
                phone=p["phone"],
                company=p["company"],
                title=p["title"],
                source=self.rng.choice(SOURCES),
                tags=self.rng.sample(TAGS, self.rng.randrange(3)),
                starred=self.rng.random() < 0.1,
            ),
        )
        self.counts["lead"] += 1
        self.work_lead(str(found.id), days_ago)

    def work_lead(self, ref: str, days_ago: float) -> None:
        fate = self.rng.random()
        later = max(0.0, days_ago - self.rng.uniform(2, 20))
        if fate < 0.3:
            return  # still new
        if fate < 0.45:
            reason = self.rng.choice(["no budget", "wrong fit", "student", "competitor"])
            self.at(later, lambda: leads.disqualify(self.work, ref, reason))
            return
        if fate < 0.55:
            self.at(later, lambda: leads.qualify(self.work, ref, level="mql", need=True))
            return
        value = float(self.rng.choice([1500, 4800, 9900, 12000, 25000, 60000]))
        _, deal_id = self.at(
            later,
            lambda: leads.qualify(
                self.work, ref, level="sql", need=True, budget=True, authority=True, value=value
            ),
        )
        if deal_id is not None:
            self.work_deal(int(deal_id), later, ref)

    def work_deal(self, deal_id: int, days_ago: float, ref: str) -> None:
        stages = [s.name for s in deals.pipeline_stages(self.work)]
        when = days_ago
        for stage in stages[1 : 1 + self.rng.randrange(len(stages))]:
            when = max(0.0, when - self.rng.uniform(3, 20))
            self.at(when, partial(deals.move, self.work, deal_id, stage))
        if when < 30 or self.rng.random() < 0.35:
            self.set_close(deal_id)
            return
        closed = max(0.0, when - self.rng.uniform(2, 15))
        if self.rng.random() < 0.6:
            self.at(closed, lambda: deals.win(self.work, deal_id))
            self.customer_life(ref, closed)
        else:
            reason = self.rng.choice(LOST_REASONS)
            self.at(closed, lambda: deals.lose(self.work, deal_id, reason))

    def set_close(self, deal_id: int) -> None:
        close = (self.now + timedelta(days=self.rng.randrange(-10, 120))).date()
        self.work.update("deals", deal_id, {"expected_close": close})

    def customer_life(self, ref: str, won_days_ago: float) -> None:
        if won_days_ago > 60 and self.rng.random() < 0.4:
            again = max(0.0, won_days_ago - self.rng.uniform(20, 60))
            amount = self.rng.choice(["800", "1200", "2500"])
            self.at(
                again,
                lambda: customers.record_purchase(self.work, ref, amount),
            )
        elif won_days_ago > 120 and self.rng.random() < 0.2:
            self.at(won_days_ago / 2, lambda: customers.churn(self.work, ref, "contract ended"))
