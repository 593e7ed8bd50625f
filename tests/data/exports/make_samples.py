"""Writes the sample exports next to this file: one per program, as that program writes it.

    python tests/data/exports/make_samples.py

Headers are the programs' own (looked up in their exports); the people are made up.  Each
file carries its format's quirks: byte-order marks, CRLF, a preamble or a footer, localized
headers, the code page a localized Excel or Outlook writes.  tests/test_import_exports.py
imports each one with no options and checks every person arrives.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent


def table(rows: list[list[str]], *, delimiter: str = ",", crlf: bool = False,
          quote_all: bool = False) -> str:  # fmt: skip
    out = io.StringIO(newline="")
    writer = csv.writer(
        out,
        delimiter=delimiter,
        lineterminator="\r\n" if crlf else "\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    writer.writerows(rows)
    return out.getvalue()


def write(name: str, text: str, encoding: str, *, bom: bool = False) -> None:
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    (HERE / name).write_bytes(data)


def row(header: list[str], **values: str) -> list[str]:
    """A row laid out as the header: ``row(header, **{"E-mail Address": ...})``."""
    return [values.get(h, "") for h in header]


def google_contacts() -> None:
    header = [
        "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
        "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As",
        "Organization Name", "Organization Title", "Organization Department", "Birthday",
        "Notes", "Photo", "Labels", "E-mail 1 - Label", "E-mail 1 - Value",
        "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value",
        "Phone 2 - Label", "Phone 2 - Value", "Address 1 - Label", "Address 1 - Formatted",
        "Address 1 - Street", "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region",
        "Address 1 - Postal Code", "Address 1 - Country", "Address 1 - Extended Address",
        "Website 1 - Label", "Website 1 - Value",
    ]  # fmt: skip
    people = [
        row(header, **{"First Name": "Ada", "Last Name": "Lovelace",
            "Organization Name": "Analytical Engines", "Organization Title": "Engineer",
            "Labels": "* myContacts ::: Clients", "E-mail 1 - Label": "* Work",
            "E-mail 1 - Value": "ada@engines.example", "E-mail 2 - Label": "Home",
            "E-mail 2 - Value": "ada.home@mail.example", "Phone 1 - Label": "Mobile",
            "Phone 1 - Value": "+44 20 7946 0100", "Phone 2 - Label": "Work",
            "Phone 2 - Value": "+44 20 7946 0200", "Address 1 - Label": "Work",
            "Address 1 - Formatted": "12 Bridge St\nLondon", "Address 1 - City": "London",
            "Address 1 - Country": "United Kingdom"}),
        row(header, **{"First Name": "Grace", "Last Name": "Hopper",
            "Labels": "* myContacts", "E-mail 1 - Label": "* Other",
            "E-mail 1 - Value": "grace@navy.example ::: g.hopper@mail.example",
            "Notes": "Met at the fair, \"bug\" story"}),
        row(header, **{"First Name": "Alan", "Last Name": "Turing", "Labels": "* myContacts",
            "Phone 1 - Label": "Mobile",
            "Phone 1 - Value": "+44 161 496 0000 ::: +44 7700 900123"}),
        # several values in one cell (" ::: "): the first is the contact's, the others kept
        # only a second email: it is the contact's
        row(header, **{"First Name": "Edsger", "Last Name": "Dijkstra", "Labels": "* myContacts",
            "E-mail 2 - Label": "Work", "E-mail 2 - Value": "edsger@tue.example"}),
    ]  # fmt: skip
    write("google_contacts.csv", table([header, *people], crlf=True), "utf-8")


def google_csv_legacy() -> None:
    """The old Gmail "Google CSV": UTF-16 with a byte-order mark, Type/Value pairs."""
    header = [
        "Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Given Name Yomi",
        "Additional Name Yomi", "Family Name Yomi", "Name Prefix", "Name Suffix", "Initials",
        "Nickname", "Short Name", "Maiden Name", "Birthday", "Gender", "Location",
        "Billing Information", "Directory Server", "Mileage", "Occupation", "Hobby",
        "Sensitivity", "Priority", "Subject", "Notes", "Group Membership", "E-mail 1 - Type",
        "E-mail 1 - Value", "E-mail 2 - Type", "E-mail 2 - Value", "Phone 1 - Type",
        "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value", "Organization 1 - Type",
        "Organization 1 - Name", "Organization 1 - Title", "Website 1 - Type",
        "Website 1 - Value",
    ]  # fmt: skip
    people = [
        row(header, **{"Name": "Zoë Ångström", "Given Name": "Zoë", "Family Name": "Ångström",
            "Group Membership": "* My Contacts ::: Suppliers", "E-mail 1 - Type": "* Work",
            "E-mail 1 - Value": "zoe@angstrom.example", "Phone 1 - Type": "Mobile",
            "Phone 1 - Value": "+46 70 123 45 67", "Organization 1 - Name": "Ångström AB",
            "Organization 1 - Title": "CEO"}),
        row(header, **{"Name": "Иван Петров", "Given Name": "Иван", "Family Name": "Петров",
            "Group Membership": "* My Contacts", "E-mail 1 - Type": "* Home",
            "E-mail 1 - Value": "ivan@petrov.example", "Phone 1 - Type": "Work",
            "Phone 1 - Value": "+7 495 123-45-67", "Phone 2 - Type": "Mobile",
            "Phone 2 - Value": "+7 912 345-67-89"}),
        row(header, **{"Name": "José Núñez", "Given Name": "José", "Family Name": "Núñez",
            "Group Membership": "* My Contacts", "Phone 1 - Type": "Mobile",
            "Phone 1 - Value": "+34 612 34 56 78"}),
    ]  # fmt: skip
    write("google_csv_legacy.csv", table([header, *people], crlf=True), "utf-16")


OUTLOOK_EN = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
    "Job Title", "Business Street", "Business City", "Business State", "Business Postal Code",
    "Business Country/Region", "Assistant's Phone", "Business Fax", "Business Phone",
    "Business Phone 2", "Callback", "Car Phone", "Company Main Phone", "Home Fax",
    "Home Phone", "Mobile Phone", "Other Phone", "Pager", "Primary Phone", "Categories",
    "E-mail Address", "E-mail Type", "E-mail Display Name", "E-mail 2 Address",
    "E-mail 2 Type", "E-mail 2 Display Name", "Notes", "Web Page",
]  # fmt: skip


def outlook(name: str, header: list[str], people: list[dict[str, str]], encoding: str,
            keys: dict[str, str]) -> None:  # fmt: skip
    """Outlook's CSV: every cell quoted, CRLF; a row stops after its last value (short)."""
    rows = []
    for person in people:
        cells = row(header, **{keys[k]: v for k, v in person.items()})
        while cells and not cells[-1]:
            cells.pop()  # the trailing empty cells left out
        rows.append(cells)
    write(name, table([header, *rows], crlf=True, quote_all=True), encoding)


