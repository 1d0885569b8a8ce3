// Waymark in a host app that is not ours: Acme Procurement (tests/e2e/hosts/portal/),
// served from another origin than Waymark's server with a strict CSP (no
// 'unsafe-inline', Trusted Types), X-Frame-Options: DENY and COEP require-corp.
// Server-rendered pages, forms posted with full page loads, a rich-text editor in
// a same-origin iframe, and the one tag on every page. The tour runs to the end by
// mouse and by keyboard alone; tips and the launcher work; axe finds nothing; and
// nothing Waymark does trips the page's CSP.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { BASE, axe, geometry, launch, screenshots, ui, waitForNoStep, waitForStep, waitForTip } from "./helpers.mjs";
import { openPortalPage, publishPortalApp, startPortal } from "./hosts/portal.mjs";

const TOKEN = process.env.WAYMARK_ADMIN_TOKEN;
let browser;
let portal;

before(async () => {
  assert.ok(TOKEN, "WAYMARK_ADMIN_TOKEN is the e2e server's admin token (./build.sh test sets it)");
  browser = await launch();
  portal = await startPortal({ waymark: BASE });
  assert.notEqual(new URL(portal.url).origin, new URL(BASE).origin, "the portal is on another origin");
  await publishPortalApp({ waymark: BASE, token: TOKEN, origin: portal.url });
});
after(async () => {
  await browser?.close();
  await portal?.stop();
});

/** Types into the portal's rich-text editor (the contenteditable body of its iframe). */
async function typeJustification(page, text) {
  const body = page.frameLocator("iframe.rte-frame").locator("body");
  await body.click();
  await page.keyboard.type(text, { delay: 10 });
}

test("the purchase-request tour runs to the end by mouse across posted forms and a rich-text iframe", async () => {
  const shot = screenshots("foreign-tour-mouse");
  const opened = await openPortalPage(browser, portal, "/purchasing/");
  const { page, context } = opened;
  const w = ui(page);

  await waitForStep(page, "Welcome to Acme Procurement");
  await shot(page, "welcome");
  // The CSP blocks <style> in the shadow root: the popover must still be styled.
  const look = await page.evaluate(() => {
    const pop = document.querySelector("waymark-root").shadowRoot.querySelector(".pop");
    const s = getComputedStyle(pop);
    return { position: s.position, background: s.backgroundColor, radius: s.borderTopLeftRadius };
  });
  assert.notEqual(look.position, "static", "the popover has Waymark's styles under the host's CSP");
  assert.notEqual(look.background, "rgba(0, 0, 0, 0)");
  await w.next.click();

  await waitForStep(page, "Start a new request");
  await page.locator("main a.new-request").click(); // a link: a full page load
  await page.waitForURL("**/purchasing/requests/new");

  await waitForStep(page, "Name the request");
  await shot(page, "title");
  await page.locator("input[name='request[title]']").fill("Laptops for the new starters");

  await waitForStep(page, "Choose the supplier");
  await page.locator("select[name='request[supplier]']").selectOption("Globex Hardware");

  await waitForStep(page, "Say why it is needed");
  await shot(page, "justification");
  // Lit and placed by the iframe's box, the part of the editor the user sees, even
  // when the editable body is much taller than the frame (a long justification).
  await page.frameLocator("iframe.rte-frame").locator("body").evaluate((body) => {
    for (let i = 0; i < 30; i += 1) body.appendChild(body.ownerDocument.createElement("p")).textContent = `line ${i + 1}`;
  });
  await page.waitForFunction(() => {
    const ring = document.querySelector("waymark-root").shadowRoot.querySelector(".overlay .ring");
    const frame = document.querySelector("iframe.rte-frame").getBoundingClientRect();
    const r = ring.getBoundingClientRect();
    return r.height > 0 && r.bottom <= frame.bottom + 12;
  }, undefined, { timeout: 5_000 }).catch(() => {});
  const before = await geometry(page, "iframe.rte-frame");
  const bodyHeight = await page.frameLocator("iframe.rte-frame").locator("body").evaluate((b) => b.getBoundingClientRect().height);
  assert.ok(bodyHeight > before.target.height * 2, `the body (${bodyHeight}px) overflows the frame (${before.target.height}px)`);
  await page.frameLocator("iframe.rte-frame").locator("body").evaluate((body) => body.replaceChildren());
  await typeJustification(page, "Three people start on the 4th and need laptops on day one.");
  await waitForStep(page, "Save the draft");
  assert.ok(before.ring, "the justification step drew the ring");
  const frame = before.target;
  assert.ok(
    before.ring.y >= frame.y - 12 && before.ring.bottom <= frame.bottom + 12 &&
      before.ring.x >= frame.x - 12 && before.ring.right <= frame.right + 12,
    `the ring ${JSON.stringify(before.ring)} lies on the iframe's box ${JSON.stringify(frame)}`,
  );
  assert.ok(before.ring.height >= frame.height - 12, "and covers the part of the editor that shows");
  await shot(page, "save");
  await page.locator("input[type=submit][value=Save]").click(); // a POST, then a 303
  await page.waitForURL(/\/purchasing\/requests\/\d+\?saved=1$/);

  await waitForStep(page, "Send it for approval");
  await shot(page, "submit");
  await page.locator("button[name=action][value=submit]").click();
  await page.waitForURL(/\/purchasing\/requests\?submitted=\d+$/);

  await waitForStep(page, "It is in your manager's queue");
  await shot(page, "done");
  await w.next.click();
  await waitForNoStep(page);

  const saved = portal.requests.at(-1);
  assert.equal(saved.title, "Laptops for the new starters");
  assert.equal(saved.supplier, "Globex Hardware");
  assert.match(saved.justification, /need laptops on day one/, "the rich text was posted with the form");
  assert.equal(saved.status, "Waiting for approval");

  // A new page of the portal: the finished tour does not start again.
  await page.goto(portal.url + "/purchasing/");
  await w.launcher.waitFor({ state: "visible" });
  assert.equal(await w.popover.isVisible(), false, "a completed tour stays completed");
  opened.assertClean();
  await context.close();
});

