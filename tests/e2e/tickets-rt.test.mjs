// Stuck users file tickets that land in a real Request Tracker 5.
//
// ./build.sh test installs RT from Debian's packages, starts a private instance
// (scripts/rt.sh) and passes WAYMARK_RT_URL and WAYMARK_RT_DIR. This spec starts a
// Waymark server of its own that delivers to that RT, drives the demo in Chromium as
// a stuck user would, and reads the tickets back through RT's REST2 API. The three
// scenarios share the RT instance and run one after the other (the second stops it).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { help, launch, openPage, screenshots, startServer, waitForStep } from "./helpers.mjs";

const RT_URL = process.env.WAYMARK_RT_URL;
const RT_DIR = process.env.WAYMARK_RT_DIR;
const RT_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "scripts", "rt.sh");
const RUN = `${process.pid}-${Date.now().toString(36)}`;

let browser;
let server;

before(async () => {
  assert.ok(RT_URL && RT_DIR, "WAYMARK_RT_URL and WAYMARK_RT_DIR name the RT instance (./build.sh test starts it)");
  browser = await launch();
  server = await startServer({
    WAYMARK_HELPDESK__KIND: "rt",
    WAYMARK_HELPDESK__URL: RT_URL,
    WAYMARK_HELPDESK__USERNAME: "root",
    WAYMARK_HELPDESK__PASSWORD: "password",
    // Retry quickly, so the outage scenario does not wait minutes for RT to return.
    WAYMARK_OUTBOX__BASE_MS: "300",
    WAYMARK_OUTBOX__CAP_MS: "2000",
    WAYMARK_OUTBOX__POLL_MS: "200",
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function rt(path) {
  const res = await fetch(`${RT_URL}/REST/2.0/${path}`, {
    headers: { authorization: "Basic " + Buffer.from("root:password").toString("base64") },
  });
  assert.equal(res.status, 200, `RT answers ${path}`);
  return res.json();
}

async function rtTicketsWithSubject(subject) {
  const query = encodeURIComponent(`Subject = '${subject}'`);
  const found = await rt(`tickets?query=${query}`);
  return found.items.map((t) => t.id);
}

/** The text of the ticket's first message: what the user sent. */
async function rtDescription(id) {
  const atts = await rt(`ticket/${id}/attachments?fields=ContentType,Content`);
  const content = atts.items.map((a) => a.Content).find((c) => c) ?? "";
  // REST2 gives attachment content base64-encoded.
  const text = Buffer.from(content, "base64").toString("utf8");
  return text.includes("Waymark") ? text : content;
}

async function waitFor(what, check, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; the server's log ends:\n${server?.log().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The demo with the tour started and the page's clock under the test's control. */
async function demoOnFirstStep() {
  const opened = await openPage(browser, null);
  await opened.page.clock.install();
  await opened.page.goto(`${server.url}/demo/`);
  await waitForStep(opened.page, "Welcome to Purchasing");
  return opened;
}

/** From the help offer to the filled form, with this subject; returns the locators. */
async function fileFromOffer(page, subject) {
  const h = help(page);
  await h.contact.click();
  await h.subject.waitFor();
  await h.subject.fill(subject);
  return h;
}

test("a user stalled on a step is offered help, edits the ticket and it lands in RT with guide, step and page", async () => {
  const shot = screenshots("tickets-rt");
  const { page, errors, context } = await demoOnFirstStep();
  const h = help(page);
  // Nothing is offered before the guide's limit (90 s on a step)...
  await page.clock.fastForward(60_000);
  assert.equal(await h.panel.isVisible(), false, "no offer after 60 s");
  // ...and help is offered once it passes, without taking the user's focus.
  await page.clock.fastForward(31_000);
  await h.panel.waitFor();
  assert.match(await h.text.textContent(), /on this step for a while/);
  assert.equal(await h.contact.isVisible(), true);
  assert.equal(await h.again.isVisible(), true, "Show me again while the tour runs");
  await shot(page, "offer");

  const subject = `Cannot find the cost centre (${RUN})`;
  await fileFromOffer(page, subject);
  const draft = await h.description.inputValue();
  assert.match(draft, /Raise a purchase requisition/);
  assert.match(draft, /Welcome to Purchasing/);
  assert.equal(await h.priority.inputValue(), "normal", "the guide's priority");
  assert.equal(await h.category.inputValue(), "purchasing", "the guide's category");
  await h.description.fill(`${draft}\n\nI also tried the search box.`);
  await shot(page, "form");
  await h.send.click();

  // The ticket's status is followed until RT has given it a number.
  const text = await waitFor("the RT number in the panel", async () => {
    await page.clock.fastForward(2_000);
    const t = await h.text.textContent();
    return /received it as ticket \d+/.test(t) ? t : null;
  });
  await shot(page, "sent");
  const number = text.match(/ticket (\d+)/)[1];

  const ticket = await rt(`ticket/${number}`);
  assert.equal(ticket.Subject, subject, "the subject as the user edited it");
  assert.equal(ticket.Requestor[0].id, "dana@acme.example", "the signed-in user is the requester");
  const queue = await rt(`queue/${ticket.Queue.id}`);
  assert.equal(queue.Name, "General");
  assert.equal(ticket.Priority, "50", "normal priority is RT's Medium (50)");
  const description = await rtDescription(number);
  for (const expected of ["raise-requisition", "Welcome to Purchasing", "/demo/", "I also tried the search box."]) {
    assert.ok(description.includes(expected), `the description names ${expected}:\n${description}`);
  }
  assert.deepEqual(await rtTicketsWithSubject(subject), [number]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a ticket filed while RT is down waits on the server and arrives exactly once", async () => {
  const shot = screenshots("tickets-rt-outage");
  const port = new URL(RT_URL).port;
  execFileSync(RT_SCRIPT, ["stop", RT_DIR]);
  let restarted = false;
  try {
    const { page, errors, context } = await demoOnFirstStep();
    const h = help(page);
    await page.locator("waymark-root .pop .stuck").click();
    const subject = `Filed while RT was down (${RUN})`;
    await fileFromOffer(page, subject);
    await h.send.click();
    await h.done.waitFor();
    assert.match(await h.text.textContent(), /IT will receive it in a moment/);
    await page.clock.fastForward(3_000);
    assert.match(await h.text.textContent(), /IT will receive it in a moment/, "still waiting for RT");
    await shot(page, "waiting-for-rt");

    execFileSync(RT_SCRIPT, ["start", RT_DIR, port]);
    restarted = true;
    const text = await waitFor("the RT number after RT came back", async () => {
      await page.clock.fastForward(2_000);
      const t = await h.text.textContent();
      return /received it as ticket \d+/.test(t) ? t : null;
    }, 90_000);
    await shot(page, "delivered-after-outage");
    const number = text.match(/ticket (\d+)/)[1];
    await new Promise((r) => setTimeout(r, 2_000));
    assert.deepEqual(await rtTicketsWithSubject(subject), [number], "exactly one RT ticket");
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    if (!restarted) execFileSync(RT_SCRIPT, ["start", RT_DIR, port]);
  }
});

test("the same ticket sent twice with one key is one RT ticket", async () => {
  const { page, errors, context } = await demoOnFirstStep();
  const h = help(page);
  // The first post reaches the server, but its answer is lost on the way back: the
  // runtime cannot know the server has it and posts it again with the same key.
  const keys = [];
  let lost = false;
  await page.route("**/v1/apps/demo/tickets", async (route) => {
    keys.push(route.request().headers()["idempotency-key"]);
    const response = await route.fetch();
    if (!lost) {
      lost = true;
      assert.equal(response.status(), 202, "the server stored the first post");
      await route.abort("connectionreset");
      return;
    }
    await route.fulfill({ response });
  });
  await page.locator("waymark-root .pop .stuck").click();
  const subject = `Sent twice with one key (${RUN})`;
  await fileFromOffer(page, subject);
  await h.send.click();
  await h.done.waitFor();
  assert.match(await h.text.textContent(), /saved on this device/, "the lost answer leaves it queued");
  const stored = await page.evaluate(() => localStorage.getItem("waymark:demo:tickets"));
  assert.ok(stored && stored.includes(subject), "kept in localStorage with its key");

  // The retry timer posts it again; the server answers with the same ticket.
  await waitFor("the second post", async () => {
    await page.clock.fastForward(6_000);
    return keys.length >= 2;
  });
  assert.equal(keys[0], keys[1], "one key for both posts");
  await waitFor("the queue to empty", () => page.evaluate(() => localStorage.getItem("waymark:demo:tickets") === null));
  const ids = await waitFor("the RT ticket", async () => {
    const found = await rtTicketsWithSubject(subject);
    return found.length ? found : null;
  });
  await new Promise((r) => setTimeout(r, 2_000));
  assert.deepEqual(await rtTicketsWithSubject(subject), ids, "still one RT ticket");
  assert.equal(ids.length, 1);
  assert.deepEqual(errors, []);
  await context.close();
});