PEOPLE_EN = [
    {"title": "Mr.", "first": "John", "last": "Smith", "company": "Northwind Traders",
     "job": "Buyer", "city": "Seattle", "country": "United States",
     "business_phone": "(206) 555-0100", "main_phone": "(206) 555-0199",
     "mobile": "(206) 555-0101", "email": "john@northwind.example", "type": "SMTP",
     "display": "John Smith (john@northwind.example)", "email2": "jsmith@home.example",
     "notes": "Prefers calls after 2pm"},
    {"title": "Ms.", "first": "Mary", "last": "Jones", "company": "Northwind Traders",
     "job": "Head of Sales", "main_phone": "(206) 555-0199",
     "email": "mary@northwind.example", "type": "SMTP", "display": "mary@northwind.example"},
    {"first": "Peter", "last": "Brown", "mobile": "+1 415 555 0144"},
]  # fmt: skip
KEYS_EN = {
    "title": "Title", "first": "First Name", "last": "Last Name", "company": "Company",
    "job": "Job Title", "city": "Business City", "country": "Business Country/Region",
    "business_phone": "Business Phone", "main_phone": "Company Main Phone",
    "mobile": "Mobile Phone", "email": "E-mail Address", "type": "E-mail Type",
    "display": "E-mail Display Name", "email2": "E-mail 2 Address", "notes": "Notes",
}  # fmt: skip


