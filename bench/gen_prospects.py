#!/usr/bin/env python3
"""Realistic prospect lists as CSV files, the same bytes for the same arguments.

    python bench/gen_prospects.py 1000000 /tmp/prospects.csv
    python bench/gen_prospects.py 5000 ru.csv --encoding cp1251 --delimiter ';' --headers ru
    python bench/gen_prospects.py 20 - --headers pt --split-name

Tests and benchmarks make the file they need instead of storing one. Standard
library only; rows are written in batches as they are made (a million in about 25 s).

What a list holds, as lists from fairs, web forms and CRM exports do:

* people with English, Portuguese, Spanish and Russian names (``--langs``), with the
  companies, titles, cities and phone formats of their countries; headers in one
  language (``--headers``); one name column, or first and last (``--split-name``);
* an earlier person again (``--dup-rate``): the same email in other letter case, or
  the same phone, written differently, with another email;
* what an importer must cope with: empty cells, rows with only an email, malformed
  emails (``--bad-email-rate``), rows with no name, email or phone
  (``--no-contact-rate``), rows a cell short or a cell too long (``--ragged-rate``);
* cells that need quotes: companies with commas or double quotes, notes with every
  delimiter, quotes and line breaks; Excel's CRLF line ends.

A code page can't hold every language (cp1252 has no Cyrillic, cp1251 no accented
Latin), so by default a list uses those its encoding holds; any other character loses
its accent (Zoë -> Zoe) or becomes ``?``, as Excel writes it.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import itertools
import random
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "cp1251")
DELIMITERS = {",": ",", ";": ";", "|": "|", "tab": "\t", "\\t": "\t", "\t": "\t"}
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class Language:
    """What people, firms and notes look like in one language."""

    header: tuple[str, ...]  # name, email, phone, company, title, city, country, source, notes
    split_header: tuple[str, str]  # first name, last name
    first_female: tuple[str, ...]
    first_male: tuple[str, ...]
    last: tuple[str, ...]
    places: tuple[tuple[str, str, tuple[str, ...]], ...]  # city, country, phone formats (#)
    companies: tuple[str, ...]  # formats of {last}, {other} (a surname) and {word}
    words: tuple[str, ...]
    titles: tuple[str, ...]
    free_mail: tuple[str, ...]
    domains: tuple[str, ...]  # top-level domains of company addresses
    sources: tuple[str, ...]
    notes: tuple[str, ...]


# fmt: off
EN = Language(
    header=("name", "email", "phone", "company", "title", "city", "country", "source", "notes"),
    split_header=("first name", "last name"),
    first_female=("Alice", "Charlotte", "Ella", "Grace", "Isla", "Kate", "Megan", "Olivia",
                  "Rosie", "Zoë", "Siobhán", "Hannah", "Lucy", "Amy", "Ruth"),
    first_male=("Ben", "Daniel", "Finn", "Harry", "Jack", "Liam", "Noah", "Patrick", "Sam",
                "Tom", "Seán", "Oliver", "George", "Ryan", "Owen"),
    last=("Adams", "Baker", "Carter", "Doyle", "Evans", "Fletcher", "Green", "Hughes", "Irwin",
          "Jenkins", "Kelly", "Lloyd", "Morgan", "Nolan", "O'Neill", "Parker", "Quinn", "Reid",
          "Shaw", "Turner", "Walsh", "Young", "McAllister", "Fitzgerald-Hart"),
    places=(
        ("Boston", "USA", ("+1 (617) ###-####", "617-###-####")),
        ("Chicago", "USA", ("+1 312 ### ####", "(312) ###-####")),
        ("Austin", "USA", ("512.###.####",)),
        ("Toronto", "Canada", ("+1 416-###-####",)),
        ("London", "United Kingdom", ("+44 20 #### ####", "020 #### ####")),
        ("Leeds", "United Kingdom", ("+44 113 ### ####", "0113 ### ####")),
        ("Dublin", "Ireland", ("+353 1 ### ####", "01 ### ####")),
    ),
    companies=("{word} Logistics, Inc.", "{word} Software Ltd", "{last} & Sons",
               "{last}, {other} and Partners LLP", "{word} Analytics", "{word} Dental Group"),
    words=("Northgate", "Bluewater", "Ironwood", "Brightpath", "Redfern", "Kestrel", "Larkspur",
           "Highmoor", "Copperline", "Westbrook"),
    titles=("CEO", "Head of Sales", "Procurement Manager", "VP, Operations", "Office Manager",
            "Founder", "IT Director", "Buyer"),
    free_mail=("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.co.uk"),
    domains=(".com", ".co.uk", ".io", ".ie"),
    sources=("Trade show", "Referral", "Website form", "LinkedIn", "Bought list", "Webinar"),
    notes=(
        "Wants a quote by Friday.",
        "Call after 2pm, not Mondays",
        'Met at the booth; asked about the "Team" plan',
        "Budget signed off for Q3\nThe CFO decides",
        "Quote: $4,500/yr | 12 seats",
        "Copied from the sheet:\tQ3\tfollow up",
    ),
)

PT = Language(
    header=("Nome", "E-mail", "Telefone", "Empresa", "Cargo", "Cidade", "País", "Origem",
            "Observações"),
    split_header=("Nome", "Sobrenome"),
    first_female=("Ana", "Beatriz", "Camila", "Débora", "Fernanda", "Inês", "Júlia", "Letícia",
                  "Luíza", "Mariana", "Patrícia", "Raquel", "Tânia", "Vitória", "Conceição"),
    first_male=("André", "Bruno", "Caio", "Diogo", "Fábio", "Gonçalo", "João", "Luís", "Márcio",
                "Otávio", "Paulo", "Rodrigo", "Sérgio", "Thiago", "Vinícius"),
    last=("Almeida", "Araújo", "Barros", "Cardoso", "Correia", "Falcão", "Gonçalves", "Leão",
          "Lopes", "Magalhães", "Moreira", "Nogueira", "Pinto", "Ribeiro", "Simões", "Teixeira",
          "da Silva", "dos Santos", "de Sousa", "do Carmo"),
    places=(
        ("São Paulo", "Brasil", ("+55 11 9####-####", "(11) 9####-####", "119########")),
        ("Belo Horizonte", "Brasil", ("+55 31 9####-####", "(31) 9####-####")),
        ("Porto Alegre", "Brasil", ("+55 51 9####-####", "(51) 9####-####")),
        ("Florianópolis", "Brasil", ("(48) 9####-####",)),
        ("Recife", "Brasil", ("+55 81 9####-####",)),
        ("Lisboa", "Portugal", ("+351 21 ### ####", "91# ### ###")),
        ("Porto", "Portugal", ("+351 22 ### ####", "93#######")),
        ("Coimbra", "Portugal", ("+351 239 ### ###",)),
    ),
    companies=("{word} {last} Ltda.", "{last}, {other} & Cia. Ltda.", "{word} {last} S.A.",
               "{last} & Filhos, Lda.", "Grupo {word}"),
    words=("Construtora", "Padaria", "Transportes", "Metalúrgica", "Ótica", "Farmácia",
           "Imobiliária", "Consultoria", "Agropecuária", "Distribuidora"),
    titles=("Diretor Comercial", "Gerente de Compras", "Sócia-proprietária", "Analista de TI",
            "Coordenadora de Marketing", "Gerente, Operações", "Comprador"),
    free_mail=("gmail.com", "hotmail.com", "uol.com.br", "bol.com.br", "sapo.pt"),
    domains=(".com.br", ".com", ".pt"),
    sources=("Feira", "Indicação", "Formulário do site", "LinkedIn", "Lista comprada"),
    notes=(
        "Pediu orçamento; enviar até sexta.",
        "Ligar depois das 14h",
        "Interessado no plano “Empresa”, 3 lojas",
        "Não atende o telefone.\nPreferir WhatsApp",
        "Orçamento: R$ 12.500,00 | à vista",
    ),
)

ES = Language(
    header=("Nombre", "Correo", "Teléfono", "Empresa", "Cargo", "Ciudad", "País", "Origen",
            "Notas"),
    split_header=("Nombre", "Apellidos"),
    first_female=("Ainhoa", "Begoña", "Carmen", "Elena", "Lucía", "María", "Mónica", "Nuria",
                  "Pilar", "Rocío", "Sofía", "Ximena", "Valentina", "Inés", "Leire"),
    first_male=("Álvaro", "Andrés", "Íñigo", "Javier", "Joaquín", "Jesús", "Martín", "Óscar",
                "Pablo", "Ramón", "Raúl", "Rubén", "Santiago", "Hugo", "Mateo"),
    last=("Álvarez", "Castaño", "Cortés", "Díaz", "Echeverría", "Fernández", "García", "Ibáñez",
          "Jiménez", "López", "Muñoz", "Núñez", "Ordóñez", "Peña", "Sánchez", "Vázquez",
          "de la Fuente", "del Río", "de León"),
    places=(
        ("Madrid", "España", ("+34 91 ### ## ##", "6## ## ## ##", "0034 6########")),
        ("Barcelona", "España", ("+34 93 ### ## ##", "6########")),
        ("Sevilla", "España", ("954 ## ## ##",)),
        ("Bilbao", "España", ("+34 94 ### ## ##",)),
        ("Ciudad de México", "México", ("+52 55 #### ####", "55 #### ####")),
        ("Guadalajara", "México", ("+52 33 #### ####",)),
        ("Buenos Aires", "Argentina", ("+54 11 ####-####", "011 ####-####")),
        ("Bogotá", "Colombia", ("+57 601 ### ####", "3## ### ####")),
    ),
    companies=("{word} {last}, S.L.", "{word} {last} S.A. de C.V.", "{last} e Hijos",
               "{last}, {other} y Asociados", "Grupo {word}"),
    words=("Distribuciones", "Construcciones", "Asesoría", "Panadería", "Talleres", "Bodegas",
           "Ferretería", "Logística", "Academia", "Inmobiliaria"),
    titles=("Director de Compras", "Gerente General", "Jefa de Ventas", "Responsable de TI",
            "Socio fundador", "Gerente, Logística", "Encargado de tienda"),
    free_mail=("gmail.com", "hotmail.com", "yahoo.es", "outlook.es", "yahoo.com.mx"),
    domains=(".es", ".com", ".com.mx", ".com.ar", ".co"),
    sources=("Feria", "Referido", "Formulario web", "LinkedIn", "Llamada en frío"),
    notes=(
        "Pidió presupuesto, enviar antes del viernes.",
        "Llamar por la tarde",
        "Quiere el plan “Pro”; tiene 3 sucursales",
        "Volver a llamar en enero\nNo antes",
        "Presupuesto aprox. 8.000 € | IVA aparte",
    ),
)

RU = Language(
    header=("Имя", "Эл. почта", "Телефон", "Компания", "Должность", "Город", "Страна",
            "Источник", "Примечание"),
    split_header=("Имя", "Фамилия"),
    first_female=("Алёна", "Анна", "Вера", "Дарья", "Екатерина", "Елена", "Ирина", "Ксения",
                  "Мария", "Наталья", "Ольга", "Полина", "Светлана", "Татьяна", "Юлия"),
    first_male=("Александр", "Алексей", "Андрей", "Артём", "Дмитрий", "Иван", "Игорь", "Максим",
                "Михаил", "Николай", "Олег", "Пётр", "Сергей", "Фёдор", "Юрий"),
    last=("Белов", "Воробьёв", "Голубев", "Жуков", "Зайцев", "Иванов", "Козлов", "Лебедев",
          "Морозов", "Никитин", "Орлов", "Павлов", "Семёнов", "Соколов", "Тихонов", "Фомин"),
    places=(
        ("Москва", "Россия", ("+7 (495) ###-##-##", "8 (916) ###-##-##", "89#########")),
        ("Санкт-Петербург", "Россия", ("+7 (812) ###-##-##", "8 921 ###-##-##")),
        ("Новосибирск", "Россия", ("+7 383 ### ## ##",)),
        ("Екатеринбург", "Россия", ("+7 (343) ###-##-##",)),
        ("Казань", "Россия", ("8 (843) ###-##-##",)),
        ("Нижний Новгород", "Россия", ("+7 831 ###-##-##",)),
        ("Алматы", "Казахстан", ("+7 727 ### ## ##",)),
        ("Минск", "Беларусь", ("+375 (29) ###-##-##", "8 029 ###-##-##")),
    ),
    companies=('ООО "{word}"', 'АО "{word}"', 'ПАО "{word}"', "ИП {last}"),
    words=("Ромашка", "Вектор", "Гарант", "Меридиан", "Стройинвест", "Сибирь-Логистик",
           "ТехноСервис", "Восход", "Феникс", "Альфа-Строй"),
    titles=("Генеральный директор", "Коммерческий директор", "Менеджер по закупкам",
            "Главный бухгалтер", "ИТ-директор", "Заместитель директора, логистика"),
    free_mail=("mail.ru", "yandex.ru", "gmail.com", "rambler.ru", "bk.ru"),
    domains=(".ru", ".com", ".su"),
    sources=("Выставка", "Рекомендация", "Заявка с сайта", "Холодный звонок", "База 2ГИС"),
    notes=(
        "Просил КП, отправить до пятницы.",
        "Перезвонить после 15:00",
        "Интересует тариф «Бизнес»; 12 пользователей",
        "Секретарь не соединяет.\nПисать на почту",
        "Бюджет ~ 500 000 руб. | без НДС",
    ),
)
# fmt: on

LANGUAGES = {"en": EN, "pt": PT, "es": ES, "ru": RU}
WEIGHTS = {"en": 25, "pt": 30, "es": 25, "ru": 20}
HOLDS = {"cp1252": ("en", "pt", "es"), "cp1251": ("en", "ru")}  # the rest hold all four
PATRONYMICS = ("Александров", "Иванов", "Петров", "Сергеев", "Николаев", "Михайлов")
LOCAL_PARTS = ("{g}.{f}", "{i}{f}", "{g}{f}", "{f}.{g}", "{g}_{f}{n}", "{g}{y}")
FREE_MAIL = ("gmail.com", "outlook.com", "yahoo.com")  # where a second address lives
PARTICLES = ("da", "de", "do", "dos", "das", "del", "la", "las", "los")
_TRANSLIT = str.maketrans(
    dict(zip("абвгдеёзийклмнопрстуфхыэ", "abvgdeeziyklmnoprstufhye", strict=True))
    | {"ж": "zh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "yu", "я": "ya"}
    | {"ъ": "", "ь": ""}
)


@cache
def slug(text: str) -> str:
    """ASCII letters and digits of a name, for an address: Gonçalves -> goncalves."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLIT))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def plain(error: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: a letter without its accent if the code page has it, else ?."""
    assert isinstance(error, UnicodeEncodeError)
    text = error.object[error.start : error.end]
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    try:
        bare.encode(error.encoding)
    except UnicodeEncodeError:
        bare = "?" * len(text)
    return bare, error.end


