// Help for stuck users in the page: the offer (Show me again / Related help /
// Contact IT), "I'm stuck" on every step and in the launcher, the ticket form with
// every part editable and a switch per attachment, the ticket kept on the device
// while offline, and "Did this solve it?" at the end of a guide. Tickets go to the
// e2e server's built-in inbox, read back through the admin API.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { BASE, help, initInline, launch, openPage, screenshots, ui, waitForStep } from "./helpers.mjs";

const TOKEN = process.env.WAYMARK_ADMIN_TOKEN;
const RUN = `${process.pid}-${Date.now().toString(36)}`;

let browser;
before(async () => {
  assert.ok(TOKEN, "WAYMARK_ADMIN_TOKEN is the e2e server's admin token (./build.sh test sets it)");
  browser = await launch();
});
after(async () => { await browser?.close(); });

/** Tickets in the demo app's inbox with this subject. */
async function inbox(subject) {
  const res = await fetch(`${BASE}/v1/apps/demo/inbox?limit=200`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200);
  const all = await res.json();
  return all.filter((t) => t.ticket.subject === subject);
}

/** From the demo's first step, "I'm stuck" then "Contact IT": the ticket form's locators. */
async function openTicketForm(page) {
  await waitForStep(page, "Welcome to Purchasing");
  const h = help(page);
  await page.locator("waymark-root .pop .stuck").click();
  await h.contact.click();
  return h;
}

const user = { id: "dana", name: "Dana Ortiz", email: "dana@acme.example" };

const costGuide = {
  schema: 1, id: "cost-help", kind: "tour", title: "Set the cost centre", version: 1,
  match: { urls: ["/demo/lab/**"] }, start: "auto", frequency: "always",
  category: "purchasing", priority: "high",
  error_selector: ".alert-error",
  related_help: "https://help.example.com/cost-centres",
  capture_fields: true,
  steps: [
    { id: "type-cost", title: "Type the cost centre", body: "Four digits, then **Save**.",
      target: { css: ["#cost"] }, advance: { kind: "next" }, allow_interaction: true },
    { id: "saved", title: "Saved" },
  ],
};

test("an error message during a step offers help; the ticket lists the page's errors, failed requests and the typed value, each switchable, redacted", async () => {
  const shot = screenshots("help-error");
  const { page, context } = await openPage(browser, "/demo/lab/help.html");
  await initInline(page, [costGuide], { app: "demo", user });
  await waitForStep(page, "Type the cost centre");
  await page.locator("#cost").fill("9999");
  await page.locator("#save").click();
  const h = help(page);
  await h.panel.waitFor();
  assert.match(await h.text.textContent(), /showed an error/);
  assert.equal(await h.related.isVisible(), true, "the guide names a help page");
  await shot(page, "offer-after-error");
  await h.contact.click();
  await h.subject.waitFor();
  assert.equal(await h.priority.inputValue(), "high");
  const labels = await h.attachments.locator(".switch span").allTextContents();
  assert.deepEqual(labels, ["Browser and device", "Recent script errors", "Failed requests", "Values entered in the form"]);
  const texts = await h.attachments.locator(".attachment-text").allTextContents();
  assert.match(texts[1], /Could not save for \[email\]/, "script errors are redacted");
  assert.ok(!texts.join("\n").includes("dana@acme.example"));
  assert.match(texts[2], /POST \/demo\/api\/cost-centres\/9999 → 405/, "method, path and status");
  assert.ok(!texts[2].includes("session=abc"), "no query string");
  assert.match(texts[3], /cost_centre: 9999/, "the guide allows capturing the step's field");
  // The user leaves the typed value out and sends.
  await h.attachments.nth(3).locator("input").uncheck();
  const subject = `Cost centre refused (${RUN})`;
  await h.subject.fill(subject);
  await shot(page, "form");
  await h.send.click();
  await h.done.waitFor();
  const [ticket] = await inbox(subject);
  assert.ok(ticket, "the ticket is in the inbox");
  const body = ticket.ticket.description;
  assert.match(body, /Recent script errors:/);
  assert.match(body, /Failed requests:/);
  assert.ok(!body.includes("9999 does not exist") && !body.includes("cost_centre: 9999"), "the switched-off part is not sent");
  assert.equal(ticket.ticket.priority, "high");
  assert.equal(ticket.ticket.guide, "cost-help");
  assert.equal(ticket.ticket.step, "type-cost");
  assert.equal(ticket.ticket.user.email, "dana@acme.example");
  await context.close();
});

