// Analytics: events are batched and sent with fetch (keepalive, JSON), and what is
// left when the page goes away is sent with sendBeacon (text/plain, no preflight).
// A small collector stands in for the server so the test can read every body,
// including the beacon's, which Playwright cannot show.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { BASE, launch, openPage, screenshots, ui, waitForStep } from "./helpers.mjs";

let browser;
let collector;
let received = [];

before(async () => {
  browser = await launch();
  collector = http.createServer((req, res) => {
    const cors = {
      "access-control-allow-origin": req.headers.origin ?? "*",
      "access-control-allow-headers": "content-type",
      "access-control-allow-methods": "POST",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors).end();
      return;
    }
    let body = "";
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => {
      received.push({ path: req.url, type: req.headers["content-type"], body: JSON.parse(body) });
      res.writeHead(202, { ...cors, "content-type": "application/json" }).end('{"accepted":1,"duplicates":0}');
    });
  });
  await new Promise((resolve) => collector.listen(0, "127.0.0.1", resolve));
});

after(async () => {
  await browser?.close();
  collector?.close();
});

const guide = {
  schema: 1, id: "counted", kind: "tour", title: "Counted", version: 3,
  match: { urls: ["/demo/lab/**"] }, start: "auto", frequency: "always",
  steps: [{ id: "a", title: "First" }, { id: "b", title: "Second" }],
};

test("events go out in batches with fetch, and with sendBeacon when the page is left", async () => {
  received = [];
  const server = `http://127.0.0.1:${collector.address().port}`;
  const { page, errors, context } = await openPage(browser, "/demo/lab/api.html");
  await page.evaluate(async ({ server, guide }) => {
    const waymark = await import("/sdk/waymark.js");
    waymark.init({ app: "demo", server, user: { id: "u-7" }, guides: [guide] });
  }, { server, guide });
  const shot = screenshots("analytics");
  await waitForStep(page, "First");
  await shot(page, "first");
  await ui(page).next.click();
  await waitForStep(page, "Second");
  await shot(page, "second");

  // The batch leaves about two seconds after its first event.
  for (let i = 0; i < 40 && received.length === 0; i += 1) await page.waitForTimeout(100);
  assert.equal(received.length, 1, "one batch");
  const [batch] = received;
  assert.equal(batch.path, "/v1/apps/demo/events");
  assert.equal(batch.type, "application/json");
  assert.equal(batch.body.user, "u-7");
  assert.deepEqual(batch.body.events.map((e) => e.kind), ["run_started", "step_shown", "step_completed", "step_shown"]);
  for (const e of batch.body.events) {
    assert.equal(e.guide, "counted");
    assert.equal(e.version, 3);
    assert.match(e.id, /^[0-9a-f]+\.\d+$/);
  }

  // Done, then leave at once: the last events ride on a beacon.
  await ui(page).next.click();
  await page.goto(`${BASE}/demo/lab/api.html?left=1`);
  for (let i = 0; i < 30 && received.length < 2; i += 1) await page.waitForTimeout(100);
  assert.equal(received.length, 2, "the beacon arrived");
  assert.match(received[1].type, /^text\/plain/);
  assert.deepEqual(received[1].body.events.map((e) => e.kind), ["step_completed", "run_completed"]);
  const ids = received.flatMap((r) => r.body.events.map((e) => e.id));
  assert.equal(new Set(ids).size, ids.length, "every event id is unique");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a server that refuses or cannot be reached leaves the page alone", async () => {
  const { page, errors, context } = await openPage(browser, "/demo/lab/api.html");
  await page.evaluate(async (guide) => {
    const waymark = await import("/sdk/waymark.js");
    waymark.init({ app: "demo", server: "http://127.0.0.1:9", guides: [guide] });
  }, guide);
  await waitForStep(page, "First");
  await page.waitForTimeout(2500);
  await ui(page).next.click();
  await waitForStep(page, "Second");
  assert.deepEqual(errors, []);
  await context.close();
});
