// A stuck user on the foreign host files a ticket that lands in the real Request
// Tracker 5 (./build.sh test starts it: WAYMARK_RT_URL). The portal is on another
// origin than Waymark's server, sends a strict CSP, and gives its users intranet
// e-mail addresses (dana@localhost) that a strict address check would refuse: the
// ticket must still be filed, never refused for a field the user cannot fix.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { help, launch, screenshots, startServer, waitForStep } from "./helpers.mjs";
import { openPortalPage, publishPortalApp, startPortal } from "./hosts/portal.mjs";

const RT_URL = process.env.WAYMARK_RT_URL;
const TOKEN = process.env.WAYMARK_ADMIN_TOKEN;
const RUN = `${process.pid}-${Date.now().toString(36)}`;

let browser;
let server;
let portal;

before(async () => {
  assert.ok(RT_URL, "WAYMARK_RT_URL names the RT instance (./build.sh test starts it)");
  assert.ok(TOKEN, "WAYMARK_ADMIN_TOKEN is the admin token the e2e servers use");
  browser = await launch();
  server = await startServer({
    WAYMARK_HELPDESK__KIND: "rt",
    WAYMARK_HELPDESK__URL: RT_URL,
    WAYMARK_HELPDESK__USERNAME: "root",
    WAYMARK_HELPDESK__PASSWORD: "password",
    WAYMARK_OUTBOX__BASE_MS: "300",
    WAYMARK_OUTBOX__CAP_MS: "2000",
    WAYMARK_OUTBOX__POLL_MS: "200",
  });
  portal = await startPortal({ waymark: server.url });
  await publishPortalApp({ waymark: server.url, token: TOKEN, origin: portal.url });
});

after(async () => {
  await browser?.close();
  await portal?.stop();
  await server?.stop();
});

async function rt(path) {
  const res = await fetch(`${RT_URL}/REST/2.0/${path}`, {
    headers: { authorization: "Basic " + Buffer.from("root:password").toString("base64") },
  });
  assert.equal(res.status, 200, `RT answers ${path}`);
  return res.json();
}

async function waitFor(what, check, timeout = 90_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

test("stuck on the portal's form: I'm stuck, Contact IT, and the ticket lands in RT with the portal's page", async () => {
  const shot = screenshots("foreign-tickets-rt");
  const opened = await openPortalPage(browser, portal, null);
  const { page, context } = opened;
  await page.clock.install();
  await page.goto(portal.url + "/purchasing/");
  await waitForStep(page, "Welcome to Acme Procurement");
  await page.locator("waymark-root .pop .next").click();
  await waitForStep(page, "Start a new request");
  await page.locator("main a.new-request").click();
  await waitForStep(page, "Name the request");

  const h = help(page);
  await page.locator("waymark-root .pop .stuck").click();
  await h.contact.click();
  await h.subject.waitFor();
  await shot(page, "form");
  const subject = `Which title do I give a framework order? (${RUN})`;
  await h.subject.fill(subject);
  const draft = await h.description.inputValue();
  assert.match(draft, /Raise a purchase request/, "the draft names the guide");
  assert.match(draft, /Name the request/, "and the step");
  await h.send.click();
  await h.done.waitFor();
  assert.equal(await h.error.isVisible(), false, "no error the user cannot fix");

  const text = await waitFor("the RT number in the panel", async () => {
    await page.clock.fastForward(2_000);
    const t = await h.text.textContent();
    return /received it as ticket \d+/.test(t) ? t : null;
  });
  await shot(page, "sent");
  const number = text.match(/ticket (\d+)/)[1];
  const ticket = await rt(`ticket/${number}`);
  assert.equal(ticket.Subject, subject);
  const atts = await rt(`ticket/${number}/attachments?fields=ContentType,Content`);
  const raw = atts.items.map((a) => a.Content).find((c) => c) ?? "";
  const decoded = Buffer.from(raw, "base64").toString("utf8");
  const description = decoded.includes("Waymark") || decoded.includes("portal") ? decoded : raw;
  for (const expected of ["portal-new-request", "Name the request", `${portal.url}/purchasing/requests/new`, "dana@localhost"]) {
    assert.ok(description.includes(expected), `the description names ${expected}:\n${description}`);
  }
  opened.assertClean();
  await context.close();
});