test("keyboard only: I'm stuck, Contact IT, edit, send; Esc closes the panel and focus goes back", async () => {
  const shot = screenshots("help-keyboard");
  const { page, errors, context } = await openPage(browser, "/demo/");
  await waitForStep(page, "Welcome to Purchasing");
  const h = help(page);
  // Tab from Next (focused) around to "I'm stuck" and press it.
  await page.keyboard.press("Shift+Tab");
  const focused = () => page.evaluate(() => {
    const a = document.querySelector("waymark-root").shadowRoot.activeElement;
    return a ? `${a.tagName.toLowerCase()}.${a.className}` : null;
  });
  for (let i = 0; i < 4 && !(await focused())?.includes("stuck"); i++) await page.keyboard.press("Shift+Tab");
  assert.match(await focused(), /stuck/);
  await page.keyboard.press("Enter");
  await h.panel.waitFor();
  assert.match(await focused(), /contact/, "focus moves into the offer the user asked for");
  await page.keyboard.press("Escape");
  await h.panel.waitFor({ state: "hidden" });
  assert.match(await focused(), /next/, "focus goes back to the step");
  await waitForStep(page, "Welcome to Purchasing");

  await page.locator("waymark-root .pop .stuck").focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await h.subject.waitFor();
  assert.match(await focused(), /subject/, "the form opens on its subject");
  const subject = `Typed with the keyboard (${RUN})`;
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(subject);
  await shot(page, "form");
  // Enter in the subject sends the form.
  await page.keyboard.press("Enter");
  await h.done.waitFor();
  assert.match(await focused(), /done/);
  await shot(page, "sent");
  assert.equal((await inbox(subject)).length, 1);
  await page.keyboard.press("Enter");
  await h.panel.waitFor({ state: "hidden" });
  assert.deepEqual(errors, []);
  await context.close();
});

test("an empty subject is refused in the form, with the reason announced", async () => {
  const { page, context } = await openPage(browser, "/demo/");
  const h = await openTicketForm(page);
  await h.subject.fill("   ");
  await h.send.click();
  assert.equal(await h.error.textContent(), "Please write a subject.");
  assert.equal(await h.error.getAttribute("role"), "alert");
  assert.equal(await h.panel.locator("form").isVisible(), true, "the form stays, nothing lost");
  await context.close();
});

test("offline: the ticket is kept on the device, shown as saved, and sent once when the browser is back online", async () => {
  const shot = screenshots("help-offline");
  const { page, context } = await openPage(browser, "/demo/");
  const h = await openTicketForm(page);
  const subject = `Sent while offline (${RUN})`;
  await h.subject.fill(subject);
  await context.setOffline(true);
  await h.send.click();
  await h.done.waitFor();
  assert.equal(await h.title.textContent(), "Ticket saved");
  assert.match(await h.text.textContent(), /saved on this device and will be sent automatically/);
  await shot(page, "saved-offline");
  const kept = JSON.parse(await page.evaluate(() => localStorage.getItem("waymark:demo:tickets")));
  assert.equal(kept.length, 1);
  assert.ok(kept[0].key.startsWith("wm-"), "kept with its idempotency key");
  assert.equal(JSON.parse(kept[0].body).subject, subject);
  assert.equal((await inbox(subject)).length, 0);

  await context.setOffline(false);
  await page.waitForFunction(() => localStorage.getItem("waymark:demo:tickets") === null, undefined, { timeout: 15_000 });
  const tickets = await inbox(subject);
  assert.equal(tickets.length, 1, "sent exactly once");
  await context.close();
});

test("a ticket saved offline is sent from the next page load", async () => {
  const { page, context } = await openPage(browser, "/demo/");
  const h = await openTicketForm(page);
  const subject = `Sent after a reload (${RUN})`;
  await h.subject.fill(subject);
  // The server cannot be reached (but the page can reload): the ticket waits.
  await page.route("**/v1/apps/demo/tickets", (route) => route.abort("connectionrefused"));
  await h.send.click();
  await h.done.waitFor();
  assert.equal(await h.title.textContent(), "Ticket saved");
  await page.unroute("**/v1/apps/demo/tickets");
  await page.reload();
  await page.waitForFunction(() => localStorage.getItem("waymark:demo:tickets") === null, undefined, { timeout: 15_000 });
  assert.equal((await inbox(subject)).length, 1);
  await context.close();
});

test("Show me again goes back to the step; Related help opens the guide's help page", async () => {
  const { page, context } = await openPage(browser, "/demo/lab/help.html");
  await context.route("https://help.example.com/**", (route) =>
    route.fulfill({ contentType: "text/html", body: "<title>Cost centres</title><h1>Cost centres</h1>" }));
  await initInline(page, [costGuide], { app: "demo", user });
  await waitForStep(page, "Type the cost centre");
  const h = help(page);
  await page.locator("waymark-root .pop .stuck").click();
  await h.again.click();
  await h.panel.waitFor({ state: "hidden" });
  await waitForStep(page, "Type the cost centre");
  await page.locator("waymark-root .pop .stuck").click();
  const opened = context.waitForEvent("page");
  await h.related.click();
  const tab = await opened;
  await tab.waitForLoadState();
  assert.equal(tab.url(), "https://help.example.com/cost-centres");
  await h.panel.waitFor({ state: "hidden" });
  await context.close();
});

