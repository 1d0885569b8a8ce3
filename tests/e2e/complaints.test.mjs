// The complaints users file most against Shepherd, Driver.js, Intro.js and React
// Joyride, one lab page each (www/demo/lab/): a target that appears late in an SPA,
// z-index and stacking contexts, a scrolling container, an iframe, shadow DOM,
// position drift, and modal dialogs in the browser's top layer.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { geometry, launch, openPage, screenshots, ui, waitForStep } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * The step is drawn right: the spotlight surrounds the target, the popover is
 * inside the viewport and off the target, the target can be clicked through the
 * hole and the popover is on top of everything at its centre.
 */
async function assertLit(page, selector, { beside = true } = {}) {
  const g = await geometry(page, selector);
  const { popover: p, ring: r, target: t, viewport: v } = g;
  assert.ok(t, `${selector} found`);
  assert.ok(r.x <= t.x + 0.5 && r.y <= t.y + 0.5 && r.right >= t.right - 0.5 && r.bottom >= t.bottom - 0.5,
    `the spotlight surrounds ${selector}: ring ${JSON.stringify(r)} target ${JSON.stringify(t)}`);
  assert.ok(p.x >= 0 && p.y >= 0 && p.right <= v.width + 0.5 && p.bottom <= v.height + 0.5, "popover in the viewport");
  if (beside) {
    const overlap = !(p.right <= t.x || p.x >= t.right || p.bottom <= t.y || p.y >= t.bottom);
    assert.ok(!overlap, "the popover does not cover the target");
  }
  const hits = await page.evaluate(({ t, p }) => {
    const name = (e) => e ? (e.id || e.tagName.toLowerCase()) : "none";
    return {
      target: name(document.elementFromPoint(t.x + t.width / 2, t.y + t.height / 2)),
      popover: name(document.elementFromPoint(p.x + p.width / 2, p.y + p.height / 2)),
    };
  }, { t, p });
  assert.notEqual(hits.target, "waymark-root", "the target is not covered by the overlay");
  assert.equal(hits.popover, "waymark-root", "nothing covers the popover");
  return g;
}

test("SPA: a target that arrives late after pushState, then is re-rendered", async () => {
  const shot = screenshots("late");
  const { page, errors, context } = await openPage(browser, "/demo/lab/late.html");
  await waitForStep(page, "Open the reports");
  await page.locator("#open-reports").click();
  await page.waitForURL("**/late.html?view=reports");
  assert.equal(await ui(page).popover.isVisible(), false, "nothing is shown while the view loads");
  await shot(page, "loading");
  await waitForStep(page, "Export them");
  await assertLit(page, "#export");
  await shot(page, "found");
  // The view replaces its elements every 2 s: the spotlight follows the new button.
  const first = await page.evaluate(() => document.getElementById("export").parentElement.querySelector("p").textContent);
  await page.waitForFunction((f) => document.getElementById("export").parentElement.querySelector("p").textContent !== f, first);
  await page.waitForTimeout(100);
  await assertLit(page, "#export");
  assert.deepEqual(errors, []);
  await context.close();
});

test("stacking: a target in a clipping stacking context, a z-index 2147483647 header and ad, a fixed toolbar", async () => {
  const shot = screenshots("stacking");
  const { page, errors, context } = await openPage(browser, "/demo/lab/stacking.html");
  await waitForStep(page, "Inside a stacking context");
  await assertLit(page, "#deep");
  await shot(page, "deep");
  await page.locator("#deep").click();
  await waitForStep(page, "In a fixed toolbar");
  await assertLit(page, "#fixed-save");
  await shot(page, "fixed");
  await page.mouse.wheel(0, 600);
  await page.waitForTimeout(200);
  await assertLit(page, "#fixed-save");
  await shot(page, "fixed-after-scroll");
  assert.deepEqual(errors, []);
  await context.close();
});