def outlook_en() -> None:
    outlook("outlook_en.csv", OUTLOOK_EN, PEOPLE_EN, "cp1252", KEYS_EN)


def outlook_localized() -> None:
    pt = {"title": "Tratamento", "first": "Primeiro nome", "last": "Sobrenome",
          "company": "Empresa", "job": "Cargo", "city": "Cidade do endereço comercial",
          "country": "País/Região da Empresa", "business_phone": "Telefone comercial",
          "main_phone": "Telefone principal da empresa", "mobile": "Telefone celular",
          "email": "Endereço de email", "type": "Tipo de email",
          "display": "Nome para exibição do email", "email2": "Endereço de email 2",
          "notes": "Anotações"}  # fmt: skip
    people_pt = [
        {"title": "Sr.", "first": "João", "last": "Gonçalves", "company": "Padaria Estrela",
         "job": "Sócio", "city": "São Paulo", "country": "Brasil",
         "business_phone": "(11) 3456-7890", "main_phone": "(11) 3456-7800",
         "mobile": "(11) 98765-4321", "email": "joao@padariaestrela.example", "type": "SMTP",
         "display": "João Gonçalves (joao@padariaestrela.example)",
         "email2": "joao.g@correio.example", "notes": "Cliente desde 2019"},
        {"first": "Márcia", "last": "Simões", "company": "Padaria Estrela",
         "main_phone": "(11) 3456-7800", "email": "marcia@padariaestrela.example"},
        {"first": "Conceição", "last": "Araújo", "mobile": "(21) 99876-1234"},
    ]  # fmt: skip
    outlook("outlook_pt.csv", list(pt.values()), people_pt, "cp1252", pt)
    es = {"title": "Tratamiento", "first": "Nombre", "middle": "Segundo nombre",
          "last": "Apellidos", "company": "Organización", "job": "Puesto",
          "city": "Ciudad de trabajo", "country": "País o región del trabajo",
          "business_phone": "Teléfono del trabajo", "mobile": "Móvil",
          "main_phone": "Número de centralita de la organización",
          "email": "Dirección de correo electrónico",
          "display": "Nombre de pantalla de correo electrónico",
          "email2": "Dirección de correo electrónico 2", "notes": "Notas"}  # fmt: skip
    people_es = [
        {"first": "Íñigo", "last": "Ibáñez Peña", "company": "Construcciones Núñez",
         "job": "Director", "city": "Bilbao", "country": "España",
         "business_phone": "944 123 456", "mobile": "612 345 678",
         "email": "inigo@nunez.example", "display": "Íñigo Ibáñez"},
        {"first": "María", "last": "Muñoz", "email": "maria@munoz.example",
         "email2": "mmunoz@correo.example"},
        {"first": "Begoña", "last": "Ortiz", "main_phone": "944 000 000",
         "mobile": "699 111 222"},
    ]  # fmt: skip
    outlook("outlook_es.csv", list(es.values()), people_es, "cp1252", es)
    ru = {"title": "Обращение", "first": "Имя", "middle": "Отчество", "last": "Фамилия",
          "company": "Организация", "job": "Должность", "city": "Город (раб. адрес)",
          "country": "Страна или регион (раб. адрес)", "business_phone": "Рабочий телефон",
          "main_phone": "Основной телефон организации", "mobile": "Телефон переносной",
          "email": "Адрес эл. почты", "type": "Тип эл. почты",
          "display": "Краткое имя эл. почты", "email2": "Адрес 2 эл. почты",
          "notes": "Заметки"}  # fmt: skip
    people_ru = [
        {"first": "Иван", "middle": "Сергеевич", "last": "Петров", "company": "ООО «Ромашка»",
         "job": "Директор", "city": "Москва", "country": "Россия",
         "business_phone": "+7 495 123-45-67", "main_phone": "+7 495 123-45-00",
         "mobile": "8 912 345-67-89", "email": "petrov@romashka.example", "type": "SMTP",
         "display": "Петров Иван", "email2": "ivan.petrov@pochta.example",
         "notes": "Выставка 2026"},
        {"first": "Анна", "last": "Смирнова", "company": "ООО «Ромашка»",
         "main_phone": "+7 495 123-45-00", "email": "smirnova@romashka.example"},
        {"first": "Пётр", "last": "Ёлкин", "mobile": "+7 921 000-11-22"},
    ]  # fmt: skip
    outlook("outlook_ru.csv", list(ru.values()), people_ru, "cp1251", ru)
    fr = {"first": "Prénom", "middle": "Deuxième prénom", "last": "Nom", "company": "Société",
          "job": "Titre", "city": "Ville (bureau)", "country": "Pays/Région (bureau)",
          "business_phone": "Téléphone (bureau)", "main_phone": "Téléphone société",
          "mobile": "Tél. mobile", "email": "Adresse de messagerie",
          "type": "Type de messagerie",
          "display": "Nom complet de l'adresse de messagerie",
          "email2": "Adresse de messagerie 2", "notes": "Notes"}  # fmt: skip
    people_fr = [
        {"first": "Hélène", "last": "Lefèvre", "company": "Boulangerie Lefèvre",
         "job": "Gérante", "city": "Lyon", "country": "France",
         "business_phone": "04 72 00 00 01", "mobile": "06 12 34 56 78",
         "email": "helene@lefevre.example", "display": "Hélène Lefèvre"},
        {"first": "François", "last": "Dubois", "email": "francois@dubois.example"},
        {"first": "Zoé", "last": "Mercier", "mobile": "07 98 76 54 32"},
    ]  # fmt: skip
    outlook("outlook_fr.csv", list(fr.values()), people_fr, "cp1252", fr)
    de = {"title": "Anrede", "first": "Vorname", "middle": "Weitere Vornamen",
          "last": "Nachname", "company": "Firma", "job": "Position",
          "city": "Ort geschäftlich", "country": "Land/Region geschäftlich",
          "business_phone": "Telefon geschäftlich", "main_phone": "Telefon Firma",
          "mobile": "Mobiltelefon", "email": "E-Mail-Adresse", "type": "E-Mail-Typ",
          "display": "E-Mail: Angezeigter Name", "email2": "E-Mail 2: Adresse",
          "notes": "Notizen"}  # fmt: skip
    people_de = [
        {"title": "Herr", "first": "Jürgen", "last": "Müller", "company": "Müller & Söhne GmbH",
         "job": "Einkauf", "city": "München", "country": "Deutschland",
         "business_phone": "+49 89 1234567", "main_phone": "+49 89 1234500",
         "mobile": "+49 171 1234567", "email": "juergen@mueller.example",
         "display": "Jürgen Müller (juergen@mueller.example)"},
        {"title": "Frau", "first": "Birgit", "last": "Groß", "email": "birgit@gross.example",
         "email2": "b.gross@post.example"},
        {"first": "Uwe", "last": "Schäfer", "business_phone": "+49 30 987654"},
    ]  # fmt: skip
    outlook("outlook_de.csv", list(de.values()), people_de, "cp1252", de)


