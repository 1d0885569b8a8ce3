// Shared pieces of the end-to-end specs: the browser, pages that fail on script
// errors, locators for Waymark's UI, and a screenshot per step.
//
// `./build.sh test` starts the server on a free port and passes its base URL in
// WAYMARK_URL; without it the specs use a server started by hand on :8080.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const BASE = process.env.WAYMARK_URL ?? "http://127.0.0.1:8080";
const HERE = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = join(HERE, "screenshots");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

// Without the background-networking flags Chromium keeps dialling out.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
}

/**
 * A fresh context and page (own localStorage) that records uncaught errors and
 * console warnings. `options` go to browser.newContext (viewport, reducedMotion...).
 */
export async function openPage(browser, path, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  page.on("pageerror", (error) => errors.push(error));
  page.on("console", (msg) => {
    if (msg.type() === "warning" || msg.type() === "error") warnings.push(msg.text());
  });
  if (path != null) await page.goto(BASE + path);
  return { context, page, errors, warnings };
}

/** Locators of Waymark's UI (Playwright's CSS pierces the open shadow root). */
export function ui(page) {
  return {
    popover: page.locator("waymark-root .pop"),
    title: page.locator("waymark-root .pop .title"),
    count: page.locator("waymark-root .pop .count"),
    next: page.locator("waymark-root .pop .next"),
    back: page.locator("waymark-root .pop .back"),
    close: page.locator("waymark-root .pop .close"),
    showMe: page.locator("waymark-root .pop .show-me"),
    overlay: page.locator("waymark-root .overlay"),
    launcher: page.locator("waymark-root .launcher"),
    panel: page.locator("waymark-root .panel"),
    tip: page.locator("waymark-root .tip"),
    beacons: page.locator("waymark-root .beacon"),
  };
}

/** Waits until the popover shows a step with this title, placed and visible. */
export async function waitForStep(page, title, timeout = 10_000) {
  await page.waitForFunction(
    (want) => {
      const pop = document.querySelector("waymark-root")?.shadowRoot?.querySelector(".pop");
      return pop && !pop.hidden && pop.classList.contains("placed") &&
        getComputedStyle(pop).opacity === "1" &&
        pop.querySelector(".title")?.textContent === want;
    },
    title,
    { timeout },
  );
}

/** Waits until the tip bubble is shown, placed and faded in. */
export async function waitForTip(page, timeout = 5_000) {
  await page.waitForFunction(() => {
    const tip = document.querySelector("waymark-root")?.shadowRoot?.querySelector(".tip");
    return tip && !tip.hidden && tip.classList.contains("placed") && getComputedStyle(tip).opacity === "1";
  }, undefined, { timeout });
}

/** Resolves once no popover is shown. */
export async function waitForNoStep(page, timeout = 10_000) {
  await page.waitForFunction(() => {
    const pop = document.querySelector("waymark-root")?.shadowRoot?.querySelector(".pop");
    return !pop || pop.hidden;
  }, undefined, { timeout });
}

/** Geometry of the popover, the overlay's hole and an element of the page. */
export function geometry(page, selector) {
  return page.evaluate((sel) => {
    const root = document.querySelector("waymark-root").shadowRoot;
    const box = (el) => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height, right: r.right, bottom: r.bottom };
    };
    let target = null;
    if (sel) {
      let scope = document;
      const parts = sel.split(">>>").map((s) => s.trim());
      let offset = { x: 0, y: 0 };
      for (const [i, part] of parts.entries()) {
        const el = scope.querySelector(part);
        if (!el) break;
        if (i === parts.length - 1) {
          const r = box(el);
          target = { ...r, x: r.x + offset.x, y: r.y + offset.y, right: r.right + offset.x, bottom: r.bottom + offset.y };
        } else if (el.shadowRoot) {
          scope = el.shadowRoot;
        } else if (el.contentDocument) {
          const fr = el.getBoundingClientRect();
          offset = { x: offset.x + fr.x + el.clientLeft, y: offset.y + fr.y + el.clientTop };
          scope = el.contentDocument;
        }
      }
    }
    return {
      popover: box(root.querySelector(".pop")),
      ring: box(root.querySelector(".overlay .ring")),
      viewport: { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight },
      target,
    };
  }, selector ?? null);
}

/** Saves tests/e2e/screenshots/SPEC/NN-NAME.png; numbering follows the calls. */
export function screenshots(spec) {
  let n = 0;
  const dir = join(SCREENSHOTS, spec);
  mkdirSync(dir, { recursive: true });
  return async (page, name) => {
    n += 1;
    const file = join(dir, `${String(n).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  };
}

/** Asserts `a` lies within `tolerance` px of `b` on every edge. */
export function near(a, b, tolerance = 1.5) {
  return ["x", "y", "width", "height"].every((k) => Math.abs(a[k] - b[k]) <= tolerance);
}

/** Loads Waymark on a lab page with inline guides and waits until it is ready. */
export async function initInline(page, guides, extra = {}) {
  await page.evaluate(async ({ guides, extra }) => {
    const mod = await import("/sdk/waymark.js");
    await new Promise((resolve) => {
      mod.on("ready", () => resolve());
      mod.init({ app: "lab", guides, ...extra });
    });
  }, { guides, extra });
}

/** Locators of the help panel: the offer, the ticket form, its status, the question. */
export function help(page) {
  const panel = page.locator("waymark-root .help");
  return {
    panel,
    title: panel.locator(".panel-title"),
    text: panel.locator(".help-text"),
    contact: panel.locator(".contact"),
    again: panel.locator(".again"),
    related: panel.locator(".related"),
    subject: panel.locator(".subject"),
    description: panel.locator(".description"),
    priority: panel.locator(".priority"),
    category: panel.locator(".category"),
    attachments: panel.locator(".attachment"),
    error: panel.locator(".form-error"),
    send: panel.locator(".send"),
    cancel: panel.locator(".cancel"),
    done: panel.locator(".done"),
    close: panel.locator(".panel-head .close"),
    yes: panel.locator(".yes"),
    no: panel.locator(".no"),
    skip: panel.locator(".skip"),
  };
}

/**
 * Starts a server of our own (the binary in WAYMARK_BIN, which ./build.sh test
 * exports) on a free port with a fresh SQLite database and `env` added, for specs
 * that need another configuration than the shared e2e server (a real help desk).
 */
export async function startServer(env = {}) {
  const bin = process.env.WAYMARK_BIN;
  if (!bin) throw new Error("WAYMARK_BIN is not set: run the e2e suite through ./build.sh test");
  const { spawn } = await import("node:child_process");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const root = join(HERE, "..", "..");
  const dir = mkdtempSync(join(tmpdir(), "waymark-e2e-"));
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--www", join(root, "www"), "--guides", join(root, "guides")], {
    env: { ...process.env, WAYMARK_DATABASE_URL: `sqlite://${dir}/waymark.db`, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log}`)), 20_000);
    const read = (chunk) => {
      log += chunk;
      const m = log.match(/^Waymark demo: (http:\/\/[^/\s]+)\/demo\/$/m);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => reject(new Error(`the server exited (${code}):\n${log}`)));
  });
  return {
    url,
    log: () => log,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on("exit", resolve)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * axe-core's violations on the page (Waymark's shadow root included), in short.
 * axe is evaluated through DevTools rather than added as a script tag, so it also
 * runs on host pages whose CSP forbids inline scripts.
 */
export async function axe(page) {
  AXE_SOURCE ??= readFileSync(AXE, "utf8");
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
  }));
}
let AXE_SOURCE;
