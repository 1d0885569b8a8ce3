// Acme Procurement's own script: the rich-text justification editor. Like CKEditor 4
// or TinyMCE, it is an iframe with no src whose body is contenteditable; its HTML is
// copied into a hidden textarea so the form posts it. No inline script or style, no
// innerHTML writes (the page enforces Trusted Types).
for (const rte of document.querySelectorAll(".rte")) {
  const frame = rte.querySelector("iframe");
  const store = rte.querySelector("textarea");
  const doc = frame.contentDocument;
  if (!doc) continue;
  const body = doc.body ?? doc.documentElement.appendChild(doc.createElement("body"));
  body.contentEditable = "true";
  body.setAttribute("role", "textbox");
  body.setAttribute("aria-multiline", "true");
  body.setAttribute("aria-label", frame.title);
  // CSSOM writes are allowed under style-src 'self' (style attributes are not).
  Object.assign(body.style, {
    margin: "0", padding: "8px 10px", minHeight: "120px",
    font: "15px/1.5 system-ui, sans-serif", color: "#1d2433",
  });
  doc.documentElement.lang = document.documentElement.lang;
  if (store.value) body.textContent = store.value.replace(/<[^>]*>/g, " ");
  const sync = () => { store.value = body.innerHTML; };
  body.addEventListener("input", sync);
  rte.closest("form")?.addEventListener("submit", sync);
  for (const button of rte.querySelectorAll("[data-cmd]")) {
    button.addEventListener("click", () => {
      body.focus();
      doc.execCommand(button.dataset.cmd);
      sync();
    });
  }
}
