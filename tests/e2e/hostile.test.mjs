// A host page whose CSS fights everything injected into it (global `* {}` rules
// with !important, huge z-indexes, a rule hiding <waymark-root>, a transformed body,
// a cover layer): the popover must look and work as on any other page.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { geometry, launch, openPage, screenshots, ui, waitForStep } from "./helpers.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Computed styles of Waymark's parts, read inside the shadow root. */
function styles(page) {
  return page.evaluate(() => {
    const root = document.querySelector("waymark-root").shadowRoot;
    const cs = (sel) => getComputedStyle(root.querySelector(sel));
    const pop = root.querySelector(".pop").getBoundingClientRect();
    return {
      title: { size: cs(".title").fontSize, color: cs(".title").color, transform: cs(".title").textTransform },
      body: { size: cs(".body").fontSize, family: cs(".body").fontFamily },
      next: { bg: cs(".next").backgroundColor, color: cs(".next").color, display: cs(".next").display },
      width: pop.width,
      host: getComputedStyle(document.querySelector("waymark-root")).display,
    };
  });
}

test("hostile CSS does not break the popover", async () => {
  const shot = screenshots("hostile");
  const { page, errors, context } = await openPage(browser, "/demo/lab/hostile.html", { reducedMotion: "reduce" });
  const w = ui(page);
  await waitForStep(page, "Still readable");
  await shot(page, "centred");
  const s = await styles(page);
  assert.equal(s.host, "block", "the page's `waymark-root { display: none !important }` loses");
  assert.equal(s.title.size, "17px");
  assert.equal(s.title.transform, "none");
  assert.equal(s.title.color, "rgb(27, 35, 51)");
  assert.equal(s.body.size, "15px");
  assert.doesNotMatch(s.body.family, /Comic/);
  assert.equal(s.next.bg, "rgb(29, 78, 216)");
  assert.notEqual(s.next.display, "none");
  assert.ok(s.width > 200 && s.width <= 360, `popover width ${s.width}`);
  const g = await geometry(page);
  const centre = await page.evaluate(({ popover: p }) => document.elementFromPoint(p.x + p.width / 2, p.y + p.height / 2)?.tagName, g);
  assert.equal(centre, "WAYMARK-ROOT", "nothing of the page covers the popover");
  await w.next.click();

  await waitForStep(page, "The button");
  await page.waitForTimeout(150);
  const t = await geometry(page, "#buy");
  assert.ok(t.ring.x <= t.target.x && t.ring.right >= t.target.right && t.ring.y <= t.target.y && t.ring.bottom >= t.target.bottom,
    "the spotlight surrounds the target");
  assert.ok(t.popover.x >= t.target.right, "the popover is to the right of the target");
  await shot(page, "target");
  await w.close.click();
  assert.equal(await w.popover.isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});