def linkedin() -> None:
    text = (
        "Notes:\n"
        '"When exporting your connection data, you may notice that some of the email '
        "addresses are missing. You will only see email addresses for connections who have "
        'allowed their connections to see or download their email address."\n'
        "\n"
    ) + table([
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
         "Connected On"],
        ["Priya", "Patel", "https://www.linkedin.com/in/priya-patel", "priya@figma.example",
         "Figma, Inc.", "Product Manager", "12 Mar 2025"],
        ["Daniel", "Kim", "https://www.linkedin.com/in/daniel-kim", "", "Stripe",
         "Software Engineer", "03 Jan 2024"],
        ["Sarah", "Chen", "https://www.linkedin.com/in/sarahchen", "sarah@acme.example",
         "Acme Robotics", "VP, Engineering", "15 Aug 2021"],
    ])  # fmt: skip
    write("linkedin_connections.csv", text, "utf-8", bom=True)


def hubspot() -> None:
    write("hubspot_contacts.csv", table([
        ["Record ID", "First Name", "Last Name", "Email", "Phone Number",
         "Mobile Phone Number", "Company Name", "Job Title", "City", "Country/Region",
         "Lead Status", "Contact owner", "Original Source", "Create Date"],
        ["51", "Lucas", "Almeida", "lucas@almeida.example", "+55 11 3333-4444",
         "+55 11 99999-0001", "Almeida Ltda", "CEO", "São Paulo", "Brazil", "NEW",
         "owner@seller.example", "Organic Search", "2024-05-02 10:00"],
        ["52", "Emma", "Wilson", "emma@wilson.example", "", "+1 617 555 0123", "Wilson Co",
         "CTO", "Boston", "United States", "OPEN", "owner@seller.example", "Direct Traffic",
         "2024-05-03 11:30"],
        ["53", "Noah", "", "", "+1 617 555 0999", "", "", "", "", "", "", "", "Offline Sources",
         "2024-05-04 09:15"],
    ]), "utf-8")  # fmt: skip


