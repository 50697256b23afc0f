"""A seeded corpus of wire stories for the benchmarks and drills: original text from templates and word lists.

Each *event* (a summit, an aid package, a court ruling, a flood…) gets one to four reports from
different agencies and languages, 300–1,200 words each: English mostly, Spanish (which Apertium
translates), and some German and French (which pass untranslated by default). Actors and places
come from the bundled gazetteer, so the tagger has something to link. The same seed gives the same
corpus, byte for byte.

    .venv/bin/python bench/corpus.py --count 20 --seed 7 > corpus.ndjson
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import orjson

__all__ = ["Event", "make_corpus", "raw_articles", "normalize_all", "LANGUAGE_SHARE"]

# (language, share of reports): English mostly; Spanish so Apertium runs, French through Spanish; German passes
# untranslated.
LANGUAGE_SHARE = (("en", 0.70), ("es", 0.15), ("de", 0.08), ("fr", 0.07))

# People in the gazetteer, with the office the stories give them.
PEOPLE = [
    ("Volodymyr Zelensky", "Ukrainian President", "Ukraine", "Kyiv"),
    ("Vladimir Putin", "Russian President", "Russia", "Moscow"),
    ("Joe Biden", "former U.S. President", "United States", "Washington"),
    ("Donald Trump", "U.S. President", "United States", "Washington"),
    ("Xi Jinping", "Chinese President", "China", "Beijing"),
    ("Benjamin Netanyahu", "Israeli Prime Minister", "Israel", "Jerusalem"),
    ("Emmanuel Macron", "French President", "France", "Paris"),
    ("Olaf Scholz", "former German Chancellor", "Germany", "Berlin"),
    ("Ursula von der Leyen", "European Commission President", "Belgium", "Brussels"),
    ("Recep Tayyip Erdoğan", "Turkish President", "Turkey", "Ankara"),
    ("Narendra Modi", "Indian Prime Minister", "India", "New Delhi"),
    ("Mark Rutte", "NATO Secretary General", "Belgium", "Brussels"),
    ("Alexander Lukashenko", "Belarusian leader", "Belarus", "Minsk"),
]
ORGS = ["NATO", "European Union", "United Nations", "International Monetary Fund", "World Health Organization",
        "OPEC", "World Bank", "World Trade Organization", "Council of Europe", "ASEAN", "African Union", "G20",
        "European Commission"]
# Host city, its country; with their Spanish, German and French names.
PLACES = [
    ("Kyiv", "Ukraine", "Kiev", "Ucrania", "Kiew", "Ukraine", "Kyiv", "Ukraine"),
    ("Warsaw", "Poland", "Varsovia", "Polonia", "Warschau", "Polen", "Varsovie", "Pologne"),
    ("Berlin", "Germany", "Berlín", "Alemania", "Berlin", "Deutschland", "Berlin", "Allemagne"),
    ("Paris", "France", "París", "Francia", "Paris", "Frankreich", "Paris", "France"),
    ("London", "United Kingdom", "Londres", "Reino Unido", "London", "Großbritannien", "Londres", "Royaume-Uni"),
    ("Madrid", "Spain", "Madrid", "España", "Madrid", "Spanien", "Madrid", "Espagne"),
    ("Rome", "Italy", "Roma", "Italia", "Rom", "Italien", "Rome", "Italie"),
    ("Brussels", "Belgium", "Bruselas", "Bélgica", "Brüssel", "Belgien", "Bruxelles", "Belgique"),
    ("Vienna", "Austria", "Viena", "Austria", "Wien", "Österreich", "Vienne", "Autriche"),
    ("Ankara", "Turkey", "Ankara", "Turquía", "Ankara", "Türkei", "Ankara", "Turquie"),
    ("Tokyo", "Japan", "Tokio", "Japón", "Tokio", "Japan", "Tokyo", "Japon"),
    ("Seoul", "South Korea", "Seúl", "Corea del Sur", "Seoul", "Südkorea", "Séoul", "Corée du Sud"),
    ("New Delhi", "India", "Nueva Delhi", "India", "Neu-Delhi", "Indien", "New Delhi", "Inde"),
    ("Jakarta", "Indonesia", "Yakarta", "Indonesia", "Jakarta", "Indonesien", "Jakarta", "Indonésie"),
    ("Mexico City", "Mexico", "Ciudad de México", "México", "Mexiko-Stadt", "Mexiko", "Mexico", "Mexique"),
    ("Ottawa", "Canada", "Ottawa", "Canadá", "Ottawa", "Kanada", "Ottawa", "Canada"),
    ("Vilnius", "Lithuania", "Vilna", "Lituania", "Vilnius", "Litauen", "Vilnius", "Lituanie"),
    ("Athens", "Greece", "Atenas", "Grecia", "Athen", "Griechenland", "Athènes", "Grèce"),
    ("Stockholm", "Sweden", "Estocolmo", "Suecia", "Stockholm", "Schweden", "Stockholm", "Suède"),
    ("Tallinn", "Estonia", "Tallin", "Estonia", "Tallinn", "Estland", "Tallinn", "Estonie"),
]
_LANG_INDEX = {"en": 0, "es": 2, "de": 4, "fr": 6}

SOURCES = {
    "en": ["northwire", "harbour-press", "capital-dispatch", "meridian-news", "eastgate-agency"],
    "es": ["agencia-austral", "diario-del-puerto", "noticias-meseta"],
    "de": ["rheinpost", "nordkurier-agentur"],
    "fr": ["courrier-du-soir", "agence-littoral"],
}

# Events: (kind, English headline templates). Body sentences live in the language tables below.
EVENT_KINDS = ["visit", "aid", "trade", "energy", "court", "flood", "summit", "election"]

HEADLINES = {
    "en": {
        "visit": ["{person} arrives in {city} for talks on {topic}", "{person} visits {city}, pledges support on {topic}"],
        "aid": ["{org} approves {amount} aid package for {country}", "{country} to receive {amount} in new {org} support"],
        "trade": ["{country} and {country2} sign trade accord worth {amount}", "Trade talks in {city} end with deal on tariffs"],
        "energy": ["{country} secures gas supplies as prices climb", "{org} warns of energy shortfall in {country}"],
        "court": ["Court in {city} rules on {topic} case", "Judges in {city} hand down ruling in {topic} dispute"],
        "flood": ["Floods force {num} from homes near {city}", "Heavy rain floods parts of {country}; {num} evacuated"],
        "summit": ["{org} leaders meet in {city} on {topic}", "{org} summit in {city} closes with joint statement"],
        "election": ["Voters in {country} head to the polls", "{country} counts votes after tight election"],
    },
    "es": {
        "visit": ["{person} llega a {city} para conversar sobre {topic}"],
        "aid": ["{org} aprueba un paquete de ayuda de {amount} para {country}"],
        "trade": ["{country} y {country2} firman un acuerdo comercial"],
        "energy": ["{country} asegura el suministro de gas ante la subida de precios"],
        "court": ["Un tribunal de {city} dicta sentencia en el caso de {topic}"],
        "flood": ["Las inundaciones obligan a evacuar a {num} personas cerca de {city}"],
        "summit": ["Los líderes de {org} se reúnen en {city}"],
        "election": ["Los votantes de {country} acuden a las urnas"],
    },
    "de": {
        "visit": ["{person} trifft in {city} zu Gesprächen über {topic} ein"],
        "aid": ["{org} beschließt Hilfspaket über {amount} für {country}"],
        "trade": ["{country} und {country2} unterzeichnen Handelsabkommen"],
        "energy": ["{country} sichert sich Gaslieferungen trotz steigender Preise"],
        "court": ["Gericht in {city} urteilt im Streit um {topic}"],
        "flood": ["Hochwasser zwingt {num} Menschen bei {city} zur Flucht"],
        "summit": ["Gipfel von {org} in {city} endet mit gemeinsamer Erklärung"],
        "election": ["Die Wähler in {country} stimmen ab"],
    },
    "fr": {
        "visit": ["{person} arrive à {city} pour des discussions sur {topic}"],
        "aid": ["{org} approuve une aide de {amount} pour {country}"],
        "trade": ["{country} et {country2} signent un accord commercial"],
        "energy": ["{country} sécurise ses approvisionnements en gaz"],
        "court": ["Un tribunal de {city} se prononce sur le dossier {topic}"],
        "flood": ["Des inondations forcent {num} personnes à quitter leur logement près de {city}"],
        "summit": ["Le sommet de {org} à {city} se termine par une déclaration commune"],
        "election": ["Les électeurs de {country} se rendent aux urnes"],
    },
}

TOPICS = {
    "en": ["air defense", "grain exports", "border security", "energy prices", "migration", "fishing rights",
           "reconstruction", "cyber security", "rail links", "water sharing"],
    "es": ["defensa aérea", "exportaciones de grano", "seguridad fronteriza", "precios de la energía", "migración",
           "derechos de pesca", "reconstrucción", "ciberseguridad"],
    "de": ["Luftverteidigung", "Getreideexporte", "Grenzsicherheit", "Energiepreise", "Migration", "Fischereirechte",
           "Wiederaufbau", "Cybersicherheit"],
    "fr": ["la défense aérienne", "les exportations de céréales", "la sécurité des frontières", "les prix de l'énergie",
           "la migration", "les droits de pêche", "la reconstruction", "la cybersécurité"],
}

# Body sentences per language. Slots: person, office, org, city, country, country2, topic, num, amount, pct, day, quote.
SENTENCES = {
    "en": [
        "{person}, the {office}, said on {day} that talks in {city} had been \"{quote}\".",
        "Officials in {city} said the meeting lasted more than {hours} hours and covered {topic} in detail.",
        "The {org} said in a statement that it would release {amount} over the next {months} months.",
        "According to figures published by the government of {country}, {num} people were affected.",
        "\"{quote},\" {person} told reporters after the session in {city}.",
        "Diplomats from {country2} described the atmosphere as tense but constructive.",
        "The agreement still has to be approved by parliament in {country}, where the opposition has raised objections.",
        "Analysts in {city} said the outcome would shape {topic} for the rest of the year.",
        "Prices for wheat rose {pct} percent on the news, traders in {city} said.",
        "A spokesperson for the {org} declined to give further details, citing ongoing negotiations.",
        "The talks on {topic} began in {month} and were interrupted twice, officials said.",
        "{country} has asked the {org} for a further {amount} to cover repairs to roads, bridges and power lines.",
        "Local authorities in {city} opened {shelters} temporary shelters and asked residents to stay indoors.",
        "Police said {num} people had been detained during protests outside the ministry in {city}.",
        "The minister of foreign affairs of {country2} is expected to travel to {city} next week.",
        "In a joint statement, the two governments said they would meet again before the end of {month}.",
        "Critics said the plan did too little for small farmers and would raise costs for households.",
        "The central bank of {country} kept its main interest rate at {rate} percent on {day}.",
        "Earlier this year {person} visited {country2}, where {topic} also dominated the agenda.",
        "\"We will not accept a deal that leaves our people worse off,\" an opposition leader in {country} said.",
        "Engineers in {city} said repairs to the damaged power station would take at least {weeks} weeks.",
        "The {org} estimates that {num} households still lack reliable electricity.",
        "Shares of the largest energy companies in {country} fell {pct} percent in early trading.",
        "The delegation from {country2} included ministers of defense, energy and finance.",
        "Turnout stood at {pct} percent two hours before polling stations closed, the election commission said.",
        "Observers from the {org} said voting had been orderly in most districts.",
        "The court in {city} gave the government {days} days to present a new proposal.",
        "Lawyers for the plaintiffs said they would appeal the ruling to a higher court.",
        "Rescue teams in {country} used boats to reach villages cut off by the water on {day}.",
        "Meteorologists forecast more rain in the region until the end of the week.",
        "The package includes {amount} in loans and grants, with the first payment due in {month}.",
        "{person} thanked the people of {country2} for their support and hospitality.",
    ],
    "es": [
        "{person} afirmó el {day} que las conversaciones en {city} habían sido \"{quote}\".",
        "Fuentes oficiales en {city} indicaron que la reunión se prolongó durante más de {hours} horas.",
        "La organización {org} señaló en un comunicado que destinará {amount} durante los próximos {months} meses.",
        "Según las cifras del Gobierno de {country}, unas {num} personas se han visto afectadas.",
        "\"{quote}\", declaró {person} a los periodistas tras la sesión celebrada en {city}.",
        "Los diplomáticos de {country2} describieron el ambiente como tenso pero constructivo.",
        "El acuerdo todavía debe ser aprobado por el parlamento de {country}, donde la oposición ha planteado objeciones.",
        "Los analistas consultados en {city} consideran que el resultado marcará la política de {topic} durante el resto del año.",
        "El precio del trigo subió un {pct} por ciento tras conocerse la noticia, según los operadores.",
        "Un portavoz de {org} rehusó dar más detalles y alegó que las negociaciones siguen abiertas.",
        "Las conversaciones sobre {topic} comenzaron en {month} y se interrumpieron en dos ocasiones.",
        "Las autoridades locales de {city} abrieron {shelters} refugios temporales y pidieron a los vecinos que no salieran de casa.",
        "La policía informó de que {num} personas fueron detenidas durante las protestas frente al ministerio.",
        "Se espera que el ministro de Asuntos Exteriores de {country2} viaje a {city} la próxima semana.",
        "En una declaración conjunta, ambos gobiernos se comprometieron a reunirse de nuevo antes de que termine {month}.",
        "Los críticos sostienen que el plan hace muy poco por los pequeños agricultores y encarecerá la vida de las familias.",
        "El banco central de {country} mantuvo el tipo de interés en el {rate} por ciento.",
        "Los equipos de rescate utilizaron barcas para llegar a los pueblos aislados por el agua.",
        "Los meteorólogos prevén más lluvias en la región hasta el final de la semana.",
        "El paquete incluye {amount} en préstamos y subvenciones, y el primer pago llegará en {month}.",
        "El tribunal de {city} dio al Gobierno {days} días para presentar una nueva propuesta.",
        "Los abogados de los demandantes anunciaron que recurrirán la sentencia ante una instancia superior.",
        "La participación era del {pct} por ciento dos horas antes del cierre de los colegios electorales, según la comisión electoral.",
        "Los observadores de {org} afirmaron que la votación transcurrió con normalidad en la mayoría de los distritos.",
        "Los ingenieros de {city} calculan que la reparación de la central eléctrica dañada durará al menos {weeks} semanas.",
        "Las acciones de las mayores empresas energéticas de {country} cayeron un {pct} por ciento en la apertura.",
    ],
    "de": [
        "{person} sagte am {day}, die Gespräche in {city} seien \"{quote}\" gewesen.",
        "Nach Angaben von Beamten in {city} dauerte das Treffen mehr als {hours} Stunden.",
        "Die Organisation {org} erklärte, sie werde in den kommenden {months} Monaten {amount} bereitstellen.",
        "Nach Zahlen der Regierung von {country} sind rund {num} Menschen betroffen.",
        "Diplomaten aus {country2} beschrieben die Stimmung als angespannt, aber konstruktiv.",
        "Das Abkommen muss noch vom Parlament in {country} gebilligt werden, wo die Opposition Einwände erhoben hat.",
        "Analysten in {city} erwarten, dass das Ergebnis die Politik bei {topic} für den Rest des Jahres prägen wird.",
        "Der Weizenpreis stieg nach der Nachricht um {pct} Prozent, wie Händler berichteten.",
        "Ein Sprecher von {org} wollte keine weiteren Einzelheiten nennen und verwies auf laufende Verhandlungen.",
        "Die örtlichen Behörden in {city} öffneten {shelters} Notunterkünfte und baten die Bewohner, zu Hause zu bleiben.",
        "Die Polizei nahm bei Protesten vor dem Ministerium {num} Menschen fest.",
        "In einer gemeinsamen Erklärung kündigten beide Regierungen ein weiteres Treffen vor Ende {month} an.",
        "Kritiker bemängelten, der Plan tue zu wenig für kleine Landwirte und verteuere das Leben der Haushalte.",
        "Rettungskräfte erreichten die vom Wasser abgeschnittenen Dörfer mit Booten.",
        "Meteorologen sagen bis zum Ende der Woche weiteren Regen voraus.",
        "Das Gericht in {city} gab der Regierung {days} Tage Zeit, einen neuen Vorschlag vorzulegen.",
        "Die Anwälte der Kläger kündigten an, gegen das Urteil in die nächste Instanz zu gehen.",
        "Zwei Stunden vor Schließung der Wahllokale lag die Beteiligung bei {pct} Prozent, teilte die Wahlkommission mit.",
        "Beobachter von {org} erklärten, die Abstimmung sei in den meisten Bezirken geordnet verlaufen.",
        "Ingenieure in {city} rechnen damit, dass die Reparatur des beschädigten Kraftwerks mindestens {weeks} Wochen dauert.",
        "Die Aktien der größten Energieversorger in {country} fielen im frühen Handel um {pct} Prozent.",
    ],
    "fr": [
        "{person} a déclaré le {day} que les discussions à {city} avaient été \"{quote}\".",
        "Selon des responsables à {city}, la réunion a duré plus de {hours} heures.",
        "L'organisation {org} a indiqué dans un communiqué qu'elle débloquerait {amount} au cours des {months} prochains mois.",
        "Selon les chiffres du gouvernement, environ {num} personnes sont touchées.",
        "Les diplomates de {country2} ont décrit une atmosphère tendue mais constructive.",
        "L'accord doit encore être approuvé par le parlement, où l'opposition a soulevé des objections.",
        "Des analystes à {city} estiment que le résultat pèsera sur {topic} pendant le reste de l'année.",
        "Le prix du blé a progressé de {pct} pour cent après l'annonce, selon des courtiers.",
        "Un porte-parole de {org} a refusé de donner plus de détails, invoquant des négociations en cours.",
        "Les autorités locales de {city} ont ouvert {shelters} abris temporaires et demandé aux habitants de rester chez eux.",
        "La police a interpellé {num} personnes lors de manifestations devant le ministère.",
        "Dans une déclaration commune, les deux gouvernements ont promis de se revoir avant la fin {month}.",
        "Les critiques estiment que le plan en fait trop peu pour les petits agriculteurs et renchérira le coût de la vie.",
        "Les secours ont utilisé des bateaux pour atteindre les villages isolés par les eaux.",
        "Les météorologues prévoient encore de la pluie dans la région jusqu'à la fin de la semaine.",
        "Le tribunal de {city} a donné {days} jours au gouvernement pour présenter une nouvelle proposition.",
        "Les avocats des plaignants ont annoncé qu'ils feraient appel du jugement.",
        "La participation atteignait {pct} pour cent deux heures avant la fermeture des bureaux de vote, selon la commission électorale.",
        "Les observateurs de {org} ont indiqué que le scrutin s'était déroulé dans le calme dans la plupart des circonscriptions.",
        "Les ingénieurs de {city} estiment que la réparation de la centrale endommagée prendra au moins {weeks} semaines.",
        "Les actions des principaux groupes énergétiques de {country} ont reculé de {pct} pour cent en début de séance.",
    ],
}

# Which body sentences belong to one kind of event (indexes into SENTENCES); the rest suit any event.
# A report draws from the generic ones and its own kind's, so reports of one event share a vocabulary
# that reports of another kind of event do not, as in real news.
SENTENCE_KINDS: dict[str, dict[int, frozenset[str]]] = {
    lang: {i: frozenset(kinds.split()) for i, kinds in table.items()}
    for lang, table in {
        "en": {6: "trade summit", 8: "trade", 11: "flood aid", 12: "flood", 14: "visit summit", 15: "summit visit trade",
               16: "trade aid", 17: "trade", 18: "visit", 20: "energy", 21: "energy", 22: "energy", 23: "visit summit",
               24: "election", 25: "election", 26: "court", 27: "court", 28: "flood", 29: "flood", 30: "aid", 31: "visit"},
        "es": {6: "trade summit", 8: "trade", 11: "flood", 13: "visit summit", 14: "summit visit trade", 15: "trade aid",
               16: "trade", 17: "flood", 18: "flood", 19: "aid", 20: "court", 21: "court", 22: "election", 23: "election",
               24: "energy", 25: "energy"},
        "de": {5: "trade summit", 7: "trade", 9: "flood", 11: "summit visit trade", 12: "trade aid", 13: "flood",
               14: "flood", 15: "court", 16: "court", 17: "election", 18: "election", 19: "energy", 20: "energy"},
        "fr": {5: "trade summit", 7: "trade", 9: "flood", 11: "summit visit trade", 12: "trade aid", 13: "flood",
               14: "flood", 15: "court", 16: "court", 17: "election", 18: "election", 19: "energy", 20: "energy"},
    }.items()
}

QUOTES = {
    "en": ["frank and useful", "a step in the right direction", "difficult but necessary", "productive",
           "We need results, not promises", "Our partners have heard us", "This is only the beginning",
           "We will keep working until the job is done"],
    "es": ["francas y útiles", "un paso en la dirección correcta", "difíciles pero necesarias",
           "Necesitamos resultados, no promesas", "Nuestros socios nos han escuchado"],
    "de": ["offen und nützlich", "ein Schritt in die richtige Richtung", "schwierig, aber notwendig"],
    "fr": ["franches et utiles", "un pas dans la bonne direction", "difficiles mais nécessaires"],
}
DAYS = {"en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
        "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
        "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
        "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]}
MONTHS = {"en": ["March", "April", "May", "June", "September", "October"],
          "es": ["marzo", "abril", "mayo", "junio", "septiembre", "octubre"],
          "de": ["März", "April", "Mai", "Juni", "September", "Oktober"],
          "fr": ["mars", "avril", "mai", "juin", "septembre", "octobre"]}
CURRENCY = {"en": "{n} billion euros", "es": "{n} millones de euros", "de": "{n} Milliarden Euro", "fr": "{n} milliards d'euros"}

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)


@dataclass
class Event:
    """One happening that several agencies report."""

    kind: str
    person: tuple[str, str, str, str]
    org: str
    place: tuple[str, ...]
    place2: tuple[str, ...]
    topic: int
    numbers: dict[str, object] = field(default_factory=dict)
    at: datetime = T0


def _event(rng: random.Random, index: int) -> Event:
    place, place2 = rng.sample(PLACES, 2)
    return Event(
        kind=rng.choice(EVENT_KINDS), person=rng.choice(PEOPLE), org=rng.choice(ORGS), place=place, place2=place2,
        topic=rng.randrange(8),
        numbers=dict(num=f"{rng.randrange(2, 90) * 100:,}", amount_n=rng.choice([1.2, 2.5, 4, 5, 7.8, 12, 20, 35]),
                     pct=rng.randrange(2, 19), hours=rng.randrange(2, 9), months=rng.choice([6, 12, 18, 24]),
                     shelters=rng.randrange(3, 40), rate=rng.choice(["2.5", "3.75", "4", "4.25"]),
                     weeks=rng.randrange(2, 10), days=rng.choice([30, 60, 90])),
        at=T0 + timedelta(minutes=index * 7),
    )


def _fill(template: str, event: Event, language: str, rng: random.Random) -> str:
    i = _LANG_INDEX[language]
    n = event.numbers
    amount = CURRENCY[language].format(n=(f"{n['amount_n']:g}" if language != "es" else f"{int(n['amount_n'] * 1000):,}".replace(",", ".")))
    return template.format(
        person=event.person[0], office=event.person[1], org=event.org, city=event.place[i], country=event.place[i + 1],
        country2=event.place2[i + 1], topic=TOPICS[language][event.topic % len(TOPICS[language])], num=n["num"],
        amount=amount, pct=n["pct"], hours=n["hours"], months=n["months"], shelters=n["shelters"], rate=n["rate"],
        weeks=n["weeks"], days=n["days"], day=rng.choice(DAYS[language]), month=rng.choice(MONTHS[language]),
        quote=rng.choice(QUOTES[language]),
    )


def _report(event: Event, language: str, rng: random.Random, words: tuple[int, int]) -> tuple[str, str]:
    title = _fill(rng.choice(HEADLINES[language][event.kind]), event, language, rng)
    target = rng.randint(*words)
    kinds = SENTENCE_KINDS[language]
    pool = [t for i, t in enumerate(SENTENCES[language]) if i not in kinds or event.kind in kinds[i]]
    paragraphs: list[str] = []
    count = 0
    # Pick without repeats until the pool runs out, then start over: a long report re-states points, as wires do.
    order: list[str] = []
    while count < target:
        if not order:
            order = rng.sample(pool, len(pool))
        size = rng.randint(2, 4)
        paragraph = " ".join(_fill(order.pop(), event, language, rng) for _ in range(min(size, len(order))))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    dateline = event.place[_LANG_INDEX[language]].upper()
    paragraphs[0] = f"{dateline} — {paragraphs[0]}"
    return title, "\n\n".join(paragraphs)


def make_corpus(count: int, *, seed: int = 1, words: tuple[int, int] = (300, 1200), prefix: str = "bench",
                languages: tuple[tuple[str, float], ...] = LANGUAGE_SHARE) -> list[dict]:
    """``count`` wire reports as JSON-ready dicts (title, body, source, language, published_at, id, event)."""
    rng = random.Random(seed)
    names = [lang for lang, _ in languages]
    weights = [share for _, share in languages]
    records: list[dict] = []
    event_index = 0
    while len(records) < count:
        event = _event(rng, event_index)
        for report in range(rng.choice([1, 1, 2, 2, 3, 4])):
            if len(records) >= count:
                break
            language = rng.choices(names, weights)[0]
            title, body = _report(event, language, rng, words)
            records.append({
                "id": f"{prefix}-{len(records):06d}",
                "source": rng.choice(SOURCES[language]),
                "language": language,
                "title": title,
                "body": body,
                "published_at": (event.at + timedelta(minutes=report * 11)).isoformat(),
                "event": f"{prefix}-e{event_index}",
            })
        event_index += 1
    return records


def raw_articles(records: list[dict], *, fetched_at: datetime | None = None, source_override: dict[int, str] | None = None):
    """RawArticle messages for the records (``fetched_at`` now unless given; some sources replaced by index)."""
    from schemas import RawArticle

    now = fetched_at or datetime.now(timezone.utc)
    out = []
    for i, r in enumerate(records):
        out.append(RawArticle(
            id=r["id"], source=(source_override or {}).get(i, r["source"]), title=r["title"], body=r["body"],
            language_hint=r["language"], published_at=datetime.fromisoformat(r["published_at"]), fetched_at=now,
        ))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-words", type=int, default=300)
    parser.add_argument("--max-words", type=int, default=1200)
    args = parser.parse_args()
    for record in make_corpus(args.count, seed=args.seed, words=(args.min_words, args.max_words)):
        record.pop("event")
        sys.stdout.write(orjson.dumps(record).decode() + "\n")


if __name__ == "__main__":
    main()


def normalize_all(raws: list) -> list:
    """Every raw article through one real Normalizer, in order (the benches' shared first step)."""
    import asyncio

    from services.normalize.core import Normalizer
    from services.normalize.settings import NormalizeSettings

    async def run() -> list:
        normalizer = Normalizer(NormalizeSettings())
        try:
            return [await normalizer.normalize(r) for r in raws]
        finally:
            await normalizer.aclose()

    return asyncio.run(run())