codecs.register_error("gen_prospects.plain", plain)


@dataclass(frozen=True)
class Rates:
    """The share of rows of each kind."""

    duplicate: float = 0.02
    bad_email: float = 0.005
    no_contact: float = 0.001
    ragged: float = 0.0


class Prospects:
    """Rows (name, email, phone, company, title, city, country, source, notes), each with
    the person's first and last name, from one seeded random stream."""

    POOL = 10_000  # the recent rows a duplicate can repeat

    def __init__(self, seed: int, languages: list[str], rates: Rates) -> None:
        self.random = random.Random(seed)
        self.languages = [LANGUAGES[code] for code in languages]
        self.weights = list(itertools.accumulate(WEIGHTS[code] for code in languages))
        self.rates = rates
        self.emails: set[str] = set()  # lower-cased: every first occurrence is new
        self.pool: list[tuple[list[str], str, str]] = []
        self.added = 0

    def __iter__(self) -> Iterator[tuple[list[str], str, str]]:
        chance = self.random.random
        while True:
            if self.pool and chance() < self.rates.duplicate:
                yield self.again()
                continue
            row, first, last = self.person()
            if chance() < self.rates.no_contact:
                row, first, last = ["", "", "", *row[3:]], "", ""
            elif row[1] and chance() < self.rates.bad_email:
                row[1] = self.malformed(row[1])
            elif row[1]:
                self.remember(row, first, last)
            yield row, first, last

    def remember(self, row: list[str], first: str, last: str) -> None:
        entry = (row, first, last)
        if len(self.pool) < self.POOL:
            self.pool.append(entry)
        else:
            self.pool[self.added % self.POOL] = entry
        self.added += 1

    def person(self) -> tuple[list[str], str, str]:
        r = self.random
        chance = r.random
        language = r.choices(self.languages, cum_weights=self.weights)[0]
        name, first, last = self.name(language)
        city, country, phones = r.choice(language.places)
        word = r.choice(language.words)
        company = ""
        if chance() < 0.9:
            other = r.choice(language.last)
            company = r.choice(language.companies).format(last=last, other=other, word=word)
        email = (
            self.email(language, first, last, word if company else "") if chance() < 0.97 else ""
        )
        phone = self.phone(r.choice(phones)) if chance() < 0.85 else ""
        title = r.choice(language.titles) if chance() < 0.8 else ""
        city = city if chance() < 0.9 else ""
        country = country if chance() < 0.95 else ""
        source = r.choice(language.sources) if chance() < 0.95 else ""
        notes = ""
        if chance() < 0.4:
            notes = r.choice(language.notes)
            if chance() < 0.2:
                notes = "\n".join(r.sample(language.notes, 2))
        if email and chance() < 0.01:  # a web form that asked only for the address
            name = first = last = ""
        return [name, email, phone, company, title, city, country, source, notes], first, last

    def name(self, language: Language) -> tuple[str, str, str]:
        """The name as the list writes it, and the first and last names in it."""
        r = self.random
        female = r.random() < 0.5
        first = r.choice(language.first_female if female else language.first_male)
        last = r.choice(language.last)
        if language is RU:
            last += "а" if female else ""  # Иванов, Иванова
            if r.random() < 0.3:  # Фамилия Имя Отчество, as Russian CRMs export it
                patronymic = r.choice(PATRONYMICS) + ("на" if female else "ич")
                return f"{last} {first} {patronymic}", first, last
            return f"{first} {last}", first, last
        if language is EN:
            if r.random() < 0.1:
                return f"{first} {r.choice('ABCDEGHJKLMPRSTW')}. {last}", first, last
            return f"{first} {last}", first, last
        if r.random() < 0.4:  # two surnames: Ribeiro Lopes, García Núñez
            last = f"{last} {r.choice(language.last)}"
        if r.random() < 0.03:  # typed with caps lock on
            first, last = first.upper(), last.upper()
        return f"{first} {last}", first, last

    def email(self, language: Language, first: str, last: str, company_word: str) -> str:
        """A new address, made of the name, at a free mail service or the company."""
        r = self.random
        given = slug(first)
        family = slug(next(p for p in reversed(last.split()) if p.lower() not in PARTICLES))
        if company_word and r.random() < 0.45:
            domain = slug(company_word) + r.choice(language.domains)
        else:
            domain = r.choice(language.free_mail)
        number, year = r.randrange(1, 100), r.randrange(1960, 2006)
        local = r.choice(LOCAL_PARTS).format(g=given, i=given[0], f=family, n=number, y=year)
        email = f"{local}@{domain}"
        while email in self.emails:
            email = f"{local}{r.randrange(2, 10_000)}@{domain}"
        self.emails.add(email)
        if r.random() < 0.04:  # typed in a form with a capital
            email = email[0].upper() + email[1:]
        return email

    def phone(self, layout: str) -> str:
        """A number in the layout, one random digit per #."""
        parts = layout.split("#")
        digits = f"{self.random.randrange(10 ** (len(parts) - 1)):0{len(parts) - 1}d}"
        return parts[0] + "".join(d + p for d, p in zip(digits, parts[1:], strict=True))

    def malformed(self, email: str) -> str:
        local, _, domain = email.partition("@")
        return self.random.choice(
            (
                f"{local}@{domain.split('.')[0]}",  # no top-level domain
                f"{local} {domain}",  # no @
                f"{local}@@{domain}",
                f"{email},",
                f"{local}@{domain.replace('.', ',', 1)}",
            )
        )

    def again(self) -> tuple[list[str], str, str]:
        """An earlier person from another list: the email in other letters, or the phone
        written another way with an address not seen before."""
        r = self.random
        earlier, first, last = r.choice(self.pool)
        row = list(earlier)
        if row[2] and r.random() < 0.3:
            digits = "".join(c for c in row[2] if c.isdigit())
            row[2] = "+" + digits if row[2].startswith("+") else digits
            local = slug(first) or "contact"
            email = f"{local}{r.randrange(10_000)}@{r.choice(FREE_MAIL)}"
            while email in self.emails:
                email = f"{local}{r.randrange(10_000, 1_000_000)}@{r.choice(FREE_MAIL)}"
            self.emails.add(email)
            row[1] = email
        else:
            row[1] = other_case(r, row[1])
            if r.random() < 0.3:
                row[2] = ""
        if r.random() < 0.5:
            row[8] = ""  # the other list had other notes
        return row, first, last