def salesforce() -> None:
    """A contacts report exported by Salesforce ("Details only"): its footer stays."""
    report = table([
        ["Contact Owner", "Salutation", "First Name", "Last Name", "Title", "Account Name",
         "Mailing City", "Mailing Country", "Phone", "Mobile", "Email", "Lead Source"],
        ["Sam Seller", "Mr.", "Tom", "Baker", "Buyer", "Baker Foods", "Denver",
         "United States", "(303) 555-0100", "(303) 555-0111", "tom@bakerfoods.example", "Web"],
        ["Sam Seller", "Ms.", "Lisa", "Ray", "CFO", "Ray Partners", "Austin",
         "United States", "", "(512) 555-0133", "lisa@raypartners.example", "Trade Show"],
        ["Sam Seller", "", "Omar", "Haddad", "", "Haddad Imports", "", "", "(713) 555-0170",
         "", "", "Partner Referral"],
    ], quote_all=True)  # fmt: skip
    footer = (
        '""\n"Grand Totals (3 records)"\n""\n'
        '"Confidential Information - Do Not Distribute"\n'
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'
    )
    write("salesforce_contacts_report.csv", report + footer, "utf-8")
    write("salesforce_leads_api.csv", table([
        ["Id", "FirstName", "LastName", "Company", "Title", "Email", "Phone", "MobilePhone",
         "LeadSource", "City", "Country", "Status", "OwnerId"],
        ["00Q5e00000AbCdE", "Nina", "Kowalski", "Kowalski Sp. z o.o.", "Owner",
         "nina@kowalski.example", "+48 22 123 45 67", "", "Web", "Warsaw", "Poland",
         "Open - Not Contacted", "0055e000001AbCd"],
        ["00Q5e00000AbCdF", "Raj", "Mehta", "Mehta Textiles", "", "", "", "+91 98200 12345",
         "Cold Call", "Mumbai", "India", "Working - Contacted", "0055e000001AbCd"],
    ]), "utf-8")  # fmt: skip
    # Data Loader writes the API names in upper case, every field quoted, CRLF
    write("salesforce_dataloader_contacts.csv", table([
        ["ID", "ACCOUNTID", "SALUTATION", "FIRSTNAME", "LASTNAME", "TITLE", "EMAIL", "PHONE",
         "MOBILEPHONE", "MAILINGCITY", "MAILINGCOUNTRY", "LEADSOURCE", "OWNERID",
         "CREATEDDATE"],
        ["0035e00000Q1aAA", "0015e00000K9zZZ", "Dr.", "Helga", "Lindqvist", "Chief Buyer",
         "helga@lindqvist.example", "+46 8 123 456 78", "+46 70 123 45 67", "Stockholm",
         "Sweden", "Trade Show", "0055e000001AbCd", "2024-02-01T09:00:00.000Z"],
        ["0035e00000Q1aAB", "", "", "Marco", "Bianchi", "", "", "", "+39 333 123 4567",
         "Milano", "Italy", "Cold Call", "0055e000001AbCd", "2024-02-02T10:30:00.000Z"],
    ], crlf=True, quote_all=True), "utf-8")  # fmt: skip