test("I'm stuck in the launcher offers Contact IT without a tour running", async () => {
  const { page, context } = await openPage(browser, "/demo/suppliers");
  await ui(page).launcher.click();
  await ui(page).panel.locator(".stuck-link").click();
  const h = help(page);
  await h.panel.waitFor();
  assert.equal(await h.again.isVisible(), false, "nothing to show again");
  await h.contact.click();
  await h.subject.waitFor();
  assert.match(await h.subject.inputValue(), /Help needed/);
  assert.match(await h.description.inputValue(), /Page: Suppliers/);
  await context.close();
});

const quick = {
  schema: 1, id: "quick", kind: "tour", title: "Quick tour", version: 1,
  match: { urls: ["/demo/lab/**"] }, start: "launcher", frequency: "always",
  steps: [{ id: "one", title: "One" }, { id: "two", title: "Two" }],
};

async function finishFromLauncher(page) {
  await ui(page).launcher.click();
  await ui(page).panel.getByRole("button", { name: /Quick tour/ }).click();
  await waitForStep(page, "One");
  await ui(page).next.click();
  await waitForStep(page, "Two");
  await ui(page).next.click();
}

test("Did this solve it? after a guide from the launcher: yes is recorded, no opens the ticket form", async () => {
  const shot = screenshots("help-solved");
  const { page, errors, context } = await openPage(browser, "/demo/lab/api.html");
  await page.evaluate(() => {
    window.answers = [];
  });
  await initInline(page, [quick], { app: "demo", user });
  await page.evaluate(async () => {
    const { on } = await import("/sdk/waymark.js");
    on("solved_answered", (e) => window.answers.push(e.detail));
  });
  const h = help(page);
  await finishFromLauncher(page);
  await h.yes.waitFor();
  assert.equal(await h.title.textContent(), "Did this solve it?");
  await shot(page, "question");
  await h.yes.click();
  await h.panel.waitFor({ state: "hidden" });

  await finishFromLauncher(page);
  await h.no.click();
  await h.subject.waitFor();
  assert.match(await h.description.inputValue(), /did not solve their problem/);
  await shot(page, "no-opens-form");
  await h.cancel.click();

  await finishFromLauncher(page);
  await h.skip.click();
  assert.deepEqual(await page.evaluate(() => window.answers), ["yes", "no", "skipped"]);

  // A tour that started by itself does not ask.
  await page.evaluate(async () => (await import("/sdk/waymark.js")).start("quick"));
  await waitForStep(page, "One");
  await ui(page).next.click();
  await ui(page).next.click();
  await page.waitForTimeout(300);
  assert.equal(await h.panel.isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test("ticket filed is counted once, whether the ticket went at once or after a reload", async () => {
  const segment = `once-${RUN}`;
  const who = { ...user, segment };
  const { page, context } = await openPage(browser, "/demo/lab/help.html");
  await initInline(page, [costGuide], { app: "demo", user: who });
  await waitForStep(page, "Type the cost centre");
  const h = help(page);
  const file = async (subject) => {
    await page.locator("waymark-root .pop .stuck").click();
    await h.contact.click();
    await h.subject.fill(subject);
    await h.send.click();
    await h.done.waitFor();
    await h.done.click();
  };
  // One ticket the server takes at once...
  await file(`Counted once, direct (${RUN})`);
  // ...and one saved while the server cannot be reached, sent by the next page.
  await page.route("**/v1/apps/demo/tickets", (route) => route.abort("connectionrefused"));
  await file(`Counted once, after a reload (${RUN})`);
  await page.unroute("**/v1/apps/demo/tickets");
  await page.reload();
  await initInline(page, [costGuide], { app: "demo", user: who });
  await page.waitForFunction(() => localStorage.getItem("waymark:demo:tickets") === null, undefined, { timeout: 15_000 });
  // Leave the page so the last analytics batch goes out (sendBeacon on pagehide).
  await page.goto("about:blank");
  const filed = async () => {
    const res = await fetch(`${BASE}/v1/apps/demo/insights?segment=${encodeURIComponent(segment)}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 200);
    return (await res.json()).tickets_filed;
  };
  const deadline = Date.now() + 15_000;
  while ((await filed()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(await filed(), 2, "two tickets, two ticket_filed events");
  assert.equal((await inbox(`Counted once, after a reload (${RUN})`)).length, 1);
  await context.close();
});

test("without localStorage a ticket that could not be posted is still retried while the page lives", async () => {
  const { page, context } = await openPage(browser, null);
  await page.addInitScript(() => {
    Object.defineProperty(window, "localStorage", {
      get() { throw new DOMException("storage is forbidden here", "SecurityError"); },
    });
  });
  await page.goto(`${BASE}/demo/`);
  const h = await openTicketForm(page);
  const subject = `Retried without storage (${RUN})`;
  await h.subject.fill(subject);
  await page.route("**/v1/apps/demo/tickets", (route) => route.abort("connectionrefused"));
  await h.send.click();
  await h.done.waitFor();
  assert.equal(await h.title.textContent(), "Ticket saved");
  await page.unroute("**/v1/apps/demo/tickets");
  // The first retry comes 5 s after the failed post.
  const deadline = Date.now() + 20_000;
  while ((await inbox(subject)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
  assert.equal((await inbox(subject)).length, 1);
  await context.close();
});
