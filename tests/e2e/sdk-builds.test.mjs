// Which runtime build a page gets: every host page the small one (waymark.js +
// waymark_bg.wasm), and only the Waymark editor's frame or window the build with
// pick mode and preview (pick.js + pick_bg.wasm, see runtime/js/loader.js).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, BASE } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The /sdk/ files the page fetched while `go` ran, and the API once ready. */
async function sdkRequests(page, go) {
  const files = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith("/sdk/")) files.push(path.slice(5));
  });
  await go();
  const version = await page.evaluate(async () => (await (await import("/sdk/waymark.js")).ready)?.version);
  return { files: files.sort(), version };
}

test("a host page downloads the runtime without pick mode", async () => {
  const { page, errors, context } = await openPage(browser, null);
  const { files, version } = await sdkRequests(page, () => page.goto(`${BASE}/demo/`));
  // The server names the wasm after its content (waymark_bg.<hash>.wasm).
  assert.equal(files.length, 2, files.join(" "));
  assert.equal(files[0], "waymark.js");
  assert.match(files[1], /^waymark_bg\.[0-9a-f]+\.wasm$/);
  assert.equal(typeof version, "string", "the runtime started");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the editor's frame gets the build with pick mode", async () => {
  const { page, errors, context } = await openPage(browser, null);
  // A page of the same origin without Waymark first: the name the editor gives its
  // frame lasts across the frame's page loads.
  await page.goto(`${BASE}/healthz`);
  await page.evaluate(() => {
    window.name = "waymark-editor";
  });
  const { files, version } = await sdkRequests(page, () => page.goto(`${BASE}/demo/`));
  assert.deepEqual(files, ["pick.js", "pick_bg.wasm", "waymark.js"]);
  assert.equal(typeof version, "string", "the runtime started");
  assert.deepEqual(errors, []);
  await context.close();
});