def pipedrive() -> None:
    write("pipedrive_persons.csv", table([
        ["Person - Name", "Person - Organization", "Person - Email - Work",
         "Person - Email - Home", "Person - Phone - Work", "Person - Phone - Mobile",
         "Person - Labels", "Person - Owner"],
        ["Katarina Novak", "Novak d.o.o.", "katarina@novak.example", "kata@mail.example",
         "+386 1 234 5678", "+386 41 123 456", "Hot lead", "Sam Seller"],
        ["Pablo Ruiz", "", "", "pablo@ruiz.example", "", "+34 699 000 111", "", "Sam Seller"],
    ], quote_all=True), "utf-8")  # fmt: skip
    # the People list's own export: first and last name apart, one email and phone column
    write("pipedrive_people_list.csv", table([
        ["Person - ID", "Person - Name", "Person - First name", "Person - Last name",
         "Person - Organization", "Person - Email", "Person - Phone", "Person - Label",
         "Person - Owner", "Person - Open deals", "Person - Next activity date"],
        ["101", "Jan de Vries", "Jan", "de Vries", "De Vries B.V.", "jan@devries.example",
         "+31 20 123 4567", "Warm lead", "Sam Seller", "1", "2026-12-10"],
        ["102", "Eva Horváth", "Eva", "Horváth", "", "", "+36 1 234 5678", "", "Sam Seller",
         "0", ""],
    ]), "utf-8")  # fmt: skip


def zoho() -> None:
    write("zoho_contacts.csv", table([
        ["Record Id", "Contact Owner", "Lead Source", "First Name", "Last Name",
         "Account Name", "Email", "Title", "Phone", "Mobile", "Mailing City",
         "Mailing Country", "Description", "Secondary Email", "Salutation", "Tag"],
        ["zcrm_4876", "Sam Seller", "Web Download", "Aiko", "Tanaka", "Tanaka KK",
         "aiko@tanaka.example", "Manager", "+81 3 1234 5678", "+81 90 1234 5678", "Tokyo",
         "Japan", "", "aiko.t@mail.example", "Ms.", "vip"],
        ["zcrm_4877", "Sam Seller", "Cold Call", "Ben", "Okafor", "", "", "", "",
         "+234 803 123 4567", "Lagos", "Nigeria", "Call back in May", "", "", ""],
    ]), "utf-8", bom=True)  # fmt: skip
    write("zoho_leads.csv", table([
        ["Record Id", "Lead Owner", "Company", "First Name", "Last Name", "Designation",
         "Email", "Phone", "Mobile", "Website", "Lead Source", "Lead Status", "Street",
         "City", "State", "Zip Code", "Country", "Description", "Secondary Email"],
        ["4876876000000411", "Sam Seller", "Hillcrest Church", "Mary", "Ames", "Pastor",
         "mary@hillcrest.example", "614-555-0400", "", "www.hillcrest.example", "Website",
         "Contacted", "5 Hill St", "Columbus", "OH", "43221", "United States",
         "Parking lot, potholes by the doors", "mary.a@mail.example"],
        ["4876876000000412", "Sam Seller", "", "Ken", "Ito", "", "", "", "614-555-0466", "",
         "Cold Call", "Not Contacted", "", "Dublin", "OH", "43017", "United States", "", ""],
    ], quote_all=True), "utf-8", bom=True)  # fmt: skip