/** What has keyboard focus: a page element (tag[name]), or a Waymark control (by class). */
function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (a?.tagName === "WAYMARK-ROOT") {
      const inner = a.shadowRoot.activeElement;
      return inner ? `waymark:${inner.className.replace(/ ?(placed|nudge)/g, "")}` : "waymark-root";
    }
    if (a?.tagName === "IFRAME") return "iframe";
    const name = a?.getAttribute("name");
    return a ? `${a.tagName.toLowerCase()}${name ? `[${name}]` : ""}` : "none";
  });
}

test("the purchase-request tour with the keyboard alone", async () => {
  const shot = screenshots("foreign-tour-keyboard");
  const opened = await openPortalPage(browser, portal, "/purchasing/");
  const { page, context } = opened;
  const key = (k) => page.keyboard.press(k);

  await waitForStep(page, "Welcome to Acme Procurement");
  assert.equal(await focused(page), "waymark:btn primary next", "focus moves to Next");
  await key("Enter");

  await waitForStep(page, "Start a new request");
  await key("Enter"); // "Show me": focus goes to the link
  assert.equal(await focused(page), "a");
  await key("Enter"); // follows it: a full page load
  await page.waitForURL("**/purchasing/requests/new");

  await waitForStep(page, "Name the request");
  await key("Enter");
  assert.equal(await focused(page), "input[request[title]]");
  await page.keyboard.type("Desk chairs", { delay: 20 });

  // Focus stays where the user types (Enter there would post the form); Tab goes
  // on through the form as the page orders it.
  await waitForStep(page, "Choose the supplier");
  assert.equal(await focused(page), "input[request[title]]");
  await key("Tab");
  assert.equal(await focused(page), "select[request[supplier]]");
  await key("ArrowDown"); // a closed select changes its value with the arrow keys

  await waitForStep(page, "Say why it is needed");
  await shot(page, "justification");
  // Past the editor's toolbar buttons into its editable frame.
  for (let i = 0; i < 6 && (await focused(page)) !== "iframe"; i += 1) await key("Tab");
  assert.equal(await focused(page), "iframe", "focus is in the rich-text editor's frame");
  await page.keyboard.type("Ours are broken and HR asked for new ones.", { delay: 10 });

  await waitForStep(page, "Save the draft");
  await key("Tab"); // out of the editor to Save
  assert.equal(await focused(page), "input");
  await shot(page, "save-focused");
  await key("Enter"); // submits the form: a POST and a redirect
  await page.waitForURL(/\/purchasing\/requests\/\d+\?saved=1$/);

  await waitForStep(page, "Send it for approval");
  await key("Enter");
  assert.equal(await focused(page), "button[action]");
  await key("Enter");
  await page.waitForURL(/\/purchasing\/requests\?submitted=\d+$/);

  await waitForStep(page, "It is in your manager's queue");
  assert.equal(await focused(page), "waymark:btn primary next");
  await shot(page, "done");
  await key("Enter");
  await waitForNoStep(page);

  const saved = portal.requests.at(-1);
  assert.equal(saved.title, "Desk chairs");
  assert.match(saved.justification, /HR asked for new ones/);
  opened.assertClean();
  await context.close();
});

