// Accessibility: axe-core (injected into the page) finds no violations with the
// popover, a tip and the launcher open; the UI follows dir="rtl", works at 200%
// zoom, and stops moving for users who prefer reduced motion.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { axe, geometry, help, launch, openPage, screenshots, ui, waitForStep, waitForTip } from "./helpers.mjs";


let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });


test("axe: no violations with the tour popover open", async () => {
  const shot = screenshots("a11y");
  const { page, errors, context } = await openPage(browser, "/demo/");
  await waitForStep(page, "Welcome to Purchasing");
  assert.deepEqual(await axe(page), []);
  await ui(page).next.click();
  await waitForStep(page, "Start a new requisition");
  await shot(page, "popover");
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("axe: no violations with a tip open", async () => {
  const { page, errors, context } = await openPage(browser, "/demo/requisitions/new");
  await page.locator("[data-testid=cost-centre]").focus();
  await waitForTip(page);
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("axe: no violations with the launcher open", async () => {
  const { page, errors, context } = await openPage(browser, "/demo/suppliers");
  await ui(page).launcher.click();
  await ui(page).panel.locator(".entry").first().waitFor();
  assert.deepEqual(await axe(page), []);
  await ui(page).panel.getByRole("button", { name: /Get started/ }).click();
  await ui(page).panel.locator(".item").first().waitFor();
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("axe: no violations with the help offer, the ticket form and its status open", async () => {
  const shot = screenshots("a11y-help");
  const { page, errors, context } = await openPage(browser, "/demo/");
  await waitForStep(page, "Welcome to Purchasing");
  const h = help(page);
  await page.locator("waymark-root .pop .stuck").click();
  await h.contact.waitFor();
  assert.deepEqual(await axe(page), []);
  await h.contact.click();
  await h.subject.waitFor();
  await h.attachments.first().locator("summary").click();
  await shot(page, "ticket-form");
  assert.deepEqual(await axe(page), []);
  await h.subject.fill("");
  await h.send.click();
  await h.error.waitFor();
  assert.deepEqual(await axe(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("dir=rtl: the UI mirrors, placements and arrow keys follow the reading direction", async () => {
  const shot = screenshots("rtl");
  const { page, errors, context } = await openPage(browser, null);
  await page.addInitScript(() => document.addEventListener("DOMContentLoaded", () => { document.documentElement.dir = "rtl"; }));
  await page.goto(`${process.env.WAYMARK_URL ?? "http://127.0.0.1:8080"}/demo/`);
  await waitForStep(page, "Welcome to Purchasing");
  assert.equal(await page.evaluate(() => document.querySelector("waymark-root").shadowRoot.querySelector(".layer").dir), "rtl");
  await page.keyboard.press("ArrowLeft"); // forward, right to left
  await waitForStep(page, "Start a new requisition");
  await shot(page, "step");
  // bottom-start in a right-to-left page: lined up with the target's right edge.
  const g = await geometry(page, "[data-testid=new-requisition]");
  assert.ok(Math.abs(g.popover.right - (g.target.right + 6)) < 2 || g.popover.right <= g.viewport.width,
    `aligned at the start (right) edge: ${JSON.stringify(g)}`);
  assert.ok(g.popover.y > g.target.bottom, "below the target");
  await page.keyboard.press("ArrowRight"); // back
  await waitForStep(page, "Welcome to Purchasing");
  await page.keyboard.press("Escape");
  const launcher = await ui(page).launcher.boundingBox();
  assert.ok(launcher.x < 100, "the launcher sits at the inline end: the left");
  await shot(page, "launcher");
  assert.deepEqual(errors, []);
  await context.close();
});

test("200% zoom: the popover fits the smaller viewport and every control is reachable", async () => {
  const shot = screenshots("zoom");
  // A 1280×800 window at 200% zoom lays out in 640×400 CSS pixels.
  const { page, errors, context } = await openPage(browser, "/demo/", { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
  await waitForStep(page, "Welcome to Purchasing");
  await shot(page, "welcome");
  const inView = async () => {
    const g = await geometry(page);
    const p = g.popover;
    return p.x >= 0 && p.y >= 0 && p.right <= g.viewport.width && p.bottom <= g.viewport.height;
  };
  assert.ok(await inView(), "the popover fits");
  await ui(page).next.click();
  await waitForStep(page, "Start a new requisition");
  await shot(page, "step");
  assert.ok(await inView(), "the popover fits beside its target");
  for (const b of [ui(page).close, ui(page).back, ui(page).showMe]) {
    assert.ok(await b.isVisible(), "control visible");
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("prefers-reduced-motion: no pulsing beacon, no fade, no smooth scroll", async () => {
  const { page, errors, context } = await openPage(browser, "/demo/requisitions/new", { reducedMotion: "reduce" });
  await ui(page).beacons.first().waitFor({ state: "visible" });
  const motion = await page.evaluate(() => {
    const root = document.querySelector("waymark-root").shadowRoot;
    return {
      beacon: getComputedStyle(root.querySelector(".beacon"), "::after").animationName,
      fade: getComputedStyle(root.querySelector(".pop")).transitionDuration,
    };
  });
  assert.deepEqual(motion, { beacon: "none", fade: "0s" });
  assert.deepEqual(errors, []);
  await context.close();
});
