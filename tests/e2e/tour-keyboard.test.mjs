// The same multi-page tour with the keyboard alone: no mouse event is sent. Focus
// moves into the popover, Enter does the main action ("Show me" takes focus to the
// target on action steps), Tab goes from the popover to the target and Shift+Tab
// back, the arrow keys move between steps, and focus never gets lost.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, openPage, screenshots, ui, waitForNoStep, waitForStep } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** What has keyboard focus: the page element, or the Waymark control (by class). */
function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    if (a?.tagName === "WAYMARK-ROOT") {
      const inner = a.shadowRoot.activeElement;
      return inner ? `waymark:${inner.className.replace(/ ?(placed|nudge)/g, "")}` : "waymark-root";
    }
    return a?.dataset?.testid ?? a?.tagName.toLowerCase() ?? "none";
  });
}

test("raise-requisition with the keyboard only", async () => {
  const shot = screenshots("tour-keyboard");
  const { page, errors, context } = await openPage(browser, "/demo/");
  const w = ui(page);
  const key = (k) => page.keyboard.press(k);

  await waitForStep(page, "Welcome to Purchasing");
  assert.equal(await focused(page), "waymark:btn primary next", "focus moves to Next");
  await shot(page, "welcome");
  await key("ArrowRight");

  await waitForStep(page, "Start a new requisition");
  assert.equal(await focused(page), "waymark:pop", "an action step focuses the dialog");
  await key("ArrowLeft");
  await waitForStep(page, "Welcome to Purchasing");
  await key("Enter");
  await waitForStep(page, "Start a new requisition");
  await shot(page, "open-form");
  await key("Enter"); // "Show me": focus goes to the target
  assert.equal(await focused(page), "new-requisition");
  await shot(page, "open-form-target-focused");
  await key("Enter"); // follows the link: a full page load
  await page.waitForURL("**/demo/requisitions/new");

  await waitForStep(page, "Find the supplier");
  assert.equal(await focused(page), "waymark:pop");
  await key("Enter");
  assert.equal(await focused(page), "supplier-search");
  await page.keyboard.type("acme", { delay: 40 });

  await waitForStep(page, "Pick a supplier from the list");
  assert.equal(await focused(page), "supplier-search", "focus stays where the user types");
  await shot(page, "pick-supplier");
  await key("Tab"); // into the results
  await key("Enter");

  await waitForStep(page, "Charge it to your cost centre");
  assert.equal(await focused(page), "waymark:pop", "focus lost with the results comes to the popover");
  await shot(page, "cost-centre");
  await key("Enter");
  assert.equal(await focused(page), "cost-centre");
  await page.keyboard.type("4410");

  await waitForStep(page, "Amount and justification");
  assert.equal(await focused(page), "waymark:btn primary next");
  await key("Tab"); // from the popover's last control to the target
  assert.equal(await focused(page), "amount");
  await page.keyboard.type("250");
  await key("Shift+Tab"); // back to the popover
  assert.equal(await focused(page), "waymark:btn primary next");
  await shot(page, "amount");
  await key("Enter");

  await waitForStep(page, "Send it for approval");
  await key("Enter");
  assert.equal(await focused(page), "submit-requisition");
  await shot(page, "submit-focused");
  await key("Enter");
  await page.waitForURL("**/demo/approvals");

  await waitForStep(page, "Track its approval here");
  assert.equal(await focused(page), "waymark:btn primary next");
  await shot(page, "track");
  await key("Enter");
  await waitForNoStep(page);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("waymark:demo:dana:raise-requisition:v1")));
  assert.equal(stored.status, "completed");
  assert.deepEqual(errors, []);
  await context.close();
});

test("Esc closes the tour and gives focus back; the page is inert only during modal steps", async () => {
  const { page, errors, context } = await openPage(browser, null);
  await page.goto(`${BASE}/demo/`);
  await waitForStep(page, "Welcome to Purchasing");
  const inert = () => page.evaluate(() => Array.from(document.body.children).filter((e) => e.inert).map((e) => e.tagName.toLowerCase()));
  // Applied in the frame after the popover is painted.
  await page.waitForFunction(() => document.querySelector("main").inert);
  assert.deepEqual(await inert(), ["a", "header", "main", "div", "footer"], "the page is inert behind a modal step");
  await page.keyboard.press("Enter");
  await waitForStep(page, "Start a new requisition");
  assert.deepEqual(await inert(), [], "an action step leaves the page usable");
  await page.keyboard.press("Escape");
  await waitForNoStep(page);
  assert.deepEqual(await inert(), []);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("waymark:demo:dana:raise-requisition:v1")));
  assert.equal(stored.status, "dismissed");
  assert.deepEqual(errors, []);
  await context.close();
});
