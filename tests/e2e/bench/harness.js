// The page side of tests/e2e/bench-peers.mjs: one 10-step tour on tour.html, run by
// the library named in the page's `?lib=` (waymark, shepherd, driver, intro, or none
// for the page alone), each with the options its documentation gives for an overlay,
// a title, a body, Back/Next and instant scrolling. Loaded as the page's last module
// script, so it runs after the library's own tags (deferred and module scripts run in
// document order).
//
// "Painted", the same for all four: the first frame rendered with the library's
// popover visible (displayed, not hidden, opaque, inside the viewport),
// showing the step's title, at the position it then keeps. It is timed at the first
// task after that frame's rendering (a message posted from the frame's
// requestAnimationFrame callback is delivered after the frame's style, layout and
// paint); the popover is read there, when layout is clean, so reading it adds no
// work to the library's. A state counts as kept when it stays the same for SETTLE_MS
// of frames after it first shows.

const SETTLE_MS = 300;
const GIVE_UP_MS = 8000;

const lib = new URLSearchParams(location.search).get("lib") ?? "none";

/** The tour, from the page's ten target buttons (#t0 ... #t9). */
const steps = Array.from({ length: 10 }, (_, k) => {
  const row = document.getElementById(`t${k}`).textContent.replace(/\D+/g, "");
  return {
    target: `#t${k}`,
    title: `Step ${k + 1}: line ${row}`,
    body: `Check the quantity and price of line ${row}, then approve it.`,
  };
});

const byCss = (css) => () => Array.from(document.querySelectorAll(css));

const adapters = {
  none: {
    load: async () => null,
  },
  waymark: {
    load: async () => {
      const w = await (await import("/sdk/waymark.js")).ready;
      if (!w) throw new Error("the Waymark runtime did not load");
      return w;
    },
    start: (w) => w.init({
      app: "demo",
      launcher: false,
      guides: [{
        schema: 1, id: "bench-tour", kind: "tour", title: "Order lines", version: 1,
        match: { urls: ["/bench/**"] }, start: "auto", frequency: "always",
        steps: steps.map((s, k) => ({
          id: `s${k}`, title: s.title, body: s.body, target: { css: [s.target] }, placement: "right",
        })),
      }],
    }),
    popover: () => [document.querySelector("waymark-root")?.shadowRoot?.querySelector(".pop")],
    title: ".title",
    next: ".next",
  },
  shepherd: {
    load: async () => (await import("/peers/shepherd.js/dist/js/shepherd.mjs")).default,
    start: (Shepherd) => {
      const tour = new Shepherd.Tour({
        useModalOverlay: true,
        defaultStepOptions: {
          scrollTo: { behavior: "instant", block: "center" },
          cancelIcon: { enabled: true },
        },
      });
      steps.forEach((s, k) => tour.addStep({
        id: `s${k}`,
        title: s.title,
        text: s.body,
        attachTo: { element: s.target, on: "right" },
        buttons: [
          { text: "Back", secondary: true, action() { this.back(); } },
          { text: "Next", action() { this.next(); } },
        ],
      }));
      tour.start();
    },
    popover: byCss(".shepherd-element.shepherd-enabled"),
    title: ".shepherd-title",
    next: ".shepherd-footer .shepherd-button:last-child",
  },
  driver: {
    load: async () => window.driver.js.driver,
    start: (driver) => driver({
      animate: false,
      smoothScroll: false,
      showProgress: true,
      steps: steps.map((s) => ({ element: s.target, popover: { title: s.title, description: s.body, side: "right" } })),
    }).drive(),
    popover: byCss(".driver-popover"),
    title: ".driver-popover-title",
    next: ".driver-popover-next-btn",
  },
  intro: {
    load: async () => window.introJs,
    start: (introJs) => {
      introJs.tour().setOptions({
        scrollToElement: true,
        showProgress: true,
        steps: steps.map((s) => ({ element: s.target, title: s.title, intro: s.body, position: "right" })),
      }).start();
    },
    popover: byCss(".introjs-tooltip"),
    title: ".introjs-tooltip-title",
    next: ".introjs-nextbutton",
  },
};

