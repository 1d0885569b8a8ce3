
// ---- Waymark loader: appended to the wasm-bindgen glue by build.sh -------------
//
// Makes the module usable as it is imported: it starts loading the wasm at once
// (through the glue's own relative URL, so a server may rename the .wasm), exports
// the API as functions that wait for it, and, for the one-tag embed
//   <script type="module" src=".../sdk/waymark.js" data-app="APP"></script>
// calls init with the tag's data attributes. Nothing here throws into the page.

const waymarkOrigin = (() => {
  try { return new URL(import.meta.url).origin; } catch { return ""; }
})();

// Recent script errors and failed requests of the page, kept from the moment the SDK
// loads, for a ticket the user may file (the ticket form lists them, each can be left
// out, and they are redacted before they are shown). Observing only: the page's own
// fetch and XMLHttpRequest calls get the same results, and nothing here can throw.
const pageLog = { errors: [], requests: [] };
const note = (list, entry) => {
  list.push(entry);
  if (list.length > 20) list.shift();
};
try {
  addEventListener("error", (e) => {
    try { note(pageLog.errors, { at: Date.now(), message: String(e.message || e.error || "error") }); } catch {}
  });
  addEventListener("unhandledrejection", (e) => {
    try {
      const why = e.reason && e.reason.message ? e.reason.message : String(e.reason);
      note(pageLog.errors, { at: Date.now(), message: "Unhandled promise rejection: " + why });
    } catch {}
  });
  const pageFetch = globalThis.fetch;
  if (typeof pageFetch === "function") {
    globalThis.fetch = function fetch(input, options) {
      const answer = pageFetch.apply(this, arguments);
      try {
        const method = String((options && options.method) || (input && input.method) || "GET");
        const url = String((input && input.url) || input);
        const failed = (status) => note(pageLog.requests, { at: Date.now(), method, url, status });
        answer.then((r) => { if (!r.ok && r.type !== "opaque") failed(r.status); }, () => failed(0));
      } catch {}
      return answer;
    };
  }
  const xhr = globalThis.XMLHttpRequest && XMLHttpRequest.prototype;
  if (xhr) {
    const open = xhr.open;
    const asked = new WeakMap();
    xhr.open = function (method, url) {
      try {
        if (!asked.has(this)) {
          this.addEventListener("loadend", () => {
            const a = asked.get(this);
            if (a && (this.status === 0 || this.status >= 400)) {
              note(pageLog.requests, { at: Date.now(), method: a.method, url: a.url, status: this.status });
            }
          });
        }
        asked.set(this, { method: String(method), url: String(url) });
      } catch {}
      return open.apply(this, arguments);
    };
  }
} catch {}

// Pick mode and preview, which only the Waymark editor's app panel uses, are in a
// build of their own (pick.js beside this file, feature `pick`): inside the
// editor's frame or a window it opened (named after waymark::picker::FRAME_NAME),
// or a page opened for picking (#waymark-pick), that build runs instead of this
// one, so no other page downloads them. build.sh sets PICK_BUILD in pick.js.
const PICK_BUILD = false;
const inEditor = (() => {
  try { return window.name.startsWith("waymark-editor") || location.hash.includes("waymark-pick"); } catch { return false; }
})();

const startWasm = () => __wbg_init().then(() => api(waymarkOrigin, pageLog));

/** Resolves to the API object once the wasm is running, or to null if it cannot load. */
export const ready = (
  inEditor && !PICK_BUILD
    // Without pick.js (a host serving only waymark.js) the page still gets its guides.
    ? import("./pick.js").then((m) => m.ready, startWasm)
    : startWasm()
).catch((error) => {
  console.warn("Waymark: the runtime could not load:", error);
  return null;
});

const later = (name) => (...args) =>
  ready.then((w) => (w ? w[name](...args) : undefined));

export const init = later("init");
export const start = later("start");
export const stop = later("stop");
export const openLauncher = later("openLauncher");
export const identify = later("identify");

/** Subscribes at once; the returned function unsubscribes, even before the wasm loads. */
export function on(event, callback) {
  let off = null;
  let cancelled = false;
  ready.then((w) => {
    if (w && !cancelled) off = w.on(event, callback);
  });
  return () => {
    cancelled = true;
    if (typeof off === "function") off();
  };
}

// The one-tag embed: a <script data-app> whose src is this very module.
ready.then((w) => {
  if (!w || typeof document === "undefined") return;
  const tag = Array.from(document.querySelectorAll("script[data-app][src]")).find((s) => {
    try { return new URL(s.getAttribute("src"), document.baseURI).href === import.meta.url; } catch { return false; }
  });
  if (!tag) return;
  const user = {};
  for (const [key, value] of Object.entries(tag.dataset)) {
    if (key === "user") user.id = value;
    else if (key.startsWith("user") && key.length > 4) user[key[4].toLowerCase() + key.slice(5)] = value;
  }
  w.init({
    app: tag.dataset.app,
    server: tag.dataset.server,
    locale: tag.dataset.locale,
    launcher: tag.dataset.launcher !== "false",
    user: Object.keys(user).length ? user : undefined,
  });
});