def apollo() -> None:
    header = [
        "First Name", "Last Name", "Title", "Company Name", "Company Name for Emails", "Email",
        "Email Status", "Seniority", "Departments", "Contact Owner", "Work Direct Phone",
        "Home Phone", "Mobile Phone", "Corporate Phone", "Other Phone", "Stage", "Lists",
        "Last Contacted", "Account Owner", "# Employees", "Industry", "Keywords",
        "Person Linkedin Url", "Website", "Company Linkedin Url", "City", "State", "Country",
        "Company Address", "Company City", "Company State", "Company Country",
        "Company Phone", "Technologies", "Annual Revenue", "Apollo Contact Id",
        "Apollo Account Id",
    ]  # fmt: skip
    people = [
        row(header, **{"First Name": "Olivia", "Last Name": "Garcia", "Title": "VP Sales",
            "Company Name": "Brightwave", "Email": "olivia@brightwave.example",
            "Email Status": "Verified", "Contact Owner": "seller@mycompany.example",
            "Work Direct Phone": "'+1 512-555-0180", "Mobile Phone": "+1 512-555-0181",
            "Corporate Phone": "'+1 512-555-0100", "City": "Austin", "Country": "United States",
            "Company Phone": "+1 512-555-0100", "Apollo Contact Id": "64b7f0a1c2d3e4f5a6b7c8d9",
            "# Employees": "120", "Industry": "Computer Software", "Keywords": "saas, b2b",
            "Annual Revenue": "12000000", "Technologies": "AWS, Slack",
            "Website": "http://www.brightwave.example"}),
        row(header, **{"First Name": "Liam", "Last Name": "Nguyen", "Title": "Founder",
            "Company Name": "Nguyen Labs", "Email": "liam@nguyenlabs.example",
            "Email Status": "Verified", "Contact Owner": "seller@mycompany.example",
            "Corporate Phone": "'+1 415-555-0190",
            "Apollo Contact Id": "64b7f0a1c2d3e4f5a6b7c8da"}),
        row(header, **{"First Name": "Sofia", "Last Name": "Rossi", "Title": "CTO",
            "Company Name": "Rossi SRL", "Email": "", "Email Status": "Unavailable",
            "Contact Owner": "seller@mycompany.example", "Mobile Phone": "",
            "Home Phone": "+39 06 1234 5678", "Apollo Contact Id": "64b7f0a1c2d3e4f5a6b7c8db"}),
    ]  # fmt: skip
    write("apollo_contacts.csv", table([header, *people]), "utf-8")


def mailchimp() -> None:
    write("mailchimp_subscribed.csv", table([
        ["Email Address", "First Name", "Last Name", "Address", "Phone Number", "Birthday",
         "MEMBER_RATING", "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE",
         "LONGITUDE", "GMTOFF", "DSTOFF", "TIMEZONE", "CC", "REGION", "LAST_CHANGED", "LEID",
         "EUID", "NOTES", "TAGS"],
        ["chloe@martin.example", "Chloé", "Martin", "", "", "", "2", "2024-01-10 09:00:00",
         "", "2024-01-10 09:01:00", "203.0.113.7", "", "", "", "", "", "FR", "",
         "2024-02-01 12:00:00", "123456789", "abcd1234", "", '"Newsletter","Webinar"'],
        ["ravi@kumar.example", "", "", "", "+91 98765 43210", "", "4", "2024-03-05 14:30:00",
         "", "2024-03-05 14:31:00", "198.51.100.4", "", "", "", "", "", "IN", "",
         "2024-03-05 14:31:00", "123456790", "abcd1235", "", ""],
    ]), "utf-8")  # fmt: skip


