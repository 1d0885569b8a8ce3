// The suite's foreign host: Acme Procurement (./portal/server.mjs), a server-rendered
// business app on an origin of its own with strict headers, and the Waymark app
// `portal` it loads its guides from.
//
//   const portal = await startPortal({ waymark: BASE });          // another port
//   await publishPortalApp({ waymark: BASE, token, origin: portal.url });
//   await page.goto(portal.url + "/purchasing/");
//
// Specs that pass only on Waymark's own origin are bugs in the spec: everything a
// user does in a host app is tested here too.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPortalServer } from "./portal/server.mjs";

const GUIDES = join(dirname(fileURLToPath(import.meta.url)), "portal", "guides");
export const PORTAL_APP = "portal";

/** The portal's guides, as published into the `portal` app. */
export function portalGuides() {
  return readdirSync(GUIDES)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(GUIDES, f), "utf8")));
}

/**
 * Starts the portal on a free loopback port, loading Waymark from `waymark`.
 * `user` becomes the tag's data-user-* attributes (default: Dana, a buyer, whose
 * e-mail is an intranet address as many host apps have them).
 */
export function startPortal({ waymark, user, tag = {}, coop = false }) {
  const who = user ?? { id: "dana", name: "Dana Ortiz", email: "dana@localhost", role: "buyer" };
  const attrs = { "data-app": PORTAL_APP, ...tag };
  for (const [key, value] of Object.entries(who)) {
    attrs[key === "id" ? "data-user" : `data-user-${key}`] = value;
  }
  return startPortalServer({ waymark, tag: attrs, coop });
}

async function api(waymark, token, method, path, body) {
  const res = await fetch(`${waymark}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * Makes sure the Waymark app `portal` exists on `waymark`, allows `origin` (kept
 * beside origins added before, so specs with portals of their own can share a
 * server) and has the portal's guides published. Throws with the server's answer.
 */
export async function publishPortalApp({ waymark, token, origin, guides = portalGuides() }) {
  if (!token) throw new Error("publishPortalApp needs the admin token (WAYMARK_ADMIN_TOKEN)");
  const found = await api(waymark, token, "GET", `/v1/apps/${PORTAL_APP}`);
  if (found.status === 404) {
    const made = await api(waymark, token, "POST", "/v1/apps", { id: PORTAL_APP, name: "Acme Procurement", origins: [origin] });
    if (made.status !== 201) throw new Error(`creating the portal app: ${made.status} ${JSON.stringify(made.body)}`);
  } else if (found.status === 200) {
    const origins = [...new Set([...(found.body.origins ?? []), origin])];
    const changed = await api(waymark, token, "PUT", `/v1/apps/${PORTAL_APP}`, { origins });
    if (changed.status !== 200) throw new Error(`allowing ${origin}: ${changed.status} ${JSON.stringify(changed.body)}`);
  } else {
    throw new Error(`reading the portal app: ${found.status} ${JSON.stringify(found.body)}`);
  }
  // A checklist names the tours it lists: publish it after them.
  const inOrder = [...guides].sort((a, b) => (a.kind === "checklist") - (b.kind === "checklist"));
  for (const guide of inOrder) {
    const put = await api(waymark, token, "PUT", `/v1/apps/${PORTAL_APP}/drafts/${guide.id}`, guide);
    if (put.status >= 300) throw new Error(`saving ${guide.id}: ${put.status} ${JSON.stringify(put.body)}`);
    const published = await api(waymark, token, "POST", `/v1/apps/${PORTAL_APP}/drafts/${guide.id}/publish`);
    if (published.status >= 300) throw new Error(`publishing ${guide.id}: ${published.status} ${JSON.stringify(published.body)}`);
  }
}

/**
 * A fresh context (own storage) on the portal at `path`, recording what a strict
 * host must never see from Waymark: uncaught errors, console errors and warnings
 * (a CSP or Trusted Types refusal is one), and `securitypolicyviolation` events.
 * `assertClean()` fails with all of them.
 */
export async function openPortalPage(browser, portal, path, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "warning" || msg.type() === "error") problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  await page.exposeFunction("__portalViolation", (v) => problems.push(`CSP violation: ${v}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__portalViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  if (path != null) await page.goto(portal.url + path);
  return {
    context,
    page,
    problems,
    assertClean() {
      if (problems.length) throw new Error(`the portal saw problems:\n${problems.join("\n")}`);
    },
  };
}
