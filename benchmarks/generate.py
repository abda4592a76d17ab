"""Deterministic synthetic graphs in the gbagraph ontology, at any size (10k, 100k, 1M triples, ...).

The output is a project folder the pipeline loads as it is (``Settings(root=OUT)``):

* ``ontology/`` — a copy of the repository's ontology (``shapes.ttl`` included when it exists);
* ``data/`` — the bundled curated data, copied unchanged (so queries naming real IRIs still find them), plus
  synthetic press releases ``data/synthetic-plenary-{k}-press-release/`` of synthetic plenaries in a series of
  their own (``meeting:synthetic-joint-conference``: never the real Joint Conference's IRIs or ordinals), each
  with ``source.ttl`` and 28 paragraph files ``pNN.ttl``, and a linkset ``data/links/synthetic-wikidata.ttl``;
* ``manifest.json`` — seed, target, counts of triples written.

Every synthetic paragraph states facts of the kinds the real ones do (meetings and participations, statements,
visits, initiatives, agreements that renew earlier ones, policy documents, reported figures, milestones), with
the same conventions: an entity's type and labels are written in the paragraph where it first appears, every
dated value is ``xsd:date``/``xsd:gYearMonth``/``xsd:gYear``, concepts come from ``vocabularies.ttl``, and people,
bodies, posts and places of the bundled data are reused next to synthetic ones (so joins fan out at scale).

The same seed and target give byte-identical files.  Run: ``python -m benchmarks.generate 100k OUT``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/gbagraph/"
GBA = BASE + "def/"
PARAGRAPHS = 28

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "gba": GBA,
    "person": BASE + "id/person/",
    "body": BASE + "id/body/",
    "post": BASE + "id/post/",
    "meeting": BASE + "id/meeting/",
    "agreement": BASE + "id/agreement/",
    "doc": BASE + "id/document/",
    "init": BASE + "id/initiative/",
    "place": BASE + "id/place/",
    "fig": BASE + "id/figure/",
    "part": BASE + "id/participation/",
    "stmt": BASE + "id/statement/",
    "area": BASE + "id/area/",
    "status": BASE + "id/status/",
    "role": BASE + "id/role/",
    "audience": BASE + "id/audience/",
    "topic": BASE + "id/topic/",
    "source": BASE + "id/source/",
    "date": BASE + "id/date/",
    "wd": "http://www.wikidata.org/entity/",
}
#: the series the synthetic plenaries belong to (the real Joint Conference plenaries are never generated)
SYNTHETIC_SERIES = "meeting:synthetic-joint-conference"
HEADER = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"

SCALES = {"2k": 0, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}

FIRST = ["Chan", "Wong", "Lee", "Cheung", "Lau", "Ng", "Ho", "Leung", "Li", "Lam", "Tang", "Tsang", "Chow", "Kwok",
         "Yip", "Fung", "Zhang", "Wang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Zhou", "Wu", "Xu", "Sun", "Ma"]
GIVEN = ["Wing", "Ka", "Mei", "Chi", "Kin", "Siu", "Wai", "Hoi", "Yan", "Man", "Ming", "Hua", "Jun", "Lin", "Qiang",
         "Hong", "Wei", "Fang", "Ying", "Tao", "Jie", "Lei", "Xin", "Yu", "Kai", "Bo"]
WORDS = ["Innovation", "Green", "Smart", "Youth", "Talent", "Maritime", "Digital", "Cultural", "Health", "Finance",
         "Logistics", "Research", "Heritage", "Creative", "Harbour", "River", "Pearl", "Northern", "Southern",
         "Technology", "Trade", "Education", "Sports", "Energy", "Water", "Aviation", "Carbon", "Data", "Film", "Food"]
NOUNS = ["Scheme", "Programme", "Centre", "Fund", "Platform", "Alliance", "Exchange", "Initiative", "Pilot", "Network",
         "Hub", "Zone", "Week", "Forum", "Festival", "Project", "Corridor", "Base", "Laboratory", "Market"]
UNITS = ["students", "enterprises", "participants", "projects", "visitors", "companies", "talents", "teachers",
         "rank in the world", "million HK dollars", "square metres", "vehicles per day"]

BODY_CLASSES = ["Government", "MunicipalGovernment", "PolicyBureau", "Department", "PublicAuthority", "Council",
                "University", "Hospital", "TaskForce", "GovernmentOffice", "StatutoryBody", "Ministry"]
PLACE_CLASSES = ["City", "District", "Region", "BoundaryControlPoint", "Port", "Bridge", "Airport"]
INITIATIVE_CLASSES = ["FundingScheme", "Programme", "PilotScheme", "ExchangeProgramme", "CooperationMechanism",
                      "CooperationZone", "InfrastructureProject", "ServiceCentre", "CampusProject", "TradeEvent",
                      "Festival"]
DOC_CLASSES = ["Plan", "Index", "Standard", "Budget", "Policy", "PolicyDocument"]
AGREEMENT_CLASSES = ["CooperationAgreement", "MemorandumOfUnderstanding", "Agreement"]


def lit(text: str, lang: str | None = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Para:
    """The triples of one paragraph file, as Turtle statements (subject → [(predicate, object)])."""

    subjects: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, s: str, p: str, o: str) -> None:
        self.subjects.setdefault(s, []).append((p, o))
        if p == "rdfs:label":  # the shapes want one skos:prefLabel equal to the label
            self.subjects[s].append(("skos:prefLabel", o))

    def triples(self) -> int:
        return sum(len(set(po)) for po in self.subjects.values())

    def text(self) -> str:
        out = [HEADER]
        for s, pos in self.subjects.items():
            seen: list[tuple[str, str]] = []
            for po in pos:
                if po not in seen:
                    seen.append(po)
            body = " ;\n    ".join(f"{p} {o}" for p, o in seen)
            out.append(f"{s} {body} .\n\n")
        return "".join(out)


@dataclass
class Pools:
    """Entities the synthetic paragraphs refer to: (CURIE, class local name, label, is it bundled)."""

    people: list[str]
    bodies: list[str]
    posts: list[str]
    places: list[str]
    series: str
    concepts: dict[str, list[str]]
    labels: dict[str, str] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)
    post_body: dict[str, str] = field(default_factory=dict)
    place_parent: dict[str, str] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)  # bundled or already described in an earlier paragraph


def curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_-]*", iri[len(ns):] or "x"):
            rest = iri[len(ns):]
            if rest and not rest[0].isdigit() and not rest.startswith("-"):
                return f"{prefix}:{rest}"
    return f"<{iri}>"


def bundled_pools(root: Path) -> tuple[dict[str, list[str]], dict[str, list[str]], str | None]:
    """Entities of the bundled data by kind, and the concepts of the vocabularies, as CURIEs."""
    g = Graph()
    for path in sorted((root / "data").glob("*/*.ttl")):
        g.parse(path, format="turtle")
    vocab = Graph()
    vocab_file = root / "ontology" / "vocabularies.ttl"
    if vocab_file.exists():
        vocab.parse(vocab_file, format="turtle")
    kinds: dict[str, list[str]] = {"person": [], "body": [], "post": [], "place": []}
    for s in sorted(set(g.subjects(RDF.type, None))):
        if not isinstance(s, URIRef):
            continue
        for kind in kinds:
            if str(s).startswith(f"{BASE}id/{kind}/"):
                kinds[kind].append(curie(str(s)))
    series = next((curie(str(s)) for s in sorted(g.subjects(RDF.type, URIRef(GBA + "MeetingSeries")))), None)
    concepts: dict[str, list[str]] = {}
    for c in sorted(vocab.subjects(RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept"))):
        kind = str(c)[len(BASE) + 3:].split("/")[0]
        concepts.setdefault(kind, []).append(curie(str(c)))
    return kinds, concepts, series


class Generator:
    """Writes synthetic plenaries until the asserted graph (ontology + data + provenance) reaches ``target``."""

    def __init__(self, out: Path, target: int, seed: int = 2023, root: Path = ROOT) -> None:
        self.out, self.target, self.root = out, target, root
        self.rng = random.Random(seed)
        self.seed = seed
        self.counts: dict[str, int] = {}
        self.ordinals: list[int] = []
        self.agreements: list[str] = []
        self.initiatives: list[str] = []
        self.documents: list[str] = []
        self.dates: set[str] = set()  # calendar interval tokens the synthetic paragraphs use (0.3.0 dates)

    # -- pools --------------------------------------------------------------------------------------------------
    def make_pools(self, plenaries: int) -> Pools:
        bundled, concepts, _real_series = bundled_pools(self.root)
        for kind, fallback in (("area", "innovation-and-technology"), ("status", "under-way"),
                               ("role", "co-chair"), ("audience", "young-people"), ("topic", "smart-city")):
            concepts.setdefault(kind, [f"{kind}:{fallback}"])
        pools = Pools(people=list(bundled["person"]), bodies=list(bundled["body"]), posts=list(bundled["post"]),
                      places=list(bundled["place"]), series=SYNTHETIC_SERIES, concepts=concepts)
        pools.defined.update(pools.people + pools.bodies + pools.posts + pools.places)
        # a series of their own: synthetic plenaries never share IRIs or ordinals with the real ones
        pools.classes[pools.series] = "MeetingSeries"
        pools.labels[pools.series] = "Synthetic plenaries (benchmark data, not real meetings)"
        n_people, n_bodies, n_places = 40 + 6 * plenaries, 30 + 2 * plenaries, 30 + plenaries
        for i in range(n_places):
            name = f"{self.rng.choice(WORDS)} {self.rng.choice(['Bay', 'Park', 'Point', 'Town', 'Port', 'Hill'])} {i}"
            c = f"place:synthetic-{slug(name)}"
            pools.places.append(c)
            pools.labels[c] = name
            pools.classes[c] = PLACE_CLASSES[i % len(PLACE_CLASSES)]
            # a shallow tree (regions > cities > the rest) keeps the transitive closure of gba:locatedIn linear
            if i >= 5:
                synthetic = pools.places[len(pools.places) - 1 - i:]
                pools.place_parent[c] = synthetic[self.rng.randrange(0, 5) if i < 30 else self.rng.randrange(5, 30)]
        for i in range(n_bodies):
            cls = BODY_CLASSES[i % len(BODY_CLASSES)]
            spaced = re.sub(r"(?<!^)([A-Z])", r" \1", cls)
            name = f"{self.rng.choice(WORDS)} {spaced} {i}"
            c = f"body:synthetic-{slug(name)}"
            pools.bodies.append(c)
            pools.labels[c], pools.classes[c] = name, cls
            post = f"post:synthetic-head-of-{slug(name)}"
            pools.posts.append(post)
            pools.labels[post], pools.classes[post], pools.post_body[post] = f"Head of {name}", "Post", c
        for i in range(n_people):
            name = f"{self.rng.choice(FIRST)} {self.rng.choice(GIVEN)}-{self.rng.choice(GIVEN).lower()} {i}"
            c = f"person:synthetic-{slug(name)}"
            pools.people.append(c)
            pools.labels[c], pools.classes[c] = name, "Official"
        return pools

    # -- describing entities where they first appear -----------------------------------------------------------
    def mention(self, para: Para, pools: Pools, c: str) -> str:
        if c in pools.defined:
            return c
        pools.defined.add(c)
        label = pools.labels.get(c, c.split(":", 1)[1].replace("-", " "))
        cls = pools.classes.get(c)
        if cls:
            para.add(c, "a", f"gba:{cls}")
        para.add(c, "rdfs:label", lit(label))
        if cls == "Post":
            para.add(c, "org:postIn", self.mention(para, pools, pools.post_body[c]))
        elif c in pools.place_parent:
            para.add(c, "gba:locatedIn", self.mention(para, pools, pools.place_parent[c]))
            if cls in ("BoundaryControlPoint", "Port", "Bridge"):
                para.add(c, "gba:connectsTo", self.mention(para, pools, pools.place_parent[c]))
        elif c.startswith("body:") and cls:
            para.add(c, "gba:location", self.mention(para, pools, self.rng.choice(pools.places)))
            if cls in ("Department", "Ministry", "TaskForce") and len(pools.bodies) > 1:
                parent = self.rng.choice(pools.bodies)
                if parent != c:
                    para.add(c, "org:subOrganizationOf", self.mention(para, pools, parent))
        elif cls == "Official":
            post = self.rng.choice(pools.posts)
            para.add(c, "org:holds", self.mention(para, pools, post))
            para.add(c, "schema:honorificPrefix", lit(self.rng.choice(["Mr", "Ms", "Dr", "Professor"]), None))
        return c

    def pick(self, para: Para, pools: Pools, kind: str) -> str:
        return self.mention(para, pools, self.rng.choice(getattr(pools, kind)))

    def concept(self, kind: str, pools: Pools) -> str:
        return self.rng.choice(pools.concepts[kind])

    def date(self, year: int) -> str:
        """A calendar interval (``date:TOKEN``): a day, a month or a year."""
        r = self.rng.random()
        if r < 0.7:
            return self.day(year)
        token = f"{year}-{self.rng.randint(1, 12):02d}" if r < 0.9 else str(year)
        self.dates.add(token)
        return f"date:{token}"

    def day(self, year: int) -> str:
        token = f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
        self.dates.add(token)
        return f"date:{token}"

    def calendar(self) -> int:
        """Write the calendar intervals the synthetic data uses (those the bundled calendar lacks); their triples."""
        from gbagraph.calendar_dates import bounds, label, value

        bundled = set(re.findall(r"^date:(\S+) a ", (self.out / "ontology" / "calendar.ttl").read_text(encoding="utf-8"),
                                 re.MULTILINE)) if (self.out / "ontology" / "calendar.ttl").exists() else set()
        para = Para()
        for token in sorted(self.dates - bundled):
            s = f"<{PREFIXES['date']}{token}>"
            lo, hi = bounds(token)
            para.add(s, "a", "gba:CalendarInterval")
            para.add(s, "rdfs:label", lit(label(token)))
            if (v := value(token)) is not None:
                para.add(s, "gba:dateValue", typed(v[0], v[1]))
            para.add(s, "gba:earliest", typed(lo.isoformat(), "date"))
            para.add(s, "gba:latest", typed(hi.isoformat(), "date"))
        (self.out / "ontology" / "calendar-synthetic.ttl").write_text(para.text(), encoding="utf-8")
        return para.triples()

    # -- paragraphs ---------------------------------------------------------------------------------------------
    def meeting_paragraph(self, para: Para, pools: Pools, k: int, meeting: str, year: int) -> None:
        para.add(meeting, "a", "gba:Meeting")
        label = f"{k}th Plenary of the Hong Kong/Guangdong Co-operation Joint Conference"
        para.add(meeting, "rdfs:label", lit(label))
        para.add(meeting, "gba:partOfSeries", self.mention(para, pools, pools.series))
        para.add(meeting, "gba:ordinal", typed(k, "integer"))
        para.add(meeting, "gba:date", self.day(year))
        para.add(meeting, "gba:location", self.pick(para, pools, "places"))
        para.add(meeting, "gba:organizer", self.mention(para, pools, pools.bodies[0]))
        roles = [("coChair", "co-chair"), ("coChair", "co-chair"), ("specialGuest", "special-guest")]
        chairs: list[str] = []
        for i, (prop, role) in enumerate(roles):  # two different co-chairs (the series shape counts two)
            person = self.participation(para, pools, meeting, k, i, prop, role, avoid=chairs if prop == "coChair" else ())
            if prop == "coChair":
                chairs.append(person)

    def participation(self, para: Para, pools: Pools, meeting: str, k: int, i: int, prop: str, role: str,
                      avoid: Sequence[str] = ()) -> str:
        """One participation of a person not in ``avoid`` (drawn again on a clash only: the same bytes otherwise)."""
        chosen = self.rng.choice(pools.people)
        while chosen in avoid:
            chosen = self.rng.choice(pools.people)
        person = self.mention(para, pools, chosen)
        para.add(meeting, f"gba:{prop}", person)
        p = f"part:synthetic-plenary-{k}-{i:02d}"
        para.add(p, "a", "gba:Participation")
        para.add(p, "rdfs:label", lit(f"{pools.labels.get(person, person)} at plenary {k}"))
        para.add(p, "gba:meeting", meeting)
        para.add(p, "gba:participant", person)
        roles = [c for c in pools.concepts["role"] if c.endswith(role)] or pools.concepts["role"][:1]
        para.add(p, "gba:role", roles[0])
        para.add(p, "gba:inPost", self.pick(para, pools, "posts"))
        if self.rng.random() < 0.1:  # only where a source would say "Acting" (0.3.0: never "false" by default)
            para.add(p, "gba:acting", typed("true", "boolean"))
        if prop == "delegationMember":
            para.add(p, "gba:delegationOf", self.pick(para, pools, "bodies"))
        return person

    def statement_paragraph(self, para: Para, pools: Pools, k: int, n: int, year: int) -> None:
        s = f"stmt:synthetic-plenary-{k}-p{n:02d}"
        para.add(s, "a", "gba:Statement")
        para.add(s, "rdfs:label", lit(f"Remarks {n} at plenary {k}"))
        para.add(s, "dcterms:description", lit(f"A co-chair stressed {self.rng.choice(WORDS).lower()} co-operation "
                                                f"in the Greater Bay Area ({k}/{n})."))
        para.add(s, "gba:statedBy", self.pick(para, pools, "people"))
        para.add(s, "gba:cites", self.pick(para, pools, "people"))
        target = self.rng.choice(self.initiatives) if self.initiatives else self.pick(para, pools, "places")
        para.add(s, "gba:concerns", target)
        para.add(s, "gba:issuedDate", self.date(year))

    def visit_paragraph(self, para: Para, pools: Pools, k: int, year: int) -> None:
        v = f"meeting:synthetic-visit-before-plenary-{k}"
        para.add(v, "a", "gba:Visit")
        para.add(v, "rdfs:label", lit(f"Visit before plenary {k}"))
        para.add(v, "gba:ledBy", self.pick(para, pools, "people"))
        for _ in range(2):
            para.add(v, "gba:metWith", self.pick(para, pools, "people"))
            para.add(v, "gba:location", self.pick(para, pools, "places"))
        para.add(v, "gba:date", self.date(year))
        if self.initiatives:
            para.add(v, "gba:discussed", self.rng.choice(self.initiatives))

    def initiative_paragraph(self, para: Para, pools: Pools, k: int, n: int, year: int, area: str) -> None:
        cls = INITIATIVE_CLASSES[(k + n) % len(INITIATIVE_CLASSES)]
        name = f"{self.rng.choice(WORDS)} {self.rng.choice(WORDS)} {self.rng.choice(NOUNS)} {k}-{n}"
        i = f"init:{slug(name)}"
        para.add(i, "a", f"gba:{cls}")
        para.add(i, "rdfs:label", lit(name))
        para.add(i, "dcterms:description", lit(f"A {cls} reported at plenary {k}."))
        para.add(i, "gba:leadBody", self.pick(para, pools, "bodies"))
        para.add(i, "gba:partnerBody", self.pick(para, pools, "bodies"))
        para.add(i, "gba:location", self.pick(para, pools, "places"))
        para.add(i, "gba:status", self.concept("status", pools))
        para.add(i, "gba:cooperationArea", area)
        para.add(i, "gba:targetGroup", self.concept("audience", pools))
        para.add(i, "gba:topic", self.concept("topic", pools))
        para.add(i, "gba:startDate", self.date(year - self.rng.randint(0, 3)))
        if self.rng.random() < 0.5:
            para.add(i, "gba:plannedDate", self.date(year + 1))
        if self.documents:
            para.add(i, "gba:basedOn", self.rng.choice(self.documents))
        if self.initiatives and self.rng.random() < 0.3:
            para.add(i, "gba:partOf", self.rng.choice(self.initiatives))
        if cls == "CampusProject":
            inst = [b for b in pools.bodies if pools.classes.get(b) == "University"]
            if inst:
                para.add(i, "gba:institution", self.mention(para, pools, self.rng.choice(inst)))
        if cls == "InfrastructureProject":
            fac = [p for p in pools.places if pools.classes.get(p) in ("BoundaryControlPoint", "Port", "Bridge",
                                                                          "Airport")]
            if fac:
                para.add(i, "gba:facility", self.mention(para, pools, self.rng.choice(fac)))
        self.initiatives.append(i)
        m = f"init:{slug(name)}-milestone"
        para.add(m, "a", "gba:Milestone")
        para.add(m, "rdfs:label", lit(f"Milestone of {name}"))
        para.add(m, "gba:milestoneOf", i)
        para.add(m, "gba:date", self.date(year))

    def agreement_paragraph(self, para: Para, pools: Pools, k: int, n: int, meeting: str, year: int,
                            area: str) -> None:
        cls = AGREEMENT_CLASSES[(k + n) % len(AGREEMENT_CLASSES)]
        name = f"{self.rng.choice(WORDS)} Co-operation Agreement {k}-{n}"
        a = f"agreement:{slug(name)}"
        para.add(a, "a", f"gba:{cls}")
        para.add(a, "rdfs:label", lit(name))
        para.add(a, "gba:hongKongParty", self.pick(para, pools, "bodies"))
        para.add(a, "gba:guangdongParty", self.pick(para, pools, "bodies"))
        para.add(a, "gba:signatoryBody", self.pick(para, pools, "bodies"))
        para.add(a, "gba:signingDate", self.date(year))
        para.add(a, "gba:signedAfter", meeting)
        para.add(a, "gba:cooperationArea", area)
        if self.initiatives:
            para.add(a, "gba:concerns", self.rng.choice(self.initiatives))
        if self.agreements and self.rng.random() < 0.4:
            para.add(a, "gba:renews", self.rng.choice(self.agreements))
        self.agreements.append(a)

    def document_paragraph(self, para: Para, pools: Pools, k: int, n: int, year: int, area: str) -> None:
        cls = DOC_CLASSES[(k + n) % len(DOC_CLASSES)]
        name = f"{self.rng.choice(WORDS)} {cls} {k}-{n}"
        d = f"doc:{slug(name)}"
        para.add(d, "a", f"gba:{cls}")
        para.add(d, "rdfs:label", lit(name))
        para.add(d, "dcterms:publisher", self.pick(para, pools, "bodies"))
        para.add(d, "gba:implementedBy", self.pick(para, pools, "bodies"))
        para.add(d, "gba:issuedDate", self.date(year - 1))
        para.add(d, "gba:cooperationArea", area)
        self.documents.append(d)
        f = f"fig:{slug(name)}-figure"
        para.add(f, "a", "gba:Figure")
        para.add(f, "rdfs:label", lit(f"Figure reported for {name}"))
        para.add(f, "gba:value", typed(self.rng.randint(1, 100_000), "integer"))
        para.add(f, "gba:unitText", lit(self.rng.choice(UNITS), None))
        para.add(f, "gba:figureAbout", self.rng.choice(self.initiatives) if self.initiatives else d)
        para.add(f, "gba:reportedIn", d)
        para.add(f, "gba:date", self.date(year))
        if self.rng.random() < 0.3:
            para.add(f, "gba:approximate", typed("true", "boolean"))

    def delegation_paragraph(self, para: Para, pools: Pools, k: int, meeting: str) -> None:
        for i in range(3, 11):
            self.participation(para, pools, meeting, k, i, "delegationMember", "delegation-member")

    # -- one press release -------------------------------------------------------------------------------------
    def plenary(self, pools: Pools, k: int) -> int:
        slug_ = f"synthetic-plenary-{k}-press-release"
        folder = self.out / "data" / slug_
        folder.mkdir(parents=True, exist_ok=True)
        year = 1999 + k % 100  # the shapes accept years 1949-2100
        meeting = f"{SYNTHETIC_SERIES}-plenary-{k}"
        src_text = Para()
        source = f"source:{slug_}"
        title = f"{k}th Plenary of Hong Kong/Guangdong Co-operation Joint Conference held"
        for p, o in (("a", "gba:PressRelease"), ("rdfs:label", lit(title)),
                     ("dcterms:title", lit(title)), ("dcterms:issued", typed(f"{year}-03-22", "date")),
                     ("dcterms:language", lit("en", None)),
                     # a synthetic release has no web page: the gap is said, as the shapes ask
                     ("gba:notStatedInSources", "schema:url"),
                     ("gba:extentRead", lit("synthetic benchmark release: every paragraph generated")),
                     ("skos:editorialNote", lit("Synthetic text for benchmarks: no web page exists."))):
            src_text.add(source, p, o)
        written = 0
        publisher = pools.bodies[0]
        for n in range(1, PARAGRAPHS + 1):
            para = Para()
            area = pools.concepts["area"][(n - 5) % len(pools.concepts["area"])] if 5 <= n < PARAGRAPHS else None
            self.paragraph(para, pools, k, n, meeting, year, area)
            par = f"<{BASE}id/source/{slug_}/p{n:02d}>"
            for p, o in (("a", "gba:Paragraph"), ("rdfs:label", lit(f"Paragraph {n} of the release on plenary {k}")),
                         ("dcterms:isPartOf", source), ("gba:paragraphNumber", typed(n, "integer"))):
                src_text.add(par, p, o)
            if area:
                src_text.add(par, "gba:cooperationArea", area)
            (folder / f"p{n:02d}.ttl").write_text(para.text(), encoding="utf-8")
            # the loader adds one provenance triple per subject and one for the graph
            written += para.triples() + len(para.subjects) + 1
        src_text.add(source, "dcterms:publisher", publisher)
        (folder / "source.ttl").write_text(src_text.text(), encoding="utf-8")
        return written + src_text.triples()

    def paragraph(self, para: Para, pools: Pools, k: int, n: int, meeting: str, year: int, area: str | None) -> None:
        if n == 1:
            self.meeting_paragraph(para, pools, k, meeting, year)
        elif n == 2:
            self.statement_paragraph(para, pools, k, n, year)
        elif n == 3:
            self.visit_paragraph(para, pools, k, year)
        elif n == PARAGRAPHS:
            self.delegation_paragraph(para, pools, k, meeting)
        elif area is None:
            self.statement_paragraph(para, pools, k, n, year)
        else:
            kind = n % 4
            if kind == 0:
                self.agreement_paragraph(para, pools, k, n, meeting, year, area)
            elif kind == 1:
                self.document_paragraph(para, pools, k, n, year, area)
            else:
                self.initiative_paragraph(para, pools, k, n, year, area)

    def links(self, pools: Pools) -> int:
        para = Para()
        ls = "<" + BASE + "id/linkset/synthetic-wikidata>"
        para.add(ls, "a", "void:Linkset")
        para.add(ls, "rdfs:label", lit("Synthetic places to Wikidata (benchmark data)"))
        para.add(ls, "void:linkPredicate", "owl:sameAs")
        for i, place in enumerate(p for p in pools.places if p.startswith("place:synthetic-")):
            if place in pools.defined:
                para.add(place, "owl:sameAs", f"wd:Q{9_000_000 + i}")
        folder = self.out / "data" / "links"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "synthetic-wikidata.ttl").write_text(para.text(), encoding="utf-8")
        return para.triples()

    # -- whole project ------------------------------------------------------------------------------------------
    def run(self) -> dict[str, object]:
        if self.out.exists():
            shutil.rmtree(self.out)
        shutil.copytree(self.root / "ontology", self.out / "ontology")
        shutil.copytree(self.root / "data", self.out / "data")
        base_triples = count_triples(self.out)
        per_plenary = 1_150  # a first guess; corrected after the first few plenaries
        plenaries = max(0, (self.target - base_triples) // per_plenary)
        pools = self.make_pools(plenaries)
        written, k = 0, 0
        ordinals = iter(range(1, 1_000_000))  # ordinals in the synthetic series (the real ones are elsewhere)
        while base_triples + written < self.target:
            k = next(ordinals)
            written += self.plenary(pools, k)
            self.ordinals.append(k)
        links = self.links(pools) if self.ordinals else 0
        links += self.calendar()
        manifest = {"seed": self.seed, "target": self.target, "plenaries": len(self.ordinals),
                    "bundled_triples": base_triples, "synthetic_triples": written + links,
                    "asserted_triples_estimate": base_triples + written + links}
        (self.out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return manifest


def count_triples(root: Path) -> int:
    """Asserted triples (ontology + data + provenance) of a project folder, as the loader builds them."""
    from gbagraph.config import Settings
    from gbagraph.reference.loader import load

    bundle = load(Settings(root=root, validate=False, infer=False))
    return len(bundle.asserted())


def parse_scale(text: str) -> int:
    key = text.strip().lower()
    if key in SCALES:
        return SCALES[key]
    mult = {"k": 1_000, "m": 1_000_000}.get(key[-1:], 1)
    return int(float(key.rstrip("km")) * mult)


def generate(out: Path, scale: str | int, seed: int = 2023, root: Path = ROOT) -> dict[str, object]:
    """Write the synthetic project for ``scale`` (``"100k"`` or a number of triples) into ``out``."""
    target = scale if isinstance(scale, int) else parse_scale(scale)
    return Generator(out, target, seed, root).run()


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", help="10k, 100k, 1m or a number of triples")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args(list(argv) if argv is not None else None)
    print(json.dumps(generate(args.out, args.scale, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
