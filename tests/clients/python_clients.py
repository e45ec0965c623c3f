"""Everyday Python SPARQL clients, with their default settings, against a running kgql.

Usage: python3 python_clients.py ENDPOINT (e.g. http://127.0.0.1:7878/sparql)

SPARQLWrapper in every return format it offers for SELECT, ASK, CONSTRUCT and DESCRIBE;
rdflib's SPARQLStore; and rdflib's JSON-LD processor reading the compacted JSON-LD back to the
same graph as Turtle gives. Prints one line per check and exits non-zero at the first failure.
"""

import io
import json
import sys
import urllib.parse
import urllib.request

import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

ENDPOINT = sys.argv[1]
ITU = "https://w3id.org/kgql/id/org/itu"
PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
SELECT = PREFIXES + f"SELECT ?p ?o WHERE {{ <{ITU}> ?p ?o }} ORDER BY ?p ?o"
CONSTRUCT = PREFIXES + f"CONSTRUCT {{ <{ITU}> ?p ?o }} WHERE {{ <{ITU}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{ITU}>"


def check(what, condition, detail=""):
    if not condition:
        print(f"FAILED: {what} {detail}")
        sys.exit(1)
    print(f"ok: {what}")


def wrapper(query, return_format):
    client = SPARQLWrapper(ENDPOINT)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client.query()


# The reference answer, as plain HTTP with the protocol's own media type.
reference = wrapper(SELECT, JSON).convert()
rows = len(reference["results"]["bindings"])
check("SELECT as JSON", rows > 5, f"({rows} rows)")

for name, return_format in [("XML", XML), ("CSV", CSV), ("TSV", TSV)]:
    result = wrapper(SELECT, return_format)
    converted = result.convert()
    if return_format == XML:
        count = len(converted.getElementsByTagName("result"))
    else:
        text = converted.decode("utf-8") if isinstance(converted, bytes) else converted
        count = len([line for line in text.splitlines() if line.strip()]) - 1
    check(f"SELECT as {name}", count == rows, f"({count} rows, expected {rows})")

ask = wrapper(PREFIXES + f"ASK {{ <{ITU}> a org:Organization }}", JSON).convert()
check("ASK as JSON", ask.get("boolean") is True, str(ask))
ask = wrapper(PREFIXES + f"ASK {{ <{ITU}> a org:Organization }}", XML).convert()
check("ASK as XML", "true" in ask.toxml())

expected = rdflib.Graph()
expected.parse(data=wrapper(CONSTRUCT, TURTLE).convert(), format="turtle")
check("CONSTRUCT as Turtle", len(expected) > 5, f"({len(expected)} triples)")

for name, return_format in [("N3", N3), ("RDF/XML", RDFXML), ("XML", XML), ("JSON-LD", JSONLD)]:
    converted = wrapper(CONSTRUCT, return_format).convert()
    if isinstance(converted, rdflib.Graph):
        graph = converted
    else:
        graph = rdflib.Graph()
        data = converted.decode("utf-8") if isinstance(converted, bytes) else converted
        graph.parse(data=data, format="json-ld" if return_format == JSONLD else "n3")
    check(
        f"CONSTRUCT as {name}",
        isomorphic(graph, expected),
        f"({len(graph)} triples, expected {len(expected)})",
    )

# DESCRIBE answers a set: no statement twice.
described = wrapper(DESCRIBE, TURTLE).convert()
described_graph = rdflib.Graph()
described_graph.parse(data=described, format="turtle")
check("DESCRIBE as Turtle", len(described_graph) >= len(expected))
request = urllib.request.Request(
    ENDPOINT + "?query=" + urllib.parse.quote(DESCRIBE),
    headers={"Accept": "application/n-triples"},
)
with urllib.request.urlopen(request) as response:
    lines = [line for line in response.read().decode("utf-8").splitlines() if line.strip()]
check("DESCRIBE answers each statement once", len(lines) == len(set(lines)) > 5, f"({len(lines)} lines, {len(set(lines))} distinct)")

# rdflib's SPARQL store, as a notebook would use it.
store = rdflib.Graph(store=SPARQLStore(ENDPOINT))
labels = list(
    store.query(PREFIXES + f"SELECT ?label WHERE {{ <{ITU}> skos:prefLabel ?label }}")
)
check("rdflib SPARQLStore SELECT", len(labels) >= 1, str(labels))
constructed = store.query(CONSTRUCT).graph
check(
    "rdflib SPARQLStore CONSTRUCT",
    isomorphic(constructed, expected),
    f"({len(constructed)} triples)",
)

# Compacted JSON-LD: readable as plain JSON (a context, compact IRIs), and a JSON-LD
# processor reads it back to the same graph.
request = urllib.request.Request(
    ENDPOINT + "?query=" + urllib.parse.quote(CONSTRUCT),
    headers={"Accept": "application/ld+json"},
)
with urllib.request.urlopen(request) as response:
    document = json.load(response)
check("JSON-LD has a @context", isinstance(document.get("@context"), dict), str(document)[:200])
node = next(n for n in document["@graph"] if n.get("@id") == ITU)
check("JSON-LD types are compact IRIs", "org:Organization" in json.dumps(node.get("@type")), str(node)[:300])
check("JSON-LD keys are compact IRIs", any(key.startswith("skos:") for key in node), str(node)[:300])
graph = rdflib.Graph()
graph.parse(data=json.dumps(document), format="json-ld")
check("JSON-LD reads back to the same graph", isomorphic(graph, expected), f"({len(graph)} triples)")

request = urllib.request.Request(
    ENDPOINT + "?query=" + urllib.parse.quote(CONSTRUCT),
    headers={"Accept": 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"'},
)
with urllib.request.urlopen(request) as response:
    expanded = json.load(response)
check("expanded JSON-LD has no @context", "@context" not in json.dumps(expanded))
graph = rdflib.Graph()
graph.parse(data=json.dumps(expanded), format="json-ld")
check("expanded JSON-LD reads back to the same graph", isomorphic(graph, expected))
