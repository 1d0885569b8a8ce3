// The lab: one small page per classic complaint against product-tour libraries
// (target not found in SPAs, z-index and stacking, scroll containers, iframes,
// shadow DOM, position drift, modal dialogs, hostile CSS). Each page plays a tour
// given inline, so it runs without the server's catalog; the e2e suite drives them.
import { init, on } from "/sdk/waymark.js";

/** Plays a tour of `steps` on this page; resolves when Waymark has loaded it. */
export function tour(id, steps, options = {}) {
  const guide = {
    schema: 1,
    id,
    kind: "tour",
    title: options.title ?? "Lab tour",
    version: 1,
    match: { urls: ["/demo/lab/**"] },
    start: "auto",
    frequency: "always",
    steps,
  };
  return new Promise((resolve) => {
    on("ready", () => resolve());
    init({ app: "demo", user: { id: "lab" }, guides: [guide, ...(options.more ?? [])], ...options.init });
  });
}
