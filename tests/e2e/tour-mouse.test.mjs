// The demo's multi-page tour (guides/raise-requisition.json) to the end, by mouse:
// a full page load in the middle (progress resumed from localStorage), a form that
// renders late, search results that appear as you type, an SPA navigation at the end.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { geometry, launch, openPage, screenshots, ui, waitForNoStep, waitForStep } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The popover sits beside the target without covering it, inside the viewport. */
async function assertBeside(page, selector) {
  const g = await geometry(page, selector);
  const { popover: p, target: t, viewport: v } = g;
  assert.ok(t, `target ${selector} is on the page`);
  const overlap = !(p.right <= t.x || p.x >= t.right || p.bottom <= t.y || p.y >= t.bottom);
  assert.ok(!overlap, `the popover does not cover ${selector}: ${JSON.stringify({ p, t })}`);
  assert.ok(p.x >= 0 && p.y >= 0 && p.right <= v.width && p.bottom <= v.height, "the popover is inside the viewport");
  assert.ok(g.ring.width >= t.width && g.ring.height >= t.height, "the spotlight surrounds the target");
}

test("leaving the step's page with an SPA link hides the step; Back (popstate) brings it back", async () => {
  const shot = screenshots("tour-navigation");
  const { page, errors, context } = await openPage(browser, "/demo/requisitions/new");
  // Resume at the cost centre step, as if the tour had got this far.
  await page.evaluate(() => localStorage.setItem("waymark:demo:dana:raise-requisition:v1", JSON.stringify({
    guide: "raise-requisition", version: 1, step: 4, status: "active", run: "earlier.r1",
    started_at: 1, updated_at: 2, runs: 1, completions: 0,
  })));
  await page.reload();
  await waitForStep(page, "Charge it to your cost centre");
  await shot(page, "resumed");
  // Cancel is an SPA link (pushState) to the list, where this step does not live.
  await page.getByRole("link", { name: "Cancel" }).evaluate((a) => a.click());
  await page.waitForURL((url) => url.pathname === "/demo/");
  await waitForNoStep(page);
  await shot(page, "left");
  await page.goBack();
  await page.waitForURL("**/demo/requisitions/new");
  await waitForStep(page, "Charge it to your cost centre");
  await shot(page, "back");
  assert.deepEqual(errors, []);
  await context.close();
});

test("raise-requisition, by mouse, across a full page load and an SPA navigation", async () => {
  const shot = screenshots("tour-mouse");
  const { page, errors, context } = await openPage(browser, null);
  const posted = [];
  // On the context: a beacon sent while a page unloads is no longer the page's.
  context.on("request", (req) => {
    if (req.url().endsWith("/v1/apps/demo/events") && req.method() === "POST") posted.push(req.postData());
  });
  await page.goto(new URL("/demo/", process.env.WAYMARK_URL ?? "http://127.0.0.1:8080").href);
  const w = ui(page);

  await waitForStep(page, "Welcome to Purchasing");
  assert.equal(await w.count.textContent(), "1 of 8");
  assert.equal(await w.popover.getAttribute("role"), "dialog");
  assert.equal(await w.popover.getAttribute("aria-modal"), "true");
  await shot(page, "welcome");
  await w.next.click();

  await waitForStep(page, "Start a new requisition");
  await assertBeside(page, "[data-testid=new-requisition]");
  assert.equal(await w.next.isVisible(), false, "a click step has no Next");
  await shot(page, "open-form");
  // A click outside the spotlight is blocked: the page does not react.
  await page.mouse.click(640, 700);
  assert.equal(new URL(page.url()).pathname, "/demo/");
  // The target itself is clickable through the hole; it is a full page load.
  await page.locator("[data-testid=new-requisition]").click();
  await page.waitForURL("**/demo/requisitions/new");

  await waitForStep(page, "Find the supplier");
  assert.equal(await w.count.textContent(), "3 of 8");
  await assertBeside(page, "[data-testid=supplier-search]");
  await shot(page, "supplier-search");
  await page.locator("[data-testid=supplier-search]").click();
  await page.keyboard.type("acme", { delay: 30 });

  await waitForStep(page, "Pick a supplier from the list");
  await assertBeside(page, "[data-testid=supplier-results]");
  await shot(page, "pick-supplier");
  await page.getByRole("button", { name: /Acme Industrial Supply/ }).click();

  await waitForStep(page, "Charge it to your cost centre");
  await assertBeside(page, "[data-testid=cost-centre]");
  await shot(page, "cost-centre");
  await page.locator("[data-testid=cost-centre]").click();
  await page.keyboard.type("4410");

  await waitForStep(page, "Amount and justification");
  await assertBeside(page, "[data-testid=amount]");
  await shot(page, "amount");
  await page.locator("[data-testid=amount]").click();
  await page.keyboard.type("250");
  await w.next.click();

  await waitForStep(page, "Send it for approval");
  await assertBeside(page, "[data-testid=submit-requisition]");
  await shot(page, "submit");
  await page.locator("[data-testid=submit-requisition]").click();
  await page.waitForURL("**/demo/approvals");

  await waitForStep(page, "Track its approval here");
  assert.equal(await w.count.textContent(), "8 of 8");
  assert.equal(await w.next.textContent(), "Done");
  await shot(page, "track");
  const completed = page.waitForRequest((r) => r.url().endsWith("/events") && (r.postData() ?? "").includes("run_completed"));
  await w.next.click();
  await waitForNoStep(page);
  await shot(page, "done");
  await completed;

  // Completed: a new visit does not start it again.
  await page.goto(new URL("/demo/", page.url()).href);
  await page.waitForFunction(() => document.querySelector("waymark-root .launcher, waymark-root")?.shadowRoot?.querySelector(".launcher:not([hidden])"));
  await page.waitForTimeout(300);
  assert.equal(await w.popover.isVisible(), false, "a completed tour does not start again");
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("waymark:demo:dana:raise-requisition:v1")));
  assert.equal(stored.status, "completed");

  // Analytics went out in batches with fetch (the first page's went with
  // sendBeacon as it unloaded: see analytics.test.mjs), each with a client id.
  const events = posted.flatMap((body) => JSON.parse(body).events);
  const kinds = events.map((e) => e.kind);
  for (const k of ["run_resumed", "step_shown", "step_completed", "run_completed"]) {
    assert.ok(kinds.includes(k), `sent ${k}: ${kinds.join(", ")}`);
  }
  assert.equal(new Set(events.map((e) => e.id)).size, events.length, "event ids are unique");
  assert.deepEqual(errors, []);
  await context.close();
});
