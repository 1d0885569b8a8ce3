// End-to-end smoke tests: real Chromium against a running `waymark serve`.
// Run by `./build.sh test`, which starts the server and sets WAYMARK_URL.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const BASE = process.env.WAYMARK_URL ?? "http://127.0.0.1:8080";

// Without the background-networking flags Chromium keeps dialling out.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
});

/** A fresh page that fails the test on any uncaught script error. */
async function openPage(path) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(BASE + path);
  return { page, errors };
}

describe("server", () => {
  test("answers the health check", async () => {
    const res = await fetch(`${BASE}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
  });

  test("serves the demo app's guide catalog", async () => {
    const res = await fetch(`${BASE}/v1/apps/demo/guides`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.app, "demo");
    assert.ok(body.guides.some((g) => g.id === "raise-requisition"));
  });

  test("serves the SDK, whose wasm URL (read from the glue) answers as application/wasm", async () => {
    const glue = await (await fetch(`${BASE}/sdk/waymark.js`)).text();
    // The glue is minified (build.sh): either quote, no space.
    const wasm = glue.match(/new URL\(["']([^"']+\.wasm)["'],\s*import\.meta\.url\)/)?.[1];
    assert.ok(wasm, "the glue names its wasm");
    const res = await fetch(new URL(wasm, `${BASE}/sdk/waymark.js`));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/wasm");
  });

  test("answers every route of the demo app with the app (full page loads work)", async () => {
    for (const path of ["/demo/", "/demo/requisitions/new", "/demo/approvals", "/demo/suppliers/acme"]) {
      const res = await fetch(`${BASE}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(await res.text(), /<title>Acme Purchasing<\/title>/, path);
    }
  });
});

describe("demo app", () => {
  test("mounts one shadow host, and a second init reuses it", async () => {
    const { page, errors } = await openPage("/demo/suppliers");
    await page.waitForFunction(() => typeof window.Waymark?.init === "function");
    const count = () =>
      page.evaluate(() => {
        const hosts = document.querySelectorAll("waymark-root");
        return { hosts: hosts.length, shadow: hosts[0]?.shadowRoot != null };
      });
    assert.deepEqual(await count(), { hosts: 1, shadow: true });

    await page.evaluate(() => window.Waymark.init({ app: "demo" }));
    assert.deepEqual(await count(), { hosts: 1, shadow: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// The editor's checks (validation by JSON path as the agent types, and the rest) are
// in editor.test.mjs.
