// Apollo Client with its persisted-queries link, default settings but for GETs of hashed
// queries: the first run of a query sends its hash alone, is told PersistedQueryNotFound and
// sends the text with it; the second sends the hash alone, by GET, and is answered.
// Usage: node apq.mjs http://host:port/graphql
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries/index.js";

const endpoint = process.argv[2];
const failures = [];
const check = (what, ok, detail = "") => {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}${ok ? "" : ` ${detail}`}`);
  if (!ok) failures.push(what);
};

// What the client sent: method, whether the text was in it.
const sent = [];
const recordingFetch = (uri, options) => {
  const hasText = options.method === "GET" ? new URL(uri).searchParams.has("query") : JSON.parse(options.body).query !== undefined;
  sent.push({ method: options.method, hasText });
  return fetch(uri, options);
};

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
  new HttpLink({ uri: endpoint, fetch: recordingFetch }),
);
const query = gql`
  query Itu {
    organization(iri: "https://w3id.org/kgql/id/org/itu") {
      label
    }
  }
`;
const run = async () => {
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  const result = await client.query({ query, fetchPolicy: "no-cache" });
  return result.data?.organization?.label;
};

const first = await run();
check("the first run is answered", first === "International Telecommunication Union", first);
check(
  "the first run sent the hash alone, then the text",
  sent.length === 2 && !sent[0].hasText && sent[1].hasText,
  JSON.stringify(sent),
);
sent.length = 0;
const second = await run();
check("the second run is answered", second === first, second);
check(
  "the second run sent the hash alone, by GET",
  sent.length === 1 && sent[0].method === "GET" && !sent[0].hasText,
  JSON.stringify(sent),
);
process.exit(failures.length === 0 ? 0 : 1);
