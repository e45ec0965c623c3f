#!/usr/bin/env python3
"""Independent checks of the kgql ontology, shapes, seed graph and competency questions.

Run from anywhere:  python3 tests/check_ontology.py
Exits non-zero when any check fails. Needs rdflib and pyshacl; uses rapper (raptor2-utils)
for a second opinion on syntax when it is installed.

Checks:
  1. syntax: the three ontology files (and the invalid test file) parse, with rapper too;
  2. layout: seed.trig has no default-graph triples; every named graph is described in the
     sources graph (title, prov:Entity) and every described source has its graph;
  3. IRIs: entity IRIs follow https://w3id.org/kgql/id/<kind>/<kebab-case-slug>;
  4. vocabulary: every class and property the seed uses is declared in kgql.ttl; every kg: term
     has a label and a comment; kg: classes and most kg: properties link to standard terms;
  5. materialisation: within each graph, every instance carries all the super-classes of its
     types, every kg: sub-property triple carries its super-property triple, and both
     directions of declared inverse properties are present;
  6. labels: every entity has exactly one English skos:prefLabel and one English rdfs:label
     with the same text; preferred and alternative labels do not overlap;
  7. shapes: every shape's target class is used by the seed and every class the seed uses has a
     shape; SHACL validation of the seed conforms, and the invalid file fails on exactly the
     focus nodes listed next to it;
  8. competency questions: every tests/competency/*.rq returns exactly the rows of its .tsv,
     over a dataset laid out as the server lays it out (ontology and shapes in their own graphs,
     default graph = union of all graphs); with rdflib, and with Oxigraph too when the
     pyoxigraph package is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyshacl
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "kgql.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
SEED = ROOT / "ontology" / "seed.trig"
INVALID = ROOT / "tests" / "data" / "invalid-seed-violation.trig"
INVALID_EXPECTED = ROOT / "tests" / "data" / "invalid-seed-violation.expected"
COMPETENCY = ROOT / "tests" / "competency"

ONTOLOGY_GRAPH = URIRef("https://w3id.org/kgql/ontology")
SHAPES_GRAPH = URIRef("https://w3id.org/kgql/shapes")
ID = "https://w3id.org/kgql/id/"
KG = "https://w3id.org/kgql/ontology#"
SOURCES_GRAPH = URIRef(ID + "graph/sources")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")

KINDS = ("org|person|post|membership|event|series|initiative|plan|document|report|place|"
         "concept|meeting|source|graph")
ENTITY_IRI = re.compile(rf"^{re.escape(ID)}({KINDS})/[a-z0-9]+(-[a-z0-9]+)*$")
DECLARATION_TYPES = {OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                     OWL.AnnotationProperty, RDF.Property}
# Built-in terms that are not declared in the ontology file.
UNDECLARED_OK = {RDF.type}

problems: list[str] = []


def problem(message: str) -> None:
    problems.append(message)
    print(f"  FAIL {message}")


def section(title: str) -> None:
    print(f"\n== {title}")


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

def load_seed() -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    dataset.parse(SEED, format="trig")
    return dataset


def named_graphs(dataset: rdflib.Dataset) -> dict[URIRef, rdflib.Graph]:
    graphs = {}
    for context in dataset.graphs():
        if context.identifier == rdflib.graph.DATASET_DEFAULT_GRAPH_ID:
            continue
        if len(context):
            graphs[context.identifier] = context
    return graphs


def union(dataset: rdflib.Dataset, *extra: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    for path in extra:
        graph.parse(path, format="turtle")
    return graph


# ---------------------------------------------------------------------------------------------
# 1. Syntax
# ---------------------------------------------------------------------------------------------

def check_syntax() -> None:
    section("syntax")
    files = [(ONTOLOGY, "turtle"), (SHAPES, "turtle"), (SEED, "trig"), (INVALID, "trig")]
    rapper = shutil.which("rapper")
    if rapper is None:
        print("  note: rapper not installed, rdflib parsing only")
    for path, syntax in files:
        try:
            if syntax == "trig":
                rdflib.Dataset().parse(path, format="trig")
            else:
                rdflib.Graph().parse(path, format="turtle")
        except Exception as error:  # noqa: BLE001 - report any parser failure
            problem(f"{path.name}: rdflib cannot parse it: {error}")
            continue
        if rapper:
            run = subprocess.run([rapper, "-i", syntax, "-c", str(path)],
                                 capture_output=True, text=True, check=False)
            noise = [line for line in run.stderr.splitlines()
                     if "error" in line.lower() or "warning" in line.lower()]
            if run.returncode != 0 or noise:
                problem(f"{path.name}: rapper reports: {' | '.join(noise) or run.stderr.strip()}")
        print(f"  ok   {path.name}")


# ---------------------------------------------------------------------------------------------
# 2. Graph layout and provenance
# ---------------------------------------------------------------------------------------------

def check_layout(dataset: rdflib.Dataset, graphs: dict[URIRef, rdflib.Graph]) -> None:
    section("graph layout")
    default = dataset.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    if len(default):
        problem(f"seed.trig has {len(default)} triples in the default graph")
    sources = graphs.get(SOURCES_GRAPH)
    if sources is None:
        problem("no sources graph")
        return
    for name in graphs:
        if (name, DCTERMS.title, None) not in sources:
            problem(f"graph {name} has no dcterms:title in the sources graph")
        if (name, RDF.type, PROV.Entity) not in sources:
            problem(f"graph {name} is not described as a prov:Entity in the sources graph")
    for described in sources.subjects(RDF.type, PROV.Entity):
        if str(described).startswith(ID + "source/") and described not in graphs:
            problem(f"source {described} is described but has no graph")
    for name, graph in sorted(graphs.items()):
        print(f"  {len(graph):5d} triples  {name}")


# ---------------------------------------------------------------------------------------------
# 3. IRI scheme
# ---------------------------------------------------------------------------------------------

def check_iris(graph: rdflib.Graph) -> None:
    section("IRI scheme")
    seen = set()
    for s, p, o in graph:
        for term in (s, o):
            if isinstance(term, URIRef) and str(term).startswith(ID) and term not in seen:
                seen.add(term)
                if not ENTITY_IRI.match(str(term)):
                    problem(f"IRI outside the scheme: {term}")
    print(f"  {len(seen)} entity IRIs checked")


# ---------------------------------------------------------------------------------------------
# 4. Vocabulary
# ---------------------------------------------------------------------------------------------

def declared_terms(ontology: rdflib.Graph) -> set[URIRef]:
    return {s for s, _, o in ontology.triples((None, RDF.type, None)) if o in DECLARATION_TYPES}


def classes_used(graph: rdflib.Graph) -> set[URIRef]:
    return {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}


def check_vocabulary(ontology: rdflib.Graph, seed: rdflib.Graph) -> None:
    section("vocabulary")
    declared = declared_terms(ontology)
    used_properties = {p for p in seed.predicates()} - UNDECLARED_OK
    for term in sorted(used_properties | classes_used(seed)):
        if term not in declared:
            problem(f"{term} is used by the seed but not declared in kgql.ttl")
    kg_terms = sorted(t for t in declared if str(t).startswith(KG))
    for term in kg_terms:
        if not list(ontology.objects(term, RDFS.label)):
            problem(f"{term} has no rdfs:label")
        if not list(ontology.objects(term, RDFS.comment)):
            problem(f"{term} has no rdfs:comment")
        if (term, RDF.type, OWL.Class) in ontology:
            if not any(not str(sup).startswith(KG) for sup in ontology.objects(term, RDFS.subClassOf)):
                problem(f"{term} is not a subclass of a standard class")
    unused = [t for t in kg_terms if t not in used_properties and t not in classes_used(seed)]
    for term in unused:
        problem(f"{term} is declared but the seed does not use it")
    print(f"  {len(declared)} declared terms, {len(kg_terms)} of them kg:")


# ---------------------------------------------------------------------------------------------
# 5. Materialisation
# ---------------------------------------------------------------------------------------------

def closure(ontology: rdflib.Graph, relation: URIRef, term: URIRef) -> set[URIRef]:
    result, todo = set(), [term]
    while todo:
        for parent in ontology.objects(todo.pop(), relation):
            if parent not in result:
                result.add(parent)
                todo.append(parent)
    return result


def check_materialisation(ontology: rdflib.Graph, graphs: dict[URIRef, rdflib.Graph]) -> None:
    section("materialisation (per graph)")
    inverses = set()
    for a, _, b in ontology.triples((None, OWL.inverseOf, None)):
        inverses.add((a, b))
        inverses.add((b, a))
    sub_properties = {p: closure(ontology, RDFS.subPropertyOf, p)
                      for p in ontology.subjects(RDFS.subPropertyOf, None)}
    count = 0
    for name, graph in graphs.items():
        for s, _, cls in graph.triples((None, RDF.type, None)):
            for sup in closure(ontology, RDFS.subClassOf, cls):
                count += 1
                if (s, RDF.type, sup) not in graph:
                    problem(f"{s} is a {cls} but not a {sup} in graph {name}")
        for s, p, o in graph:
            for sup in sub_properties.get(p, ()):
                count += 1
                if (s, sup, o) not in graph:
                    problem(f"{s} {p} {o} lacks its super-property {sup} in graph {name}")
            for a, b in inverses:
                if p == a:
                    count += 1
                    if (o, b, s) not in graph:
                        problem(f"{s} {p} {o} lacks its inverse {b} in graph {name}")
    print(f"  {count} entailments checked")


# ---------------------------------------------------------------------------------------------
# 6. Labels
# ---------------------------------------------------------------------------------------------

def check_labels(seed: rdflib.Graph) -> None:
    section("labels")
    entities = {s for s in seed.subjects(RDF.type, None) if isinstance(s, URIRef)}
    for entity in sorted(entities):
        pref_en = [l for l in seed.objects(entity, SKOS.prefLabel) if l.language == "en"]
        rdfs_en = [l for l in seed.objects(entity, RDFS.label) if getattr(l, "language", None) == "en"]
        if len(pref_en) != 1:
            problem(f"{entity} has {len(pref_en)} English skos:prefLabel")
        if len(rdfs_en) != 1:
            problem(f"{entity} has {len(rdfs_en)} English rdfs:label")
        if len(pref_en) == 1 and len(rdfs_en) == 1 and str(pref_en[0]) != str(rdfs_en[0]):
            problem(f"{entity}: skos:prefLabel and rdfs:label differ")
        prefs = set(seed.objects(entity, SKOS.prefLabel))
        alts = set(seed.objects(entity, SKOS.altLabel))
        for clash in prefs & alts:
            problem(f"{entity}: {clash!r} is both preferred and alternative label")
    print(f"  {len(entities)} entities checked")


# ---------------------------------------------------------------------------------------------
# 7. Shapes
# ---------------------------------------------------------------------------------------------

def focus_nodes(report: rdflib.Graph) -> set[str]:
    return {str(n) for n in report.objects(None, SH.focusNode)}


def check_shapes(ontology: rdflib.Graph, seed_dataset: rdflib.Dataset, seed: rdflib.Graph) -> None:
    section("shapes")
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    targets = set(shapes.objects(None, SH.targetClass))
    used = classes_used(seed)
    for cls in sorted(targets - used):
        problem(f"a shape targets {cls}, which the seed does not use")
    for cls in sorted(used - targets):
        problem(f"the seed uses {cls}, which no shape targets")
    declared = declared_terms(ontology)
    for path in shapes.objects(None, SH.path):
        if isinstance(path, URIRef) and path not in declared and path not in UNDECLARED_OK:
            problem(f"shapes use the undeclared property {path}")
    print(f"  {len(set(shapes.subjects(RDF.type, SH.NodeShape)))} node shapes, {len(targets)} target classes")

    data = union(seed_dataset, ONTOLOGY)
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    print(f"  seed: Conforms: {conforms}")
    if not conforms:
        problem("the seed graph does not conform to the shapes:\n" + text)

    invalid = rdflib.Dataset()
    invalid.parse(SEED, format="trig")
    invalid.parse(INVALID, format="trig")
    data = union(invalid, ONTOLOGY)
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    expected = {line.strip() for line in INVALID_EXPECTED.read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    found = focus_nodes(report)
    print(f"  invalid file: Conforms: {conforms}; focus nodes: {sorted(found)}")
    if conforms:
        problem("the invalid file conforms")
    if found != expected:
        problem(f"the invalid file reports focus nodes {sorted(found)}, expected {sorted(expected)}")


# ---------------------------------------------------------------------------------------------
# 8. Competency questions
# ---------------------------------------------------------------------------------------------

def server_like_dataset() -> rdflib.Dataset:
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(SEED, format="trig")
    dataset.graph(ONTOLOGY_GRAPH).parse(ONTOLOGY, format="turtle")
    dataset.graph(SHAPES_GRAPH).parse(SHAPES, format="turtle")
    return dataset


def escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def term_to_tsv(term) -> str:
    """A term in the SPARQL 1.1 TSV results syntax (N-Triples terms); '' when unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        if term.language:
            return f'"{escape(str(term))}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{escape(str(term))}"^^<{term.datatype}>'
        return f'"{escape(str(term))}"'
    raise TypeError(term)


