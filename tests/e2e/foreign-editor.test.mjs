// The editor on a host app that refuses to be framed, as most business apps do: Acme
// Procurement (tests/e2e/hosts/portal/) on another origin than Waymark's server,
// sending X-Frame-Options: DENY, frame-ancestors 'none' and a strict CSP. The app
// panel finds the frame refused (its runtime never answers the editor's hello),
// says so, and switches to a window of its own, opened from the keyboard. The
// agent picks the portal's `<input type=submit value=Save>` there (no id: it is
// found by its value, not by its position), previews the draft in the window,
// and the next time the panel opens straight in window mode. Messages that do not
// come from the app's window and origin are ignored.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { BASE, launch, screenshots } from "./helpers.mjs";
import { PORTAL_APP, publishPortalApp, startPortal } from "./hosts/portal.mjs";

const TOKEN = process.env.WAYMARK_ADMIN_TOKEN;
let browser;
let portal;

before(async () => {
  assert.ok(TOKEN, "WAYMARK_ADMIN_TOKEN is the e2e server's admin token (./build.sh test sets it)");
  browser = await launch();
  portal = await startPortal({ waymark: BASE });
  assert.notEqual(new URL(portal.url).origin, new URL(BASE).origin, "the portal is on another origin");
  await publishPortalApp({ waymark: BASE, token: TOKEN, origin: portal.url });
  // The editor opens an app at its first origin: put this run's portal first (the
  // origins other specs' portals added stay allowed).
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  const app = await (await fetch(`${BASE}/v1/apps/${PORTAL_APP}`, { headers })).json();
  const origins = [portal.url, ...app.origins.filter((o) => o !== portal.url)];
  const put = await fetch(`${BASE}/v1/apps/${PORTAL_APP}`, { method: "PUT", headers, body: JSON.stringify({ origins }) });
  assert.equal(put.status, 200, await put.text());
});
after(async () => {
  await browser?.close();
  await portal?.stop();
});

/** Records what a strict host must never see from Waymark, in every page of `context`. */
async function watchPortalPages(context, origin) {
  const problems = [];
  await context.exposeFunction("__portalViolation", (v) => problems.push(`CSP violation: ${v}`));
  await context.addInitScript((origin) => {
    if (location.origin !== origin) return;
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__portalViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  }, origin);
  context.on("page", (page) => {
    page.on("pageerror", (error) => problems.push(`uncaught in ${page.url()}: ${error.message}`));
  });
  return problems;
}