def other_case(r: random.Random, email: str) -> str:
    """The same address, typed with other capitals."""
    local, _, domain = email.partition("@")
    variant = r.choice((email.upper(), f"{local.title()}@{domain}", f"{local}@{domain.upper()}"))
    return variant if variant != email else email.swapcase()


def ragged(r: random.Random, row: list[str]) -> list[str]:
    """A cell lost, or one more: what an unquoted delimiter or a bad edit leaves."""
    return row[:-1] if r.random() < 0.5 else [*row, "see notes"]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rows", type=int, help="data rows, the header not counted")
    parser.add_argument("output", help="the file to write, or - for standard output")
    parser.add_argument("--encoding", default="utf-8", choices=ENCODINGS)
    parser.add_argument("--delimiter", default=",", help=", ; | or tab")
    parser.add_argument("--headers", default="en", choices=sorted(LANGUAGES))
    parser.add_argument(
        "--langs", help="the people's languages, comma-separated (default: all the encoding holds)"
    )
    parser.add_argument("--split-name", action="store_true", help="first and last name columns")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--dup-rate", type=float, default=Rates.duplicate)
    parser.add_argument("--bad-email-rate", type=float, default=Rates.bad_email)
    parser.add_argument("--no-contact-rate", type=float, default=Rates.no_contact)
    parser.add_argument("--ragged-rate", type=float, default=Rates.ragged)
    args = parser.parse_args(argv)
    if args.delimiter not in DELIMITERS:
        parser.error(f"--delimiter must be , ; | or tab, not {args.delimiter!r}")
    args.delimiter = DELIMITERS[args.delimiter]
    held = HOLDS.get(args.encoding, tuple(LANGUAGES))
    args.langs = args.langs.split(",") if args.langs else list(held)
    unknown = [code for code in args.langs if code not in LANGUAGES]
    if unknown:
        parser.error(f"unknown language {unknown[0]!r} (en, pt, es or ru)")
    if args.headers not in held:
        parser.error(f"{args.encoding} cannot hold the {args.headers} headers")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rates = Rates(args.dup_rate, args.bad_email_rate, args.no_contact_rate, args.ragged_rate)
    language = LANGUAGES[args.headers]
    header = list(language.header)
    if args.split_name:
        header[0:1] = language.split_header
    rows = Prospects(args.seed, args.langs, rates)
    damage = random.Random(args.seed + 1)  # its own stream: ragged rows change no other row
    if args.output == "-":
        out = io.TextIOWrapper(sys.stdout.buffer, args.encoding, "gen_prospects.plain", "")
    else:
        out = open(
            args.output,
            "w",
            encoding=args.encoding,
            errors="gen_prospects.plain",
            newline="",
            buffering=1 << 20,
        )
    try:
        writer = csv.writer(out, delimiter=args.delimiter, lineterminator="\r\n")
        writer.writerow(header)
        batch: list[list[str]] = []
        for row, first, last in itertools.islice(rows, args.rows):
            if args.split_name:
                row = [first, last, *row[1:]] if row[0] else ["", "", *row[1:]]
            if args.ragged_rate and damage.random() < args.ragged_rate:
                row = ragged(damage, row)
            batch.append(row)
            if len(batch) == 10_000:
                writer.writerows(batch)
                batch.clear()
        writer.writerows(batch)
    finally:
        if args.output == "-":
            out.flush()
            out.detach()
        else:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
