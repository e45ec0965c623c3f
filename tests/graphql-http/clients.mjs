// GraphQL clients with their default settings against a running kgql:
// graphql-js's standard introspection query with every option on, read by buildClientSchema,
// and the get-graphql-schema download tool. Usage: node clients.mjs http://host:port/graphql
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import {
  buildClientSchema,
  getIntrospectionQuery,
  parse,
  printSchema,
  validate,
} from "graphql";

const endpoint = process.argv[2];
const failures = [];
const check = (what, ok, detail = "") => {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}${ok ? "" : ` ${detail}`}`);
  if (!ok) failures.push(what);
};

const query = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});
const response = await fetch(endpoint, {
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/json" },
  body: JSON.stringify({ query }),
});
const body = await response.json();
check("introspection answered", response.ok && !body.errors, JSON.stringify(body.errors));
const schema = buildClientSchema(body.data);
const sdl = printSchema(schema);
check("buildClientSchema reads it", sdl.includes("type Organization"), sdl.slice(0, 200));
const errors = validate(
  schema,
  parse(`{ organization(iri: "https://w3id.org/kgql/id/org/itu") { label subOrganizations(first: 5) { nodes { label } } } }`),
);
check("a query validates against the client schema", errors.length === 0, JSON.stringify(errors));

const here = path.dirname(fileURLToPath(import.meta.url));
const tool = path.join(here, "node_modules", ".bin", "get-graphql-schema");
let downloaded = "";
try {
  downloaded = execFileSync(tool, [endpoint], { encoding: "utf8" });
} catch (error) {
  downloaded = String(error);
}
check("get-graphql-schema downloads the schema", downloaded.includes("type Organization"), downloaded.slice(0, 300));

if (failures.length) {
  process.exit(1);
}