def hand_typed() -> None:
    """Spreadsheets typed by hand, saved as CSV by Excel in their locale."""
    write("hand_en.csv", table([
        ["NAME", "EMAIL", "PHONE", "COMPANY", "NOTES"],
        ["Kim Lee", "kim@lee.example", "'+1 (555) 010-7788", "Lee & Co", "null"],
        ["Tom Park", "N/A", "'0044 20 7946 0958", "-", ""],
        ["Amy Stone", "amy@stone.example", "NULL", "Stone Ltd", "met at expo"],
    ], crlf=True), "utf-8", bom=True)  # fmt: skip
    write("hand_pt.csv", table([
        ["NOME DO CONTATO", "E-MAIL", "TELEFONE", "CELULAR", "EMPRESA", "CIDADE", "CNPJ"],
        ["Ana Souza", "ana@souza.example", "(21) 3333-4444", "(21) 99876-1234",
         "Souza, Lima & Cia. Ltda.", "Rio de Janeiro", "12.345.678/0001-90"],
        ["Luís Conceição", "luis@conceicao.example", "", "'011 98765-4321", "Conceição ME",
         "São Paulo", ""],
        ["Fátima Gonçalves", "n/a", "(31) 3222-1111", "", "-", "Belo Horizonte", ""],
    ], delimiter=";", crlf=True), "cp1252")  # fmt: skip
    write("hand_es.csv", table([
        ["nombre", "apellidos", "correo", "teléfono", "empresa", "ciudad"],
        ["Íñigo", "Ibáñez", "inigo@ibanez.example", "612 345 678", "Núñez e Hijos", "Bilbao"],
        ["María José", "Peña", "", "'+34 699 123 456", "", "A Coruña"],
        ["Andrés", "Gómez", "andres@gomez.example", "", "Gómez SL", "Sevilla"],
    ], delimiter=";", crlf=True), "cp1252")  # fmt: skip
    write("hand_ru.csv", table([
        ["ФИО", "ТЕЛЕФОН", "ЭЛ. ПОЧТА", "КОМПАНИЯ", "ГОРОД", "ПРИМЕЧАНИЕ"],
        ["Петров Иван Сергеевич", "8 912 345-67-89", "petrov@romashka.example",
         "ООО «Ромашка»", "Москва", "—"],
        ["Смирнова Анна", "+7 (921) 000-11-22", "", "", "Санкт-Петербург", ""],
        ["Ёлкин Пётр", "", "elkin@pochta.example", "ИП Ёлкин", "Казань", "перезвонить"],
    ], delimiter="\t", crlf=True), "cp1251")  # fmt: skip


def unknown_headers() -> None:
    """Headers no table knows: the columns are read from their content."""
    write("unknown_headers.csv", table([
        ["Cliente", "Contato principal", "Col3", "Obs."],
        ["Padaria Estrela", "joao@padariaestrela.example", "(11) 98765-4321", "ligar"],
        ["Mercado Bom Preço", "marcia@bompreco.example", "(11) 3456-7890", ""],
        ["Oficina Zé", "ze@oficina.example", "", ""],
        ["Loja Azul", "", "+55 21 99999-8888", ""],
    ], delimiter=";"), "utf-8")  # fmt: skip


def mixed_encodings() -> None:
    """A cp1252 list with rows pasted from a UTF-8 export: each line in its own encoding."""
    head = table([["Nome", "E-mail", "Telefone"], ["João Gonçalves", "joao@x.example",
                  "(11) 91111-1111"]], delimiter=";").encode("cp1252")  # fmt: skip
    pasted = table([["Conceição Araújo", "conceicao@y.example", "(11) 92222-2222"]],
                   delimiter=";").encode("utf-8")  # fmt: skip
    tail = table([["Simões Brandão", "simoes@z.example", "(11) 93333-3333"]],
                 delimiter=";").encode("cp1252")  # fmt: skip
    (HERE / "mixed_encodings.csv").write_bytes(head + pasted + tail)


def main() -> None:
    for make in (google_contacts, google_csv_legacy, outlook_en, outlook_localized, linkedin,
                 hubspot, salesforce, pipedrive, zoho, apollo, mailchimp, hand_typed,
                 unknown_headers, mixed_encodings):  # fmt: skip
        make()


if __name__ == "__main__":
    main()
