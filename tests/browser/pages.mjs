// Drives Debian's Chromium through kgql's pages as a person would, and checks them with axe-core.
// Usage: node pages.mjs http://127.0.0.1:PORT [SCREENSHOT_DIR]
// Prints one line per check; exits non-zero when one fails.
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = require("axe-core").source;

const base = process.argv[2].replace(/\/$/, "");
const shots = process.argv[3];
const failures = [];
const check = (what, ok, detail = "") => {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}${ok ? "" : ` ${detail}`}`);
  if (!ok) failures.push(what);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
// Pages run under their own Content-Security-Policy here: a script or style it blocks shows up
// as a console error.
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const elsewhere = [];
const consoleErrors = [];
page.on("request", (request) => {
  const url = request.url();
  if (!url.startsWith(base) && !url.startsWith("data:") && !url.startsWith("about:")) {
    elsewhere.push(url);
  }
});
page.on("console", (message) => {
  // The 404 page is itself a 404, which the console reports: expected there only.
  const expected = page.url().endsWith("/no/such/page") && message.text().includes("404");
  if (message.type() === "error" && !expected) consoleErrors.push(`${page.url()}: ${message.text()}`);
});
page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));

const visited = [];
const visit = async (path) => {
  const response = await page.goto(base + path);
  visited.push(path);
  return response;
};

try {
  // Home: search for ITU and land on its page.
  let response = await visit("/");
  check("the home page opens", response.status() === 200, String(response.status()));
  check(
    "the home page offers kinds of entity",
    (await page.locator("ul.cards li").count()) > 3,
  );
  if (shots) await page.screenshot({ path: `${shots}/home.png`, fullPage: true });
  await page.fill("input[type=search]", "ITU");
  await Promise.all([page.waitForURL(/\/search\?/), page.press("input[type=search]", "Enter")]);
  const first = page.locator("tbody tr td a").first();
  check("the search finds ITU first", (await first.getAttribute("href")) === "/id/org/itu");
  await Promise.all([page.waitForURL(/\/id\/org\/itu$/), first.click()]);
  check(
    "ITU's page opens from the results",
    (await page.locator("h1").innerText()).includes("International Telecommunication Union"),
  );
  check("ITU's page cites its sources", (await page.locator("#sources + p + ol li").count()) > 1);
  if (shots) await page.screenshot({ path: `${shots}/entity.png`, fullPage: false });

  // The picture of its relationships: drawn, expanded, filtered, followed.
  const nodes = page.locator("#picture g.node");
  const drawn = await nodes.count();
  check("ITU's relationships are drawn", drawn > 10, `${drawn} nodes`);
  check(
    "the picture's filter offers the relations",
    (await page.locator("#picture ul.key input[type=checkbox]").count()) > 3,
  );
  await page.locator("#picture g.node[data-iri$='/org/itu-t'] .expand").click();
  await page.waitForFunction(
    (before) => document.querySelectorAll("#picture g.node").length > before,
    drawn,
    { timeout: 10000 },
  );
  check("expanding a node draws its neighbours", (await nodes.count()) > drawn, `${await nodes.count()}`);
  if (shots) await page.locator("#picture").screenshot({ path: `${shots}/picture.png` });
  const lines = await page.locator("#picture line").count();
  await page.locator("#picture ul.key input[type=checkbox]").first().uncheck();
  check("a relation can be hidden", (await page.locator("#picture line").count()) < lines);
  // A node the script drew (its link goes through /go) leads to its page.
  const added = page.locator("#picture g.node:has(> a[href^='/go?'])").first();
  const label = await added.getAttribute("data-label");
  await Promise.all([page.waitForURL(/\/id\//), added.locator("> a").click()]);
  check(
    "a node of the picture leads to its page",
    (await page.locator("h1").innerText()) === label,
    `${label} → ${page.url()}`,
  );

  // How is the WIC connected to ITU?
  await visit("/id/org/wic");
  await page.fill("#connect-to", "ITU");
  await Promise.all([page.waitForURL(/\/connect\?/), page.click("form.connect button[type=submit]")]);
  const paths = page.locator("ol.paths li");
  check("the WIC's connections to ITU are found", (await paths.count()) > 0);
  check(
    "a path ends at ITU",
    (await paths.first().locator("a").last().getAttribute("href")) === "/id/org/itu",
  );
  check("the paths are drawn", (await page.locator("figure.paths line").count()) > 1);

  // Suggestions as you type.
  await visit("/");
  await page.locator("header input[type=search]").pressSequentially("Internat", { delay: 20 });
  await page.waitForFunction(
    () => document.querySelectorAll("header datalist option").length > 0,
    null,
    { timeout: 10000 },
  );
  check("the search box suggests entities", true);

  // The SPARQL editor: run an example and see the table.
  await visit("/sparql");
  check("the SPARQL editor opens", (await page.locator("textarea#query").count()) === 1);
  check("the query is in colour", (await page.locator(".editor.on pre span.tk-k").count()) > 0);
  await Promise.all([
    page.waitForURL(/\/sparql\?query=/),
    page.locator("main ul li a").first().click(),
  ]);
  const rows = await page.locator("main table tbody tr").count();
  check("an example query shows its answer as a table", rows > 0, `${rows} rows`);
  if (shots) await page.screenshot({ path: `${shots}/sparql.png`, fullPage: false });
  await page.fill("textarea#query", "SELECT ?label WHERE { <https://w3id.org/kgql/id/org/itu> <http://www.w3.org/2004/02/skos/core#altLabel> ?label }");
  await Promise.all([page.waitForURL(/\/sparql\?query=/), page.click("main form button[type=submit]")]);
  check(
    "a query typed in the editor is answered",
    (await page.locator("main table tbody").innerText()).includes("ITU"),
  );

  // GraphiQL: its documentation lists the schema's types.
  await visit("/graphql");
  await page.locator("button[aria-label='Show Documentation Explorer']").click();
  await page.locator(".graphiql-doc-explorer").getByText("Query", { exact: true }).first().click();
  await page
    .locator(".graphiql-doc-explorer")
    .getByText("organization", { exact: true })
    .first()
    .waitFor({ timeout: 15000 });
  check("GraphiQL's docs list the schema", true);

  // Not found: a page with a way home.
  response = await visit("/no/such/page");
  check("an unknown page is a 404 page", response.status() === 404);
  check("the 404 page links home", (await page.locator("a[href='/']").count()) > 0);

  check("no request left the server", elsewhere.length === 0, elsewhere.join(" "));
  check("the console shows no error", consoleErrors.length === 0, consoleErrors.join(" | "));

  // Accessibility: axe-core on each kind of page (injected past the pages' CSP).
  const audit = await browser.newContext({ bypassCSP: true });
  const auditPage = await audit.newPage();
  for (const path of ["/", "/search?q=itu", "/id/org/itu", "/connect?from=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fwic&to=ITU", "/sparql", "/sparql?query=ASK%20%7B%7D", "/no/such/page"]) {
    await auditPage.goto(base + path);
    await auditPage.addScriptTag({ content: axeSource });
    const result = await auditPage.evaluate(async () => await window.axe.run());
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    check(
      `axe finds nothing serious on ${path}`,
      serious.length === 0,
      JSON.stringify(serious.map((v) => ({ id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target) }))),
    );
  }
} catch (error) {
  check("the walk through the pages finished", false, String(error));
} finally {
  await browser.close();
}
if (failures.length) process.exit(1);
