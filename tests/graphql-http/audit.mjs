#!/usr/bin/env node
// Runs graphql-http's server audits (the GraphQL over HTTP specification's checks) against a
// running GraphQL endpoint and prints one line per audit.
//
//   node tests/graphql-http/audit.mjs http://127.0.0.1:PORT/graphql
//
// Exit status: 0 when every MUST and SHOULD audit passed, 1 when one of them did not (or the
// endpoint could not be reached), 2 on a usage error. MAY audits are reported but never fail the run.
// The time allowed for each request is AUDIT_TIMEOUT_MS milliseconds (default 10000).

import { serverAudits } from 'graphql-http';

const USAGE = 'usage: node tests/graphql-http/audit.mjs http://127.0.0.1:PORT/graphql';
const EXCERPT_CHARS = 300;

function parseArgs(argv) {
  if (argv.length !== 1 || argv[0] === '-h' || argv[0] === '--help') {
    return null;
  }
  try {
    const url = new URL(argv[0]);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

const url = parseArgs(process.argv.slice(2));
if (url === null) {
  console.error(USAGE);
  process.exit(2);
}

const timeoutMs = Number(process.env.AUDIT_TIMEOUT_MS ?? 10000);
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
  console.error(`AUDIT_TIMEOUT_MS must be a positive number of milliseconds, not ${process.env.AUDIT_TIMEOUT_MS}`);
  process.exit(2);
}

// Node's fetch, with a time limit on every request so that a hanging server fails the run.
function fetchFn(input, init = {}) {
  return fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

// The requirement level an audit's name starts with: MUST, SHOULD or MAY.
function levelOf(name) {
  const level = name.split(' ', 1)[0];
  return ['MUST', 'SHOULD', 'MAY'].includes(level) ? level : 'MAY';
}

function describeError(err) {
  const parts = [err?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String(err?.message ?? err)];
  for (let cause = err?.cause; cause; cause = cause.cause) {
    parts.push(cause.code ? `${cause.code}: ${cause.message}` : String(cause.message ?? cause));
  }
  return parts.join(' <- ');
}

function oneLine(text) {
  return text.replace(/\s+/g, ' ').trim();
}

// What the server answered, as far as the audit left it readable.
async function responseExcerpt(response) {
  if (!response || typeof response.status !== 'number') {
    return null;
  }
  const type = response.headers?.get?.('content-type') ?? '(none)';
  let body;
  if (response.bodyUsed) {
    body = '(body already read by the audit)';
  } else {
    try {
      const text = await response.text();
      body = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
      body = JSON.stringify(oneLine(body));
    } catch (err) {
      body = `(body unreadable: ${describeError(err)})`;
    }
  }
  return `status ${response.status}, content-type ${type}, body ${body}`;
}

// How graphql-http rates a failed audit of each level.
const STATUS_OF_FAILED = { MUST: 'error', SHOULD: 'warn', MAY: 'notice' };

const counts = { ok: 0, warn: 0, error: 0, notice: 0 };
let audits = 0;
let requestFailures = 0;
let firstRequestFailure = null;
const failures = { MUST: 0, SHOULD: 0, MAY: 0 };

console.log(`graphql-http server audits against ${url}`);
for (const audit of serverAudits({ url, fetchFn })) {
  const level = levelOf(audit.name);
  audits += 1;
  let result;
  try {
    result = await audit.fn();
  } catch (err) {
    // graphql-http throws only when the request itself failed (refused, reset, timed out); such a
    // failure is rated like a failed assertion of the audit's level.
    const reason = `request failed: ${describeError(err)}`;
    firstRequestFailure ??= describeError(err);
    requestFailures += 1;
    result = { id: audit.id, name: audit.name, status: STATUS_OF_FAILED[level], reason };
  }
  counts[result.status] = (counts[result.status] ?? 0) + 1;
  if (result.status === 'ok') {
    console.log(`ok     ${audit.id} ${audit.name}`);
    continue;
  }
  failures[level] += 1;
  console.log(`${result.status.padEnd(6)} ${audit.id} ${audit.name}: ${result.reason}`);
  const excerpt = await responseExcerpt(result.response);
  if (excerpt) {
    console.log(`         response: ${excerpt}`);
  }
}

if (requestFailures === audits) {
  console.log(`cannot reach ${url}: every request failed (${firstRequestFailure})`);
}
console.log(
  `graphql-http audits: ${counts.ok} ok, ${counts.warn} warn, ${counts.error} error, ${counts.notice} notice ` +
    `(MUST failures: ${failures.MUST}, SHOULD failures: ${failures.SHOULD}, MAY not met: ${failures.MAY})`,
);
process.exit(failures.MUST + failures.SHOULD > 0 ? 1 : 0);
