"""Synthetic source documents at any size, so every code path can be run at 100k, 1M and 10M triples.

The output is a data folder like data/: TriG files, one named graph per synthetic source document
(a press release per conference), each graph stating its own provenance. Series, Länder, places,
ministries, parties, actors, persons, offices and laws live in register graphs of the same folder,
so the integrity checks find every referenced entity described. Every key starts with `synth-`
(it never names a real entity) and every Wikidata link points into a QID range Wikidata has not
reached. The same seed and size give the same bytes.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox

from . import namespaces as ns

CONFERENCES_PER_SERIES = 40
SYNTH_QID_BASE = 990_000_000_000  # far above any real Wikidata item
SUMMARY_FILE = "synth.json"

KINDS = ["conference", "chair", "state", "place", "person", "office", "organisation", "actor", "resolution",
         "demand", "milestone", "law", "statement", "act", "group", "contact", "document", "party", "meeting"]

PREAMBLE = "".join(
    [f"@prefix {p}: <{ns.PREFIXES[p]}> .\n" for p in ("intmk", "rdfs", "xsd", "owl", "prov", "skos", "wd")]
    + [f"@prefix {k}: <{ns.ID}{k}/> .\n" for k in KINDS + ["topic"]]
    + [f"@prefix graph: <{ns.GRAPH}> .\n"]
)

# code, German name, English name, capital, Destatis key
LAENDER = [
    ("BW", "Baden-Württemberg", "Baden-Württemberg", "Stuttgart", "08"),
    ("BY", "Bayern", "Bavaria", "München", "09"),
    ("BE", "Berlin", "Berlin", "Berlin", "11"),
    ("BB", "Brandenburg", "Brandenburg", "Potsdam", "12"),
    ("HB", "Bremen", "Bremen", "Bremen", "04"),
    ("HH", "Hamburg", "Hamburg", "Hamburg", "02"),
    ("HE", "Hessen", "Hesse", "Wiesbaden", "06"),
    ("MV", "Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania", "Schwerin", "13"),
    ("NI", "Niedersachsen", "Lower Saxony", "Hannover", "03"),
    ("NW", "Nordrhein-Westfalen", "North Rhine-Westphalia", "Düsseldorf", "05"),
    ("RP", "Rheinland-Pfalz", "Rhineland-Palatinate", "Mainz", "07"),
    ("SL", "Saarland", "Saarland", "Saarbrücken", "10"),
    ("SN", "Sachsen", "Saxony", "Dresden", "14"),
    ("ST", "Sachsen-Anhalt", "Saxony-Anhalt", "Magdeburg", "15"),
    ("SH", "Schleswig-Holstein", "Schleswig-Holstein", "Kiel", "01"),
    ("TH", "Thüringen", "Thuringia", "Erfurt", "16"),
]
PARTIES = [("a", "Partei A", "Party A"), ("b", "Partei B", "Party B"), ("c", "Partei C", "Party C"),
           ("d", "Partei D", "Party D"), ("e", "Partei E", "Party E")]
ACTORS = [("bund", "Bund", "federal government"), ("laender", "Länder", "Länder"),
          ("kommunen", "Kommunen", "municipalities"), ("wirtschaft", "Wirtschaft", "business"),
          ("zivilgesellschaft", "Zivilgesellschaft", "civil society")]
COUNTRIES = [("1", "Land Eins", "Country One"), ("2", "Land Zwei", "Country Two"), ("3", "Land Drei", "Country Three")]
GIVEN = ["Anna", "Bernd", "Clara", "Dieter", "Elif", "Frank", "Greta", "Hakan", "Ilse", "Jonas", "Katrin",
         "Lukas", "Maria", "Nils", "Özlem", "Paul", "Rita", "Stefan", "Tanja", "Uwe", "Vera", "Yusuf"]
FAMILY = ["Bauer", "Becker", "Fischer", "Hoffmann", "Koch", "Krüger", "Lange", "Meyer", "Müller", "Neumann",
          "Richter", "Schäfer", "Schmidt", "Schulz", "Wagner", "Weber", "Wolf", "Yılmaz", "Zimmermann"]
WORDS_DE = ("Integration Teilhabe Sprachförderung Arbeitsmarkt Beratung Finanzierung Einbürgerung Vielfalt "
            "Kommunen Anerkennung Fachkräfte Bildung Wohnraum Gesundheit Ehrenamt Schutz Zusammenhalt").split()
WORDS_EN = ("integration participation language-support labour-market counselling funding naturalisation "
            "diversity municipalities recognition skilled-workers education housing health volunteering "
            "protection cohesion").split()
VERBS_DE = ["fordern", "begrüßen", "bekräftigen", "unterstützen", "stärken", "sichern"]


def _s(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def de(text: str) -> str:
    return _s(text) + "@de"


def en(text: str) -> str:
    return _s(text) + "@en"


def xdate(d: date) -> str:
    return f'"{d.isoformat()}"^^xsd:date'


def xint(n: int) -> str:
    return f'"{n}"^^xsd:integer'


def qid(n: int) -> str:
    return f"wd:Q{SYNTH_QID_BASE + n}"


@dataclass
class Summary:
    seed: int
    requested_triples: int
    triples: int
    graphs: int
    series: int
    conferences: int
    files: int


class Graph:
    """One named graph written as TriG text; counts the triples it holds."""

    def __init__(self, name: str, document: str):
        self.name = name
        self.parts: list[str] = []
        self.triples = 0
        self.add(name, ("a", "intmk:NamedGraph"), ("prov:wasDerivedFrom", document))

    def add(self, subject: str, *pairs: tuple[str, str]) -> None:
        self.triples += len(pairs)
        body = " ;\n        ".join(f"{p} {o}" for p, o in pairs)
        self.parts.append(f"    {subject} {body} .\n")

    def labels(self, subject: str, label_de: str, label_en: str, *pairs: tuple[str, str]) -> None:
        self.add(subject, ("rdfs:label", de(label_de)), ("rdfs:label", en(label_en)), *pairs)

    def text(self) -> str:
        return f"{self.name} {{\n" + "".join(self.parts) + "}\n\n"


class Generator:
    """Writes register and series files until the requested number of triples is reached."""

    def __init__(self, out: Path, triples: int, seed: int, topics: list[str], per_series: int):
        self.out, self.target, self.seed, self.per_series = out, triples, seed, per_series
        self.rnd = random.Random(seed)
        self.topics = topics
        self.triples = self.graphs = self.conferences = self.series = self.files = 0
        self.qids = 0

    def run(self) -> Summary:
        self._write("synth-register.trig", [self._register()])
        while self.triples < self.target:
            self.series += 1
            self._write(f"synth-s{self.series:05d}.trig", self._series(self.series))
        summary = Summary(self.seed, self.target, self.triples, self.graphs, self.series, self.conferences, self.files)
        (self.out / SUMMARY_FILE).write_text(json.dumps(asdict(summary), indent=2) + "\n", encoding="utf-8")
        return summary

    def _write(self, name: str, graphs: list[Graph]) -> None:
        with (self.out / name).open("w", encoding="utf-8") as f:
            f.write("# Synthetic data from `intmk-kg synth`; no statement here is about a real entity.\n")
            f.write(PREAMBLE + "\n")
            for g in graphs:
                f.write(g.text())
                self.triples += g.triples
                self.graphs += 1
        self.files += 1

    def _next_qid(self) -> str:
        self.qids += 1
        return qid(self.qids)

    # --- shared register: Länder, capitals, ministries, parties, actors, countries, groups -------

    def _register(self) -> Graph:
        g = Graph("graph:synth-register", "document:synth-register")
        g.labels("document:synth-register", "Synthetisches Register", "Synthetic register",
                 ("a", "intmk:WebSource"), ("intmk:url", "<https://example.org/intmk-synth/register>"))
        for code, name_de, name_en, capital, key in LAENDER:
            c = code.lower()
            g.labels(f"state:synth-{c}", f"{name_de} (synthetisch)", f"{name_en} (synthetic)",
                     ("a", "intmk:State"), ("intmk:isoCode", _s(f"DE-{code}")), ("intmk:destatisKey", _s(key)),
                     ("owl:sameAs", self._next_qid()))
            g.labels(f"place:synth-{c}", f"{capital} (synthetisch)", f"{capital} (synthetic)",
                     ("a", "intmk:City"), ("intmk:inState", f"state:synth-{c}"))
            g.labels(f"organisation:synth-ministry-{c}", f"Integrationsministerium {name_de} (synthetisch)",
                     f"Integration ministry of {name_en} (synthetic)",
                     ("a", "intmk:Ministry"), ("intmk:state", f"state:synth-{c}"),
                     ("intmk:officialName", de(f"Ministerium für Integration des Landes {name_de}")),
                     ("intmk:website", f"<https://example.org/intmk-synth/ministry/{c}>"))
        for key, name_de, name_en in PARTIES:
            g.labels(f"party:synth-{key}", name_de, name_en, ("a", "intmk:PoliticalParty"))
        for key, name_de, name_en in ACTORS:
            g.labels(f"actor:synth-{key}", name_de, name_en, ("a", "intmk:Actor"))
        for key, name_de, name_en in COUNTRIES:
            g.labels(f"place:synth-country-{key}", name_de, name_en, ("a", "intmk:Country"))
        for i in range(1, 4):
            g.labels(f"group:synth-{i}", f"Bevölkerungsgruppe {i}", f"population group {i}",
                     ("a", "intmk:PopulationGroup"),
                     *[("intmk:originCountry", f"place:synth-country-{k}") for k, _, _ in COUNTRIES[: i]])
        return g

    # --- one series: its register (series, persons, offices, laws) and one graph per conference ---

    def _series(self, s: int) -> list[Graph]:
        sk = f"synth-s{s:05d}"
        register = Graph(f"graph:{sk}-register", f"document:{sk}-register")
        register.labels(f"document:{sk}-register", f"Register der Reihe {s}", f"Register of series {s}",
                        ("a", "intmk:WebSource"), ("intmk:url", f"<https://example.org/intmk-synth/series/{s}>"))
        register.labels(f"organisation:{sk}", f"Synthetische Ministerkonferenz {s}", f"Synthetic ministers' conference {s}",
                        ("a", "intmk:ConferenceSeries"), ("intmk:shortName", _s(f"SMK{s}")),
                        ("intmk:website", f"<https://example.org/intmk-synth/series/{s}/site>"))
        laws = []
        for k in range(1, 4):
            law = f"law:{sk}-{k}"
            promulgated = date(1990 + s % 30, 1 + k * 3, 10)
            register.labels(law, f"Gesetz {k} der Reihe {s}", f"Act {k} of series {s}",
                            ("a", "intmk:Law"), ("intmk:title", de(f"Gesetz {k} der Reihe {s}")),
                            ("intmk:promulgationDate", xdate(promulgated)),
                            ("intmk:inForceDate", xdate(promulgated + timedelta(days=30))))
            laws.append(law)
        self.ministers: dict[int, tuple[str, str, date]] = {}  # Land index -> (person, office, since)
        self.people = 0
        self.milestones: list[str] = []
        graphs = [register]
        start_year = 1990 + s % 30
        for n in range(1, self.per_series + 1):
            if self.triples + sum(g.triples for g in graphs) >= self.target:
                break
            day = date(start_year + (n - 1) // 2, 3 if n % 2 else 9, 1) + timedelta(days=self.rnd.randrange(25))
            graphs.append(self._conference(sk, s, n, day, register, laws))
            self.conferences += 1
        return graphs

    def _minister(self, sk: str, land: int, day: date, register: Graph) -> tuple[str, str]:
        """The Land's current minister in this series; now and then a new one takes office."""
        current = self.ministers.get(land)
        if current is not None and self.rnd.random() > 0.08:
            return current[:2]
        self.people += 1
        person = f"person:{sk}-p{self.people:04d}"
        office = f"office:{sk}-p{self.people:04d}"
        name = f"{self.rnd.choice(GIVEN)} {self.rnd.choice(FAMILY)}"
        code, name_de, name_en, _, _ = LAENDER[land]
        c = code.lower()
        pairs = [("a", "intmk:Person"), ("intmk:name", _s(name)),
                 ("intmk:memberOfParty", f"party:synth-{self.rnd.choice(PARTIES)[0]}")]
        if self.rnd.random() < 0.2:
            pairs.append(("intmk:honorificPrefix", _s("Dr.")))
        if self.rnd.random() < 0.3:
            pairs.append(("owl:sameAs", self._next_qid()))
        register.labels(person, name, name, *pairs)
        took_office = day - timedelta(days=self.rnd.randrange(30, 400))
        if current is not None:  # the predecessor leaves the day the successor takes office
            took_office = max(took_office, current[2] + timedelta(days=1))
            register.add(current[1], ("intmk:endDate", xdate(took_office)))
        register.labels(office, f"{name}, für Integration zuständig in {name_de}",
                        f"{name}, responsible for integration in {name_en}",
                        ("a", "intmk:Office"), ("intmk:holder", person), ("intmk:state", f"state:synth-{c}"),
                        ("intmk:ministry", f"organisation:synth-ministry-{c}"),
                        ("intmk:roleTitle", de("für Integration zuständiges Regierungsmitglied")),
                        ("intmk:roleTitle", en("member of government responsible for integration")),
                        ("intmk:startDate", xdate(took_office)))
        self.ministers[land] = (person, office, took_office)
        return person, office

    def _words(self, k: int) -> tuple[str, str]:
        idx = [self.rnd.randrange(len(WORDS_DE)) for _ in range(k)]
        return " ".join(WORDS_DE[i] for i in idx), " ".join(WORDS_EN[i] for i in idx)

    def _conference(self, sk: str, s: int, n: int, day: date, register: Graph, laws: list[str]) -> Graph:
        r = self.rnd
        key = f"{sk}-{n:04d}"
        doc, conf = f"document:{key}", f"conference:{key}"
        g = Graph(f"graph:{key}", doc)
        chair_land = (n + s) % 16
        code, name_de, name_en, capital, _ = LAENDER[chair_land]
        c = code.lower()
        lands = sorted({chair_land} | set(r.sample(range(16), r.randrange(6, 16))))
        speakers = {land: self._minister(sk, land, day, register) for land in lands}
        chair_person = speakers[chair_land][0]
        topics = sorted(set(r.sample(self.topics, r.randrange(1, 4))))
        end = day + timedelta(days=1)

        g.labels(doc, f"Pressemitteilung zur {n}. Konferenz der Reihe {s}", f"Press release on conference {n} of series {s}",
                 ("a", "intmk:PressRelease"), ("intmk:title", de(f"{n}. Konferenz in {capital}: {self._words(3)[0]}")),
                 ("intmk:pressReleaseNumber", _s(f"{r.randrange(1, 200)}/{end.year}")),
                 ("intmk:publisher", f"organisation:synth-ministry-{c}"), ("intmk:issued", xdate(end)),
                 ("intmk:contactPoint", f"contact:{key}"), ("intmk:occasion", conf))
        g.labels(f"contact:{key}", f"Pressestelle {name_de} ({n})", f"Press office of {name_en} ({n})",
                 ("a", "intmk:ContactPoint"), ("intmk:email", _s(f"presse-{c}@example.org")),
                 ("intmk:telephone", _s(f"(0{r.randrange(100, 999)}) {r.randrange(100, 999)}-{r.randrange(1000, 9999)}")))
        g.labels(conf, f"{n}. Synthetische Ministerkonferenz {s}", f"Synthetic ministers' conference {s}, no. {n}",
                 ("a", "intmk:Conference"), ("intmk:ordinal", xint(n)), ("intmk:partOfSeries", f"organisation:{sk}"),
                 ("intmk:startDate", xdate(day)), ("intmk:endDate", xdate(end)),
                 ("intmk:year", f'"{day.year}"^^xsd:gYear'), ("intmk:duration", '"P2D"^^xsd:duration'),
                 ("intmk:location", f"place:synth-{c}"), ("intmk:heldInState", f"state:synth-{c}"),
                 ("intmk:chairmanship", f"chair:{key}"),
                 ("intmk:summary", de(f"Die Konferenz beriet über {self._words(4)[0]}.")),
                 *[("intmk:participant", person) for person, _ in speakers.values()],
                 *[("intmk:topic", f"topic:{t}") for t in topics])
        g.labels(f"chair:{key}", f"Vorsitz der {n}. Konferenz der Reihe {s}", f"Chair of conference {n} of series {s}",
                 ("a", "intmk:Chairmanship"), ("intmk:chairOf", conf), ("intmk:chairState", f"state:synth-{c}"),
                 ("intmk:chairPerson", chair_person), ("intmk:startDate", xdate(day - timedelta(days=120))),
                 ("intmk:endDate", xdate(day + timedelta(days=60))))
        if r.random() < 0.3:
            g.labels(f"meeting:{key}-pre", f"Vorkonferenz der {n}. Konferenz", f"Pre-conference of conference {n}",
                     ("a", "intmk:PreConference"), ("intmk:partOfConference", conf),
                     ("intmk:startDate", xdate(day - timedelta(days=30))), ("intmk:endDate", xdate(day - timedelta(days=30))))

        for m in range(1, r.randrange(0, 3) + 1):
            milestone = f"milestone:{key}-{m}"
            text_de, text_en = self._words(3)
            pairs = [("a", "intmk:Milestone"), ("intmk:summary", de(text_de)), ("intmk:summary", en(text_en)),
                     ("intmk:topic", f"topic:{r.choice(self.topics)}")]
            if r.random() < 0.4:
                pairs.append(("intmk:establishedBy", r.choice(laws)))
            g.labels(milestone, f"Meilenstein {m} der {n}. Konferenz", f"Milestone {m} of conference {n}", *pairs)
            self.milestones.append(milestone)

        resolutions = []
        for k in range(1, r.randrange(3, 11) + 1):
            res = f"resolution:{key}-{k}"
            resolutions.append(res)
            kind = "intmk:LeadMotion" if k == 1 else ("intmk:Declaration" if r.random() < 0.1 else "intmk:Resolution")
            title_de, title_en = self._words(3)
            pairs = [("a", kind), ("intmk:title", de(title_de)), ("intmk:adoptedAt", conf),
                     ("intmk:votingOutcome", "intmk:Unanimous" if r.random() < 0.7 else "intmk:NotUnanimous"),
                     ("intmk:summary", de(f"Die Länder {r.choice(VERBS_DE)} {self._words(6)[0]}.")),
                     ("intmk:summary", en(f"The Länder address {self._words(6)[1]}.")),
                     ("intmk:statedIn", doc),
                     *[("intmk:topic", f"topic:{t}") for t in sorted(set(r.sample(self.topics, r.randrange(1, 3))))]]
            if self.milestones and r.random() < 0.3:
                recent = self.milestones[-50:]
                pairs += [("intmk:cites", m) for m in sorted(set(r.sample(recent, min(len(recent), r.randrange(1, 3)))))]
            if r.random() < 0.05:
                pairs.append(("intmk:honours", f"group:synth-{r.randrange(1, 4)}"))
            g.labels(res, f"Beschluss {k}: {title_de}", f"Resolution {k}: {title_en}", *pairs)

        for k in range(1, r.randrange(1, 6) + 1):
            text_de, text_en = self._words(4)
            g.labels(f"demand:{key}-{k}", f"Forderung {k}: {text_de}", f"Demand {k}: {text_en}",
                     ("a", "intmk:Demand"), ("intmk:raisedBy", conf), ("intmk:summary", de(text_de)),
                     ("intmk:summary", en(text_en)), ("intmk:addressedTo", f"actor:synth-{r.choice(ACTORS)[0]}"),
                     ("intmk:expressedIn", r.choice(resolutions)), ("intmk:topic", f"topic:{r.choice(self.topics)}"),
                     ("intmk:statedIn", doc))

        for position in range(1, r.randrange(2, 9) + 1):
            land = r.choice(lands)
            person, office = speakers[land]
            kind = "intmk:Quote" if r.random() < 0.6 else "intmk:ReportedSpeech"
            pairs = [("a", kind), ("intmk:text", de(f"Wir {r.choice(VERBS_DE)} {self._words(r.randrange(6, 20))[0]}.")),
                     ("intmk:speaker", person), ("intmk:speakerOffice", office), ("intmk:occasion", conf),
                     ("intmk:position", xint(position)), ("intmk:topic", f"topic:{r.choice(self.topics)}"),
                     ("intmk:statedIn", doc)]
            if r.random() < 0.3:
                pairs.append(("intmk:refersTo", r.choice(resolutions)))
            g.labels(f"statement:{key}-{position:02d}", f"Aussage {position} der {n}. Konferenz",
                     f"Statement {position} of conference {n}", *pairs)

        if r.random() < 0.2:
            recipient = speakers[r.choice(lands)][0]
            g.labels(f"act:{key}-handover", f"Übergabe bei der {n}. Konferenz", f"Handover at conference {n}",
                     ("a", "intmk:SymbolicAct"), ("intmk:agent", chair_person), ("intmk:recipient", recipient),
                     ("intmk:occasion", conf), ("intmk:statedIn", doc),
                     ("intmk:item", de("Weltkugel")), ("intmk:item", en("globe")))
        return g


def ontology_topics(ontology_files: list[Path]) -> list[str]:
    """The keys of the topics the ontology declares; synthetic documents use only these."""
    topic_class = ox.NamedNode(ns.ONT + "Topic")
    rdf_type = ox.NamedNode(ns.PREFIXES["rdf"] + "type")
    prefix = ns.ID + "topic/"
    keys = set()
    for path in ontology_files:
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if q.predicate == rdf_type and q.object == topic_class and q.subject.value.startswith(prefix):
                keys.add(q.subject.value[len(prefix):])
    return sorted(keys)


def generate(out: Path, triples: int, seed: int, topics: list[str], per_series: int = CONFERENCES_PER_SERIES) -> Summary:
    """Write about `triples` synthetic triples (whole conferences, so a few hundred more) into `out`."""
    if triples < 1:
        raise ValueError("the number of triples must be positive")
    if not topics:
        raise ValueError("the ontology declares no topics to classify synthetic documents with")
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; synthetic data goes into a new folder")
    return Generator(out, triples, seed, topics, per_series).run()