test("tips and the launcher on the portal: a hover tip on the amount, a tour started from the launcher across a page load", async () => {
  const shot = screenshots("foreign-tips-launcher");
  const opened = await openPortalPage(browser, portal, "/purchasing/requests/new");
  const { page, context } = opened;
  const w = ui(page);
  // The auto tour starts on the dashboard, not here; leave it if it shows anyway.
  await w.launcher.waitFor({ state: "visible" });
  if (await w.popover.isVisible()) await page.keyboard.press("Escape");

  await w.beacons.first().waitFor({ state: "visible" });
  await page.locator("input[name='request[amount]']").hover();
  await waitForTip(page);
  assert.match(await w.tip.textContent(), /excluding tax/);
  await shot(page, "tip");
  await page.mouse.move(5, 700);
  await w.tip.waitFor({ state: "hidden" });

  await w.launcher.click();
  await w.panel.waitFor({ state: "visible" });
  const titles = await w.panel.locator(".entry-title").allTextContents();
  for (const t of ["Raise a purchase request", "Find a request", "Your first week in Procurement"]) {
    assert.ok(titles.includes(t), `the launcher lists "${t}": ${JSON.stringify(titles)}`);
  }
  await shot(page, "launcher");
  await w.panel.getByRole("button", { name: /Find a request/ }).click();
  await waitForStep(page, "All your requests");
  await page.locator("header nav a[href='/purchasing/requests']").click();
  await page.waitForURL("**/purchasing/requests");
  await waitForStep(page, "Status at a glance");
  await shot(page, "launcher-tour");
  await w.next.click();
  await waitForNoStep(page);
  opened.assertClean();
  await context.close();
});

test("axe finds no violations on the portal with the popover, the tip and the launcher panel", async () => {
  const opened = await openPortalPage(browser, portal, "/purchasing/");
  const { page, context } = opened;
  const w = ui(page);
  await waitForStep(page, "Welcome to Acme Procurement");
  assert.deepEqual(await axe(page), [], "with the first step shown");
  await page.keyboard.press("Escape");
  await waitForNoStep(page);
  await w.launcher.click();
  await w.panel.waitFor({ state: "visible" });
  assert.deepEqual(await axe(page), [], "with the launcher panel open");
  await page.goto(portal.url + "/purchasing/requests/new");
  await w.beacons.first().waitFor({ state: "visible" });
  await page.locator("input[name='request[amount]']").focus();
  await waitForTip(page);
  assert.deepEqual(await axe(page), [], "with a tip open");
  opened.assertClean();
  await context.close();
});