test("a frame the app refuses turns the panel into window mode, where the agent picks and previews", async () => {
  const shot = screenshots("foreign-editor");
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const problems = await watchPortalPages(context, portal.url);
  const page = await context.newPage();
  const editorErrors = [];
  page.on("pageerror", (error) => editorErrors.push(error));

  await page.goto(`${BASE}/editor/`);
  await page.getByLabel("API token").fill(TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Guides", level: 1 }).waitFor();
  await page.getByLabel("App whose guides you edit").selectOption(PORTAL_APP);
  await page.locator("table.guides").waitFor();

  await page.getByRole("button", { name: "New guide" }).click();
  await page.getByLabel("Title").fill("Save a request");
  await page.getByRole("button", { name: "Create and edit" }).click();
  await page.getByRole("heading", { name: "Save a request", level: 1 }).waitFor();
  await page.getByLabel("Title", { exact: true }).fill("Save it");
  await page.getByLabel("Body", { exact: true }).fill("Press **Save** to keep the request as a draft.");

  // Pick: the panel frames the portal, which refuses; no answer, so window mode.
  await page.getByRole("button", { name: "Pick element in app" }).click();
  const panel = page.getByRole("complementary", { name: "Your app" });
  const frame = panel.locator("iframe[name=waymark-editor]");
  assert.equal(await frame.getAttribute("src"), `${portal.url}/`);
  const notice = panel.getByRole("heading", { name: "This app cannot be shown in the panel" });
  await notice.waitFor({ timeout: 20_000 });
  assert.match(await panel.locator(".window-mode").textContent(), /X-Frame-Options: DENY, or frame-ancestors/);
  assert.equal(await frame.isVisible(), false, "no broken frame is left showing");
  assert.match(await panel.locator(".panel-status").textContent(), /open the app in its window to pick there/);
  await shot(page, "frame-refused-window-mode");

  // The switch by keyboard: Tab reaches it, Enter opens the window.
  const open = panel.getByRole("button", { name: "Open the app in a window" });
  await panel.getByRole("button", { name: "Close the app panel" }).focus();
  for (let i = 0; i < 10 && !(await open.evaluate((b) => b === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  assert.ok(await open.evaluate((b) => b === document.activeElement), "Tab reaches the switch");
  const popup = context.waitForEvent("page");
  await page.keyboard.press("Enter");
  const app = await popup;
  assert.equal(new URL(app.url()).origin, portal.url, "the window shows the portal, on its own origin");
  await app.locator("waymark-root[data-waymark-picking]").waitFor({ state: "attached", timeout: 15_000 });
  await panel.getByText(/Connected to the app's window, at .*\/purchasing\//).waitFor();
  await panel.getByRole("button", { name: "Bring the app's window to the front" }).waitFor();
  await panel.getByText(/It refuses to be shown in this panel/).waitFor();

  // The agent goes to the form from the panel's address bar: the window follows.
  await page.getByLabel("App address").fill(`${portal.url}/purchasing/requests/new`);
  await page.getByRole("button", { name: "Go", exact: true }).click();
  await app.waitForURL(`${portal.url}/purchasing/requests/new`);
  await panel.getByText(/Connected to the app's window, at .*\/purchasing\/requests\/new/).waitFor();
  await app.locator("waymark-root[data-waymark-picking]").waitFor({ state: "attached" });

  // A message that does not come from the app's window and origin is not a pick.
  await page.evaluate(() => {
    const fake = { waymark: "picked", result: { url: "x", description: "forged", candidates: [{ strategy: "id", css: "#forged", matches: 1 }] } };
    window.postMessage(JSON.stringify(fake), "*");
  });

  const save = app.locator("input[type=submit][value=Save]");
  await save.hover();
  const outline = app.locator("waymark-root .wm-pick-outline");
  await outline.waitFor();
  // Styled through the CSSOM: the portal's style-src without 'unsafe-inline' keeps it.
  assert.equal(await outline.evaluate((el) => getComputedStyle(el).position), "fixed");
  assert.match(await outline.textContent(), /button “Save”/);
  await app.bringToFront();
  await shot(app, "picking-in-the-window");
  await save.click();
  const candidates = page.locator(".candidates");
  await candidates.waitFor();
  assert.equal(await candidates.locator("h3").textContent(), "Picked: button “Save”");
  const first = candidates.locator(".candidate").first();
  assert.equal(await first.locator(".selector").textContent(), "input[type=submit][value=Save]");
  assert.equal(await first.locator(".badge").first().textContent(), "unique");
  assert.equal(await candidates.getByText("breaks if the layout changes").count(), 0, "no position path");
  assert.equal(await candidates.getByText("#forged").count(), 0);
  await page.bringToFront();
  await shot(page, "window-picking");
  await first.locator("button").click();
  assert.equal(await page.getByLabel("Selector 1", { exact: true }).inputValue(), "input[type=submit][value=Save]");
  assert.equal(await page.getByLabel("Page", { exact: true }).inputValue(), "/purchasing/requests/new");
  // The window went back to plain browsing: a click there is the app's again.
  await app.locator("waymark-root[data-waymark-picking]").waitFor({ state: "detached" });

  // Preview in the window, without publishing.
  await page.getByRole("button", { name: "Preview in app" }).click();
  const dialog = app.getByRole("dialog");
  await dialog.getByText("Save it").waitFor({ timeout: 15_000 });
  await dialog.getByText("to keep the request as a draft").waitFor();
  assert.match(await panel.locator(".panel-status").textContent(), /Previewing the draft in the app's window/);
  await app.bringToFront();
  await shot(app, "preview-in-the-window");
  await page.bringToFront();
  await page.getByRole("button", { name: "Close the app panel" }).click();
  await dialog.waitFor({ state: "hidden" });

  // Remembered: the panel now opens in window mode at once, with no frame at all,
  // and picking goes to the window still open.
  await page.getByRole("button", { name: "Pick element in app" }).click();
  await panel.getByText(/It refuses to be shown in this panel, as most business apps do/).waitFor();
  assert.equal(await panel.locator("iframe").count(), 0);
  await app.locator("waymark-root[data-waymark-picking]").waitFor({ state: "attached" });
  await app.keyboard.press("Escape");
  await app.locator("waymark-root[data-waymark-picking]").waitFor({ state: "detached" });
  // Esc in the window ends pick mode in the editor too.
  await panel.locator(".panel-status", { hasText: /^The app opens in a window of its own/ }).waitFor();
  await page.getByRole("button", { name: "Pick element in app" }).waitFor();

  assert.deepEqual(editorErrors, []);
  assert.deepEqual(problems, [], problems.join("\n"));
  await context.close();
});

test("an app whose Cross-Origin-Opener-Policy cuts its window off is named as the cause", async () => {
  const isolated = await startPortal({ waymark: BASE, coop: true });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    await page.goto(`${BASE}/editor/`);
    await page.getByLabel("API token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByLabel("App whose guides you edit").selectOption(PORTAL_APP);
    await page.getByRole("button", { name: "New guide" }).click();
    await page.getByRole("button", { name: "Create and edit" }).click();
    await page.getByRole("button", { name: "Pick element in app" }).click();
    const panel = page.getByRole("complementary", { name: "Your app" });
    await panel.getByRole("heading", { name: "This app cannot be shown in the panel" }).waitFor({ timeout: 20_000 });
    // The agent opens this portal's form, which sends COOP same-origin, in the window.
    const popup = context.waitForEvent("page");
    await page.getByLabel("App address").fill(`${isolated.url}/purchasing/requests/new`);
    await page.getByRole("button", { name: "Go", exact: true }).click();
    const app = await popup;
    await app.locator("h1", { hasText: "New purchase request" }).waitFor();
    const state = panel.locator(".window-state");
    await state.getByText(/cut off from the editor/).waitFor();
    assert.match(await state.textContent(), /Cross-Origin-Opener-Policy: same-origin/);
    // Cut off for real: the window has no opener, so no editor drives it.
    assert.equal(await app.evaluate(() => window.opener), null);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await isolated.stop();
  }
});
