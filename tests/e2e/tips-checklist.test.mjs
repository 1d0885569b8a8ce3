// Tips (beacons shown on hover, focus or click), the launcher with its search and
// the checklist panel, on the demo app.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, openPage, screenshots, ui, waitForTip } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const tipShown = (page) => page.locator("waymark-root .tip.placed");

test("a hover tip: beacon on the cost centre, bubble on hover and on focus", async () => {
  const shot = screenshots("tips");
  const { page, errors, context } = await openPage(browser, "/demo/requisitions/new");
  const w = ui(page);
  await page.locator("[data-testid=cost-centre]").waitFor();
  await w.beacons.first().waitFor({ state: "visible" });
  assert.equal(await w.beacons.first().getAttribute("aria-label"), "Tip: What is a cost centre?");
  const beacon = await w.beacons.first().boundingBox();
  const field = await page.locator("[data-testid=cost-centre]").boundingBox();
  assert.ok(Math.abs(beacon.x + beacon.width / 2 - (field.x + field.width)) < 2, "the beacon sits on the field's top end corner");
  await shot(page, "beacon");

  await page.locator("[data-testid=cost-centre]").hover();
  await waitForTip(page);
  assert.equal(await w.tip.locator(".title").textContent(), "What is a cost centre?");
  assert.equal(await w.tip.getAttribute("role"), "tooltip");
  await shot(page, "hover");
  await page.mouse.move(5, 700);
  await tipShown(page).waitFor({ state: "detached" }).catch(() => {});
  await page.waitForFunction(() => document.querySelector("waymark-root").shadowRoot.querySelector(".tip").hidden);

  await page.locator("[data-testid=cost-centre]").focus();
  await tipShown(page).waitFor();
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => document.querySelector("waymark-root").shadowRoot.querySelector(".tip").hidden);

  // The beacon is a button: it opens the tip by click or keyboard.
  await w.beacons.first().click();
  await tipShown(page).waitFor();
  assert.equal(await w.beacons.first().getAttribute("aria-expanded"), "true");
  await w.beacons.first().click();
  await page.waitForFunction(() => document.querySelector("waymark-root").shadowRoot.querySelector(".tip").hidden);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a focus tip on the supplier page opens when the status badge gets focus", async () => {
  const shot = screenshots("tips-focus");
  const { page, errors, context } = await openPage(browser, "/demo/suppliers/fabrikam");
  await page.locator("[data-testid=supplier-status]").waitFor();
  await ui(page).beacons.first().waitFor({ state: "visible" });
  await page.locator("[data-testid=supplier-status]").hover();
  await page.waitForTimeout(200);
  assert.equal(await tipShown(page).count(), 0, "hovering does not open a focus tip");
  await page.locator("[data-testid=supplier-status]").focus();
  await waitForTip(page);
  assert.match(await ui(page).tip.textContent(), /vendor check/);
  await shot(page, "focused");
  await page.keyboard.press("Tab");
  await page.waitForFunction(() => document.querySelector("waymark-root").shadowRoot.querySelector(".tip").hidden);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the launcher lists this page's guides, searches them and opens the checklist", async () => {
  const shot = screenshots("checklist");
  const { page, errors, context } = await openPage(browser, null);
  // Dana finished the requisition tour last week.
  await page.goto(`${BASE}/demo/suppliers`);
  await page.evaluate(() => localStorage.setItem("waymark:demo:dana:raise-requisition:v1", JSON.stringify({
    guide: "raise-requisition", version: 1, step: 7, status: "completed", run: "earlier.r1",
    started_at: 1, updated_at: 2, runs: 1, completions: 1,
  })));
  await page.reload();
  const w = ui(page);
  await w.launcher.waitFor({ state: "visible" });
  assert.equal(await w.launcher.getAttribute("aria-expanded"), "false");
  await w.launcher.click();
  await w.panel.waitFor({ state: "visible" });
  assert.equal(await w.launcher.getAttribute("aria-expanded"), "true");
  const titles = () => w.panel.locator(".entry-title").allTextContents();
  assert.deepEqual(await titles(), ["Get started with Purchasing", "Raise a purchase requisitionDone"]);
  assert.match(await w.panel.textContent(), /1 of 2 done/);
  await shot(page, "launcher");

  await page.keyboard.type("raise");
  assert.deepEqual(await titles(), ["Raise a purchase requisitionDone"]);
  await page.keyboard.press("Control+A");
  await page.keyboard.type("zzz");
  assert.match(await w.panel.locator(".empty").textContent(), /No guide matches/);
  await shot(page, "search-empty");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");

  await w.panel.getByRole("button", { name: /Get started/ }).click();
  await page.waitForFunction(() => document.querySelector("waymark-root").shadowRoot.querySelector(".panel-title").textContent === "Get started with Purchasing");
  const items = w.panel.locator(".item");
  assert.equal(await items.count(), 2);
  assert.equal(await items.nth(0).getAttribute("aria-label"), "Raise your first requisition, done");
  assert.equal(await items.nth(1).getAttribute("aria-label"), "Review requisitions waiting for you, not finished");
  assert.equal(await w.panel.locator("[role=progressbar]").getAttribute("aria-valuenow"), "1");
  await shot(page, "checklist");

  // Back to the list, and Esc closes the panel, focus back on the button.
  await w.panel.getByRole("button", { name: /All guides/ }).click();
  await w.panel.locator(".entry").first().waitFor();
  await page.keyboard.press("Escape");
  await w.panel.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.querySelector("waymark-root").shadowRoot.activeElement?.className), "launcher");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a checklist item starts its tour, and the checklist comes back when the tour ends", async () => {
  const { page, errors, context } = await openPage(browser, "/demo/");
  const w = ui(page);
  // The tour starts by itself here; leave it, then come back to it from the checklist.
  await page.locator("waymark-root .pop.placed").waitFor();
  await page.keyboard.press("Escape");
  await w.launcher.click();
  await w.panel.getByRole("button", { name: /Get started/ }).click();
  await w.panel.getByRole("button", { name: /Raise your first requisition/ }).click();
  await w.panel.waitFor({ state: "hidden" });
  await page.locator("waymark-root .pop.placed").waitFor();
  assert.equal(await w.title.textContent(), "Welcome to Purchasing");
  await w.close.click();
  await w.panel.waitFor({ state: "visible" });
  assert.equal(await w.panel.locator(".panel-title").textContent(), "Get started with Purchasing");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a tour started from the launcher on another page takes the user to where it begins", async () => {
  const { page, errors, context } = await openPage(browser, "/demo/suppliers");
  const w = ui(page);
  await w.launcher.click();
  await w.panel.getByRole("button", { name: /Raise a purchase requisition/ }).click();
  await page.waitForURL((url) => url.pathname === "/demo" || url.pathname === "/demo/");
  await page.locator("waymark-root .pop.placed").waitFor();
  assert.equal(await w.title.textContent(), "Welcome to Purchasing");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a guide that starts on a click: the approvals tour, for approvers only", async () => {
  const shot = screenshots("starter");
  const { page, errors, context } = await openPage(browser, "/demo/suppliers");
  // Dana is a buyer: the button is the app's own, no tour.
  await page.goto(`${BASE}/demo/approvals`);
  await page.locator("[data-testid=approvals-help]").click();
  await page.waitForTimeout(300);
  assert.equal(await ui(page).popover.isVisible(), false, "not for buyers");
  // Sam approves.
  await page.evaluate(() => localStorage.setItem("acme-user", "sam"));
  await page.reload();
  await page.locator("[data-testid=approvals-help]").click();
  await page.locator("waymark-root .pop.placed").waitFor();
  assert.equal(await ui(page).title.textContent(), "Show what waits for you");
  await ui(page).next.click();
  await page.locator("[data-testid=approvals-table] tbody tr:first-child").click();
  await page.waitForFunction(() => document.querySelector("waymark-root").shadowRoot.querySelector(".pop .title").textContent === "Approve or send back");
  await shot(page, "decide");
  assert.deepEqual(errors, []);
  await context.close();
});