test("scroll container: page and list scrolled so the target shows; the popover follows the list", async () => {
  const shot = screenshots("scroll");
  const { page, errors, context } = await openPage(browser, "/demo/lab/scroll.html", { reducedMotion: "reduce" });
  await waitForStep(page, "Row 35");
  await page.waitForTimeout(100);
  const g = await assertLit(page, "#row-35 button");
  const pane = await page.locator("#pane").boundingBox();
  assert.ok(g.target.y >= pane.y && g.target.bottom <= pane.y + pane.height, "the row shows inside the list");
  await shot(page, "scrolled-into-view");
  await page.locator("#pane").evaluate((el) => { el.scrollTop -= 40; });
  await page.waitForTimeout(100);
  await assertLit(page, "#row-35 button");
  await shot(page, "list-scrolled");
  assert.deepEqual(errors, []);
  await context.close();
});

test("iframe: a target inside a same-origin frame, typed into and clicked", async () => {
  const shot = screenshots("iframe");
  const { page, errors, context } = await openPage(browser, "/demo/lab/iframe.html", { reducedMotion: "reduce" });
  await waitForStep(page, "Your card");
  await assertLit(page, "iframe#billing >>> #card");
  await shot(page, "card");
  const frame = page.frameLocator("iframe#billing");
  await frame.locator("#card").click();
  // Twelve digits complete the step; typing on would scroll the frame back to the field.
  await page.keyboard.type("424242424242");
  await waitForStep(page, "Pay");
  await page.waitForTimeout(150);
  await assertLit(page, "iframe#billing >>> #pay");
  await shot(page, "pay");
  await frame.locator("#pay").click();
  await waitForStep(page, "Done");
  assert.deepEqual(errors, []);
  await context.close();
});

test("shadow DOM: targets one and two open shadow roots deep", async () => {
  const shot = screenshots("shadow");
  const { page, errors, context } = await openPage(browser, "/demo/lab/shadow.html");
  await waitForStep(page, "Save, in a shadow root");
  await assertLit(page, "acme-toolbar >>> button.save");
  await shot(page, "save");
  await page.locator("acme-toolbar button.save").click();
  assert.equal(await page.locator("acme-toolbar").getAttribute("data-saved"), "yes", "the click reached the button");
  await waitForStep(page, "Share, two roots deep");
  await assertLit(page, "acme-toolbar >>> acme-menu >>> #share");
  await shot(page, "share");
  assert.deepEqual(errors, []);
  await context.close();
});

test("drift: the spotlight and popover stay on the target while scrolling, resizing and on layout changes", async () => {
  const shot = screenshots("drift");
  const { page, errors, context } = await openPage(browser, "/demo/lab/drift.html", { reducedMotion: "reduce" });
  await waitForStep(page, "Stays on target");
  await page.waitForTimeout(100);
  for (const dy of [120, 120, -300, 200]) {
    await page.mouse.wheel(0, dy);
    await page.waitForTimeout(120);
    await assertLit(page, "#middle");
  }
  await shot(page, "after-scrolling");
  await page.evaluate(() => window.addBanner());
  await page.waitForTimeout(120);
  await assertLit(page, "#middle");
  await page.setViewportSize({ width: 900, height: 600 });
  await page.waitForTimeout(150);
  await assertLit(page, "#middle");
  await shot(page, "after-resize");
  assert.deepEqual(errors, []);
  await context.close();
});

test("top layer: a target in a modal dialog and in a popover is lit above them and clickable", async () => {
  const shot = screenshots("dialog");
  const { page, errors, context } = await openPage(browser, "/demo/lab/dialog.html");
  await waitForStep(page, "Open the settings");
  await page.locator("#open-settings").click();
  await waitForStep(page, "In the modal dialog");
  await page.waitForTimeout(100);
  await assertLit(page, "#dialog-save");
  await shot(page, "in-dialog");
  // The popover's buttons work although the page outside the dialog is inert.
  await ui(page).back.click();
  await waitForStep(page, "Open the settings");
  await page.evaluate(() => document.getElementById("settings").close());
  await page.locator("#open-settings").click();
  await waitForStep(page, "In the modal dialog");
  await page.locator("#dialog-save").click();
  await waitForStep(page, "Open the menu");
  await assertLit(page, "#menu-button");
  await page.locator("#menu-button").click();
  await waitForStep(page, "Inside the popover");
  await page.waitForTimeout(100);
  await assertLit(page, "#menu-item");
  await shot(page, "in-popover");
  assert.deepEqual(errors, []);
  await context.close();
});
