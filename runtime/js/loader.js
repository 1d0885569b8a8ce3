
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

// Pick mode and preview, which only the Waymark editor's app panel uses, are in a
// build of their own (pick.js beside this file, feature `pick`): inside the
// editor's frame or a window it opened (named after waymark::picker::FRAME_NAME),
// or a page opened for picking (#waymark-pick), that build runs instead of this
// one, so no other page downloads them. build.sh sets PICK_BUILD in pick.js.
const PICK_BUILD = false;
const inEditor = (() => {
  try { return window.name.startsWith("waymark-editor") || location.hash.includes("waymark-pick"); } catch { return false; }
})();

const startWasm = () => __wbg_init().then(() => api(waymarkOrigin));

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