const adapter = adapters[lib];
if (!adapter) throw new Error(`tour.html: unknown ?lib=${lib}`);

/** Whether the element is displayed, not hidden and in the viewport (at any opacity). */
function visible(el) {
  if (!el || !el.isConnected) return false;
  const style = getComputedStyle(el);
  if (style.display === "none" || style.visibility !== "visible") return false;
  const r = el.getBoundingClientRect();
  return r.width >= 1 && r.height >= 1 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
}

/** The library's visible popover (a library may keep the last step's, hidden). */
const popover = () => adapter.popover?.().find(visible) ?? null;

/**
 * The popover as shown now: its title, place, and whether it is opaque (a library
 * may place it transparent and fade it in later); null when none is displayed.
 */
function shown() {
  const pop = popover();
  if (!pop) return null;
  const r = pop.getBoundingClientRect();
  const title = pop.querySelector(adapter.title)?.textContent.trim() ?? "";
  return {
    title,
    key: `${title}|${Math.round(r.left)},${Math.round(r.top)},${Math.round(r.width)}x${Math.round(r.height)}`,
    opaque: Number(getComputedStyle(pop).opacity) >= 0.99,
  };
}

/** Resolves at the first task after the next frame has been rendered. */
const afterNextFrame = () => new Promise((resolve) => {
  requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve(performance.now());
    ch.port2.postMessage(0);
  });
});

/**
 * Waits for the step titled `title` to be painted, opaque, where it stays; resolves
 * with the time from t0 (`ms`), the time it was first painted there at any opacity
 * (`placed`), and how many places it was painted at, opaque, before (`moves`).
 */
async function painted(title, t0) {
  let first = null;
  let placed = null;
  let states = 0;
  for (;;) {
    const at = await afterNextFrame();
    const s = shown();
    const where = s && s.title === title ? s.key : null;
    const key = where && s.opaque ? where : null;
    if (where !== (placed?.key ?? null)) placed = where ? { key: where, at } : null;
    if (key !== (first?.key ?? null)) {
      if (key) states += 1;
      first = key ? { key, at } : null;
    }
    if (first && at - first.at >= SETTLE_MS) return { ms: first.at - t0, placed: placed.at - t0, moves: states - 1 };
    if (at - t0 > GIVE_UP_MS) {
      throw new Error(`${lib}: "${title}" not painted after ${GIVE_UP_MS} ms (showing: ${s ? s.key : "nothing"})`);
    }
  }
}

/** The page's stylesheets, loaded (a library's CSS is part of being ready). */
const sheetsLoaded = () => Promise.all(
  Array.from(document.querySelectorAll('link[rel="stylesheet"]'), (link) => link.sheet
    ? null
    : new Promise((resolve, reject) => {
      link.addEventListener("load", resolve, { once: true });
      link.addEventListener("error", () => reject(new Error(`stylesheet ${link.href} failed`)), { once: true });
    })),
);

let api = null;
const settle = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));

window.__bench = {
  lib,
  steps: steps.map((s) => s.title),
  /** ms from navigation start until the library can start a tour. */
  ready: (async () => {
    const [loaded] = await Promise.all([adapter.load(), sheetsLoaded()]);
    api = loaded;
    return performance.now();
  })(),
  /** Starts the tour; ms until its first step is painted. */
  async start() {
    await settle();
    const t0 = performance.now();
    adapter.start(api);
    return painted(steps[0].title, t0);
  },
  /** Presses the shown step's Next; ms until step `k` (0-based) is painted. */
  async next(k) {
    const button = popover()?.querySelector(adapter.next);
    if (!button) throw new Error(`${lib}: no Next button on step ${k}`);
    const t0 = performance.now();
    button.click();
    return painted(steps[k].title, t0);
  },
  /** Scrolls `frames` frames, 3 px a frame down and then back up, the way a wheel does. */
  async scroll(frames) {
    for (let i = 0; i < frames; i += 1) {
      await new Promise((r) => requestAnimationFrame(r));
      scrollBy(0, i < frames / 2 ? 3 : -3);
    }
    await new Promise((r) => requestAnimationFrame(r));
    return shown()?.title ?? null;
  },
};
