// The editor end to end: an agent signs in, builds a three-step tour by picking
// elements in the demo app, previews and publishes it; then an end user, in a fresh
// browser context, is offered the tour and completes it. Screenshots of every
// editor screen go to tests/e2e/screenshots/.
//
// Run by `./build.sh test`, which starts the server and sets WAYMARK_URL and
// WAYMARK_ADMIN_TOKEN.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const BASE = process.env.WAYMARK_URL ?? "http://127.0.0.1:8080";
const TOKEN = process.env.WAYMARK_ADMIN_TOKEN;
const SHOTS = new URL("./screenshots/", import.meta.url).pathname;
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
// A fresh id per run, so the suite can run against a server that has seen it before.
const SUFFIX = Date.now().toString(36);
const TITLE = `Find a supplier ${SUFFIX}`;

let browser;

/** Deletes tours an interrupted earlier run left behind: they would start too. */
async function removeLeftovers() {
  if (!TOKEN) return;
  const headers = { Authorization: `Bearer ${TOKEN}` };
  const res = await fetch(`${BASE}/v1/apps/demo/drafts`, { headers });
  if (!res.ok) return;
  for (const draft of await res.json()) {
    if (draft.id.startsWith("find-a-supplier-")) {
      await fetch(`${BASE}/v1/apps/demo/drafts/${draft.id}`, { method: "DELETE", headers });
    }
  }
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await removeLeftovers();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
});

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: false });
}

