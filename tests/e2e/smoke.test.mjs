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

  test("serves the guide catalog as a JSON array", async () => {
    const res = await fetch(`${BASE}/v1/guides`);
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(await res.json()));
  });

  test("serves the runtime's wasm as application/wasm", async () => {
    const res = await fetch(`${BASE}/sdk/waymark_bg.wasm`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/wasm");
  });
});

describe("demo app", () => {
  test("mounts one shadow host, and a second init reuses it", async () => {
    const { page, errors } = await openPage("/demo/");
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

describe("editor", () => {
  test("lists validation problems by JSON path as the agent types", async () => {
    const { page, errors } = await openPage("/editor/");
    const textarea = page.getByLabel("Guide JSON");
    await textarea.waitFor();

    await textarea.fill(
      JSON.stringify({
        schema: 1, id: "x", kind: "tour", title: "X", version: 1,
        match: { urls: ["/**"] },
        steps: [{ id: "a", title: "A", body: "", target: { css: [""] } }],
      }),
    );
    const paths = page.locator(".problem .path");
    await paths.first().waitFor();
    assert.ok(
      (await paths.allTextContents()).includes("steps[0].target.css[0]"),
      "the empty selector is reported at its path",
    );

    await textarea.fill(
      JSON.stringify({
        schema: 1, id: "welcome", kind: "tour", title: "Welcome", version: 1,
        match: { urls: ["/**"] },
        steps: [{ id: "a", title: "Hello", body: "Hi.", target: { css: ["#main"] } }],
      }),
    );
    await page.locator(".ok").waitFor();
    assert.equal(await paths.count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