NUMBER = re.compile(r"^[+-]?\d+$")


def normalise_tsv_term(text: str) -> str:
    """Accepts the abbreviated forms TSV allows for numbers and booleans."""
    if NUMBER.match(text):
        return f'"{text}"^^<{XSD.integer}>'
    if text in ("true", "false"):
        return f'"{text}"^^<{XSD.boolean}>'
    if re.match(r"^[+-]?\d*\.\d+$", text):
        return f'"{text}"^^<{XSD.decimal}>'
    return text


def read_expected(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].strip() in ("true", "false") and len(lines) == 1:
        return lines[0].strip() == "true"
    header = [v.lstrip("?$") for v in lines[0].split("\t")]
    rows = Counter()
    for line in lines[1:]:
        if not line:
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise ValueError(f"{path.name}: row has {len(cells)} cells, header {len(header)}: {line!r}")
        rows[tuple(sorted(zip(header, (normalise_tsv_term(c) for c in cells))))] += 1
    return header, rows


def check_competency() -> None:
    section("competency questions")
    dataset = server_like_dataset()
    queries = sorted(COMPETENCY.glob("*.rq"))
    if not queries:
        problem("no competency questions")
    for query_path in queries:
        expected_path = query_path.with_suffix(".tsv")
        text = query_path.read_text(encoding="utf-8")
        if not re.search(r"^# Q: ", text, re.M) or not re.search(r"^# Source: ", text, re.M):
            problem(f"{query_path.name}: needs '# Q:' and '# Source:' comment lines")
        if not expected_path.exists():
            problem(f"{query_path.name}: no {expected_path.name}")
            continue
        result = dataset.query(text)
        expected = read_expected(expected_path)
        if result.type == "ASK":
            if not isinstance(expected, bool):
                problem(f"{query_path.name}: ASK query but the .tsv is not true/false")
            elif bool(result.askAnswer) != expected:
                problem(f"{query_path.name}: answered {result.askAnswer}, expected {expected}")
            else:
                print(f"  ok   {query_path.name}")
            continue
        header, rows = expected
        variables = [str(v) for v in result.vars]
        if variables != header:
            problem(f"{query_path.name}: projects {variables}, .tsv header has {header}")
        got = Counter()
        for row in result:
            cells = [(v, term_to_tsv(row[v])) for v in variables]
            if any(c.startswith("_:") for _, c in cells):
                problem(f"{query_path.name}: a blank node is returned")
            got[tuple(sorted(cells))] += 1
        if got != rows:
            missing = rows - got
            extra = got - rows
            problem(f"{query_path.name}: rows differ\n    missing: {dict(missing)}\n    unexpected: {dict(extra)}")
        else:
            print(f"  ok   {query_path.name} ({sum(rows.values())} rows)")