/** A page of a fresh context that records uncaught script errors. */
async function freshPage(viewport = { width: 1440, height: 960 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  return { context, page, errors };
}

async function signIn(page) {
  await page.goto(`${BASE}/editor/`);
  await page.getByLabel("API token").fill(TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Guides", level: 1 }).waitFor();
}

/** Picks `target` (a locator function of the app frame) for the selected step. */
async function pick(page, frame, target, { expect }) {
  await page.getByRole("button", { name: "Pick element in app" }).click();
  // The runtime in the frame says it is picking.
  await frame.locator("waymark-root[data-waymark-picking]").waitFor({ state: "attached" });
  await target(frame).click();
  const candidates = page.locator(".candidates");
  await candidates.waitFor();
  const first = candidates.locator(".candidate").first();
  assert.equal(await first.locator(".selector").textContent(), expect);
  assert.equal(await first.locator(".badge").first().textContent(), "unique");
  return first;
}

describe("editor", { skip: !TOKEN && "WAYMARK_ADMIN_TOKEN is not set" }, () => {
  test("a wrong token is refused with what to do", async () => {
    const { context, page, errors } = await freshPage();
    await page.goto(`${BASE}/editor/`);
    await shot(page, "editor-01-sign-in");
    await page.getByLabel("API token").fill("wmk_not_a_real_token");
    await page.getByRole("button", { name: "Sign in" }).click();
    const error = page.locator("#token-error");
    await error.waitFor();
    assert.match(await error.textContent(), /Sign in again with a valid token/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("an agent builds a tour by picking elements, previews and publishes it; a user completes it", async () => {
    const { context, page, errors } = await freshPage();
    await signIn(page);
    await page.locator("table.guides").waitFor();
    await shot(page, "editor-02-guides");

    // Filters narrow the list.
    await page.getByLabel("Kind").selectOption("tip");
    await page.getByText(/of \d+ guides/).waitFor();
    assert.ok((await page.locator("table.guides tbody tr").count()) >= 1);
    await page.getByLabel("Kind").selectOption("");

    // A new tour.
    await page.getByRole("button", { name: "New guide" }).click();
    await page.getByLabel("Title").fill(TITLE);
    await shot(page, "editor-03-new-guide");
    await page.getByRole("button", { name: "Create and edit" }).click();
    await page.getByRole("heading", { name: TITLE, level: 1 }).waitFor();

    // Settings: where and how it starts.
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByLabel("Page URL pattern 1", { exact: true }).fill("/demo/suppliers");
    await page.getByLabel("Starts").selectOption("auto");
    await page.getByLabel("How often").selectOption("once");
    await page.getByLabel("Ticket category").fill("purchasing");
    await shot(page, "editor-04-settings");

    // Step 1: its text, with the live preview of the safe markdown.
    await page.getByRole("tab", { name: "Steps" }).click();
    await page.getByLabel("Title", { exact: true }).fill("All your suppliers");
    await page.getByLabel("Body", { exact: true }).fill("Every **approved** supplier is listed here.");
    assert.equal(await page.locator(".markdown-preview strong").textContent(), "approved");

    // Validation as you type, beside the field; publishing is impossible meanwhile.
    await page.getByLabel("Step id").fill("Bad Id");
    const idError = page.locator("#f-steps-0-id-error");
    await idError.waitFor();
    assert.match(await idError.textContent(), /lowercase letters/);
    assert.ok(await page.getByRole("button", { name: "Publish", exact: true }).isDisabled());
    await shot(page, "editor-05-problems");
    await page.getByLabel("Step id").fill("suppliers");
    await idError.waitFor({ state: "detached" });

    // Pick step 1's element in the demo app, on the suppliers page.
    const frame = page.frameLocator("iframe[name=waymark-editor]");
    await page.getByRole("button", { name: "Pick element in app" }).click();
    await page.getByLabel("App address").fill("/demo/suppliers");
    await page.getByRole("button", { name: "Go", exact: true }).click();
    await frame.locator("h1", { hasText: "Suppliers" }).waitFor();
    await frame.locator("waymark-root[data-waymark-picking]").waitFor({ state: "attached" });
    await frame.locator("h1", { hasText: "Suppliers" }).click();
    let first = page.locator(".candidates .candidate").first();
    await first.waitFor();
    assert.equal(await first.locator(".selector").textContent(), "h1");
    await shot(page, "editor-06-picker");
    await first.locator("button").click();
    assert.equal(await page.getByLabel("Selector 1", { exact: true }).inputValue(), "h1");
    assert.equal(await page.getByLabel("Only if its text contains").inputValue(), "Suppliers");
    assert.equal(await page.getByLabel("Page", { exact: true }).inputValue(), "/demo/suppliers");

    // Step 2: a supplier's link.
    await page.getByRole("button", { name: "+ Add step" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Open a supplier");
    await page.getByLabel("Body", { exact: true }).fill("Click a supplier to see its details.");
    first = await pick(page, frame, (f) => f.getByRole("link", { name: "Northwind Office Supplies" }), {
      expect: "a",
    });
    await first.locator("button").click();
    const saved = await page.locator("#f-steps-1-target-css input").evaluateAll((inputs) => inputs.map((i) => i.value));
    assert.deepEqual(saved.slice(0, 2), ["a", 'a[href="/demo/suppliers/northwind"]'], "the choice, then fallbacks");

    // Step 3: the user switch, by its id.
    await page.getByRole("button", { name: "+ Add step" }).click();
    await page.getByLabel("Title", { exact: true }).fill("Who you are");
    await page.getByLabel("Body", { exact: true }).fill("Switch user here to try another role.");
    first = await pick(page, frame, (f) => f.locator("#user-switch"), { expect: "#user-switch" });
    await first.locator("button").click();
    assert.equal(await page.getByLabel("Selector 1", { exact: true }).inputValue(), "#user-switch");

    // Reorder by keyboard: Alt+↑ moves step 3 up, Alt+↓ puts it back.
    const steps = page.locator(".step-list .step-title");
    await page.locator(".step-list li").nth(2).locator("button").focus();
    await page.keyboard.press("Alt+ArrowUp");
    assert.deepEqual(await steps.allTextContents(), ["All your suppliers", "Who you are", "Open a supplier"]);
    await page.keyboard.press("Alt+ArrowDown");
    assert.deepEqual(await steps.allTextContents(), ["All your suppliers", "Open a supplier", "Who you are"]);
    // And by drag and drop.
    await page.locator(".step-list li").nth(2).dragTo(page.locator(".step-list li").nth(0));
    assert.deepEqual(await steps.allTextContents(), ["Who you are", "All your suppliers", "Open a supplier"]);
    await page.locator(".step-list li").nth(0).dragTo(page.locator(".step-list li").nth(2));
    assert.deepEqual(await steps.allTextContents(), ["All your suppliers", "Open a supplier", "Who you are"]);
    await page.getByRole("button", { name: "Close the app panel" }).click();
    await page.locator(".step-list li").nth(1).locator("button").click();
    await shot(page, "editor-07-steps");

    // Preview in the app without publishing.
    await page.getByRole("button", { name: "Preview in app" }).click();
    await frame.getByRole("dialog").getByText("All your suppliers").waitFor();
    await shot(page, "editor-08-preview");
    await page.getByRole("button", { name: "Close the app panel" }).click();

    // Save, publish, and see the version.
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.getByText(/Saved the draft of/).waitFor();
    await page.waitForURL(/#\/guides\/find-a-supplier-/);
    await page.getByLabel("Publish note").fill("first version, from the e2e test");
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByText(/Published version 1 of/).waitFor();
    await page.getByRole("tab", { name: "Versions" }).click();
    await page.locator("table.versions").getByText("first version, from the e2e test").waitFor();
    await shot(page, "editor-09-versions");
    // A translation: every string must be covered; what is missing is a problem.
    await page.getByRole("tab", { name: "Translations" }).click();
    await page.getByLabel("Add a translation").fill("fr");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.locator("#f-locales-fr-title-error").waitFor();
    assert.ok(await page.getByRole("button", { name: "Publish", exact: true }).isDisabled());
    await page.getByLabel("Title", { exact: true }).fill("Trouver un fournisseur");
    await shot(page, "editor-10-translations");
    await page.getByRole("button", { name: "Remove fr" }).click();
    await page.locator(".summary.ok").waitFor();
    await page.getByRole("tab", { name: "JSON" }).click();
    const json = JSON.parse(await page.getByLabel("Guide JSON").inputValue());
    assert.equal(json.steps.length, 3);
    assert.equal(json.steps[0].page, "/demo/suppliers");
    await shot(page, "editor-11-json");

    // Edits survive a reload before saving: the browser keeps them and offers them back.
    await page.getByRole("tab", { name: "Steps" }).click();
    await page.getByLabel("Title", { exact: true }).fill("All our suppliers");
    await page.getByText("Unsaved changes").waitFor();
    page.once("dialog", (dialog) => dialog.accept());
    await page.reload();
    await page.getByText(/kept changes to this guide/).waitFor();
    await page.getByRole("button", { name: "Restore them" }).click();
    assert.equal(await page.getByLabel("Title", { exact: true }).inputValue(), "All our suppliers");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText(/changes not published/).waitFor();
    // Put back what the end user will see, and save it.
    await page.getByLabel("Title", { exact: true }).fill("All your suppliers");
    await page.keyboard.press("Control+s");
    await page.getByText(/Saved · live version v1$/).waitFor();

    await page.getByRole("button", { name: "← Guides" }).click();
    await page.getByRole("searchbox", { name: "Search" }).fill(SUFFIX);
    await page.getByRole("link", { name: TITLE }).waitFor();
    assert.match(await page.locator("table.guides tbody tr").first().textContent(), /Live v1/);
    await shot(page, "editor-12-guides-after");

    // An end user, in a fresh browser: offered the tour on the suppliers page.
    const user = await freshPage({ width: 1280, height: 800 });
    await user.page.goto(`${BASE}/demo/suppliers`);
    const dialog = user.page.getByRole("dialog");
    await dialog.getByText("All your suppliers").waitFor();
    await shot(user.page, "user-01-step-1");
    await dialog.getByRole("button", { name: "Next" }).click();
    await dialog.getByText("Open a supplier").waitFor();
    await shot(user.page, "user-02-step-2");
    await dialog.getByRole("button", { name: "Next" }).click();
    await dialog.getByText("Who you are").waitFor();
    await shot(user.page, "user-03-step-3");
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "hidden" });
    // Once, and completed: a reload does not offer it again.
    await user.page.reload();
    await user.page.locator("h1", { hasText: "Suppliers" }).waitFor();
    await user.page.waitForTimeout(1000);
    assert.equal(await user.page.getByRole("dialog").getByText("All your suppliers").isVisible(), false);
    assert.deepEqual(user.errors, []);
    await user.context.close();

    // The agent deletes the tour: asked to confirm, in the row.
    await page.getByRole("button", { name: `Delete ${TITLE}` }).click();
    await page.getByRole("alert").getByRole("button", { name: "Delete" }).click();
    await page.getByText(/Deleted “find-a-supplier-/).waitFor();
    await page.getByRole("link", { name: TITLE }).waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the ticket inbox lists what users sent", async () => {
    const { context, page, errors } = await freshPage();
    // A user files a ticket from the demo app (the runtime's own path to the server).
    const demo = await context.newPage();
    await demo.goto(`${BASE}/demo/`);
    const filed = await demo.evaluate(async () => {
      const res = await fetch("/v1/apps/demo/tickets", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `e2e-${Date.now()}` },
        body: JSON.stringify({ subject: "Cannot find the cost centre", description: "I am stuck on step 4.", guide: "raise-requisition", step: "cost-centre" }),
      });
      return res.status;
    });
    await signIn(page);
    await page.getByRole("link", { name: "Ticket inbox" }).click();
    await page.getByRole("heading", { name: "Ticket inbox" }).waitFor();
    if (filed === 202) {
      await page.getByText("Cannot find the cost centre").first().click();
      await page.getByText("I am stuck on step 4.").first().waitFor();
    } else {
      await page.getByText(/does not offer the ticket inbox|No tickets/).waitFor();
    }
    await shot(page, "editor-13-inbox");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("an app that cannot be framed is picked from in a window of its own", async () => {
    const { context, page, errors } = await freshPage();
    await signIn(page);
    await page.getByRole("button", { name: "New guide" }).click();
    await page.getByRole("button", { name: "Create and edit" }).click();
    await page.getByRole("button", { name: "Pick element in app" }).click();
    const opened = context.waitForEvent("page");
    await page.getByRole("button", { name: "Open in a window" }).click();
    const app = await opened;
    await app.locator("waymark-root[data-waymark-picking]").waitFor({ state: "attached" });
    await app.locator("#user-switch").click();
    const first = page.locator(".candidates .candidate").first();
    await first.waitFor();
    assert.equal(await first.locator(".selector").textContent(), "#user-switch");
    await first.locator("button").click();
    assert.equal(await page.getByLabel("Selector 1", { exact: true }).inputValue(), "#user-switch");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the JSON view reports problems by path as the agent types", async () => {
    const { context, page, errors } = await freshPage();
    await signIn(page);
    await page.getByRole("button", { name: "New guide" }).click();
    await page.getByRole("button", { name: "Create and edit" }).click();
    await page.getByRole("tab", { name: "JSON" }).click();
    const textarea = page.getByLabel("Guide JSON");
    await textarea.fill(JSON.stringify({
      schema: 1, id: "x", kind: "tour", title: "X", version: 1,
      match: { urls: ["/**"] },
      steps: [{ id: "a", title: "A", body: "", target: { css: [""] } }],
    }));
    const paths = page.locator(".problem .path");
    await paths.first().waitFor();
    assert.ok((await paths.allTextContents()).includes("steps[0].target.css[0]"));
    // The summary sends the agent to the field.
    await page.locator(".summary").getByRole("button", { name: "Step 1" }).click();
    await page.locator("#f-steps-0-target-css-0:focus").waitFor();
    await page.getByRole("tab", { name: "JSON" }).click();
    await textarea.fill("{ not json");
    await page.locator(".problem .path", { hasText: "line 1" }).waitFor();
    await textarea.fill(JSON.stringify({
      schema: 1, id: "welcome", kind: "tour", title: "Welcome", version: 1,
      match: { urls: ["/**"] },
      steps: [{ id: "a", title: "Hello", body: "Hi.", target: { css: ["#main"] } }],
    }));
    await page.locator(".json-view .ok").waitFor();
    assert.equal(await paths.count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