def check_competency_oxigraph() -> None:
    """The same questions on Oxigraph, the engine the server embeds, if pyoxigraph is present."""
    try:
        import pyoxigraph as ox
    except ImportError:
        print("\n  note: pyoxigraph not installed, competency questions checked with rdflib only")
        return
    section("competency questions on Oxigraph")
    store = ox.Store()
    store.load(path=str(SEED), format=ox.RdfFormat.TRIG)
    store.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)))
    store.load(path=str(SHAPES), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(SHAPES_GRAPH)))
    for query_path in sorted(COMPETENCY.glob("*.rq")):
        expected = read_expected(query_path.with_suffix(".tsv"))
        result = store.query(query_path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            if bool(result) != expected:
                problem(f"Oxigraph: {query_path.name}: answered {bool(result)}, expected {expected}")
            continue
        lines = result.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8").splitlines()
        header = [v.lstrip("?") for v in lines[0].split("\t")]
        got = Counter(tuple(sorted(zip(header, (normalise_tsv_term(c) for c in line.split("\t")))))
                      for line in lines[1:] if line)
        if header != expected[0] or got != expected[1]:
            problem(f"Oxigraph: {query_path.name}: rows differ from the .tsv")
    print(f"  {len(list(COMPETENCY.glob('*.rq')))} questions run")


def main() -> int:
    check_syntax()
    ontology = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    seed_dataset = load_seed()
    graphs = named_graphs(seed_dataset)
    seed = union(seed_dataset)
    check_layout(seed_dataset, graphs)
    check_iris(seed)
    check_vocabulary(ontology, seed)
    check_materialisation(ontology, graphs)
    check_labels(seed)
    check_shapes(ontology, seed_dataset, seed)
    check_competency()
    check_competency_oxigraph()
    print()
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
