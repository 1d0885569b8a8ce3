// A business web app that is not Waymark's demo: "Acme Procurement", a
// server-rendered portal on an origin of its own, the way customers deploy Waymark.
//
// Every page is rendered on the server and every form is posted with a full page
// load (303 redirect after a POST, server-side validation that re-renders the form
// with an error). The justification field is a rich-text editor in a same-origin
// iframe with no src, whose body is contenteditable (how CKEditor 4, TinyMCE and
// the like work). Every response sends the strict headers such apps send: a CSP
// with no 'unsafe-inline' for scripts or styles and Trusted Types enforced,
// X-Frame-Options: DENY with frame-ancestors 'none', COEP require-corp, nosniff
// (and COOP same-origin when asked). The one Waymark tag is on every page.
//
// Used by the e2e specs through ../portal.mjs; run it by hand with
//   node tests/e2e/hosts/portal/server.mjs http://127.0.0.1:8080 [PORT]
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const STATIC = {
  "/static/portal.css": ["text/css; charset=utf-8", readFileSync(join(HERE, "static", "portal.css"))],
  "/static/portal.js": ["text/javascript; charset=utf-8", readFileSync(join(HERE, "static", "portal.js"))],
};

const SUPPLIERS = ["Acme Office Supplies", "Globex Hardware", "Initech Services", "Umbrella Lab Equipment"];

/** The Content-Security-Policy every page sends: what a hardened business app allows. */
export function portalCsp(waymark) {
  return [
    "default-src 'self'",
    `script-src 'self' ${waymark} 'wasm-unsafe-eval'`,
    "style-src 'self'",
    `connect-src 'self' ${waymark}`,
    "img-src 'self'",
    "font-src 'self'",
    "frame-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
  ].join("; ");
}

const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/**
 * Starts the portal on 127.0.0.1:`port` (0: any free port). `waymark` is the base
 * URL of Waymark's server; `tag` attributes go on the script tag (data-app, data-user…).
 */
export function startPortalServer({ waymark, port = 0, tag = {}, coop = false }) {
  const requests = [];
  const headers = {
    "content-security-policy": portalCsp(waymark),
    "x-frame-options": "DENY",
    "cross-origin-embedder-policy": "require-corp",
    // COOP same-origin cuts a window the Waymark editor opens off from it (no
    // postMessage either way), so it is an option, not the default.
    ...(coop ? { "cross-origin-opener-policy": "same-origin" } : {}),
    "cross-origin-resource-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
  };
  const attrs = Object.entries({ "data-app": "portal", ...tag })
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join("");

  function page(title, body, { flash, user = "Dana Ortiz" } = {}) {
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Acme Procurement</title>
<link rel="stylesheet" href="/static/portal.css">
<script type="module" src="/static/portal.js"></script>
<script type="module" src="${waymark}/sdk/waymark.js"${attrs}></script>
</head>
<body>
<header class="topbar">
  <a class="brand" href="/purchasing/">Acme Procurement</a>
  <nav aria-label="Main">
    <a href="/purchasing/">Dashboard</a>
    <a href="/purchasing/requests">Requests</a>
    <a href="/purchasing/requests/new">New request</a>
  </nav>
  <span class="who">${esc(user)}</span>
</header>
<main>
${flash ? `<p class="flash" role="status">${esc(flash)}</p>` : ""}
${body}
</main>
<footer class="foot">Acme Procurement 4.2 · server-rendered</footer>
</body>
</html>`;
  }

  function requestForm(values = {}, errors = {}) {
    const field = (name) => (errors[name] ? `<p class="field-error" id="err-${name}" role="alert">${esc(errors[name])}</p>` : "");
    const invalid = (name) => (errors[name] ? ` aria-invalid="true" aria-describedby="err-${name}"` : "");
    const options = SUPPLIERS.map(
      (s) => `<option${values.supplier === s ? " selected" : ""}>${esc(s)}</option>`,
    ).join("");
    return `<h1>New purchase request</h1>
<form method="post" action="/purchasing/requests" class="request-form" novalidate>
  <div class="row">
    <label for="request_title">Title</label>
    <input type="text" id="request_title" name="request[title]" value="${esc(values.title ?? "")}" autocomplete="off"${invalid("title")}>
    ${field("title")}
  </div>
  <div class="row">
    <label>Supplier
      <select name="request[supplier]">
        <option value="">Choose…</option>${options}
      </select>
    </label>
  </div>
  <div class="row">
    <label>Amount (EUR, excl. tax)
      <input type="text" name="request[amount]" inputmode="decimal" value="${esc(values.amount ?? "")}" placeholder="0.00"${invalid("amount")}>
    </label>
    ${field("amount")}
  </div>
  <div class="row">
    <span class="label" id="justification-label">Justification</span>
    <div class="rte">
      <div class="rte-toolbar" role="toolbar" aria-label="Formatting">
        <button type="button" data-cmd="bold" title="Bold">B</button>
        <button type="button" data-cmd="italic" title="Italic">I</button>
        <button type="button" data-cmd="insertUnorderedList" title="Bulleted list">•</button>
      </div>
      <iframe class="rte-frame" title="Justification, rich text" aria-labelledby="justification-label"></iframe>
      <textarea name="request[justification]" hidden>${esc(values.justification ?? "")}</textarea>
    </div>
  </div>
  <div class="actions">
    <input type="submit" value="Save" class="button primary">
    <a href="/purchasing/" class="button">Cancel</a>
  </div>
</form>`;
  }

  function list(highlight) {
    const rows = requests
      .map(
        (r) => `<tr${r.id === highlight ? ' class="just-submitted"' : ""}><td><a href="/purchasing/requests/${r.id}">PR-${r.id}</a></td><td>${esc(r.title)}</td><td>${esc(r.supplier)}</td><td class="num">${esc(r.amount)}</td><td>${esc(r.status)}</td></tr>`,
      )
      .join("");
    return `<h1>Purchase requests</h1>
<table class="requests">
  <thead><tr><th scope="col">Number</th><th scope="col">Title</th><th scope="col">Supplier</th><th scope="col">Amount</th><th scope="col">Status</th></tr></thead>
  <tbody>${rows || '<tr><td colspan="5">No requests yet.</td></tr>'}</tbody>
</table>
<p><a class="button primary" href="/purchasing/requests/new">New request</a></p>`;
  }

  // A generated page of cards to give the host some weight, and the dashboard.
  function dashboard() {
    const cards = ["Open requests", "Waiting for approval", "Approved this month", "Budget left"]
      .map((t, i) => `<section class="card"><h2>${t}</h2><p class="figure">${[requests.length, requests.filter((r) => r.status === "Waiting for approval").length, 0, "12,400 EUR"][i]}</p></section>`)
      .join("");
    return `<h1>Dashboard</h1>
<div class="cards">${cards}</div>
<p class="lead">Buy what your team needs: raise a request, your manager approves it, purchasing orders it.</p>
<p><a class="button primary new-request" href="/purchasing/requests/new">New request</a></p>`;
  }

  function readBody(req) {
    return new Promise((resolve, reject) => {
      let data = "";
      req.setEncoding("utf8");
      req.on("data", (c) => {
        data += c;
        if (data.length > 1e6) reject(new Error("body too large"));
      });
      req.on("end", () => resolve(new URLSearchParams(data)));
      req.on("error", reject);
    });
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://portal.invalid");
    const send = (status, body, type = "text/html; charset=utf-8", extra = {}) => {
      res.writeHead(status, { ...headers, "content-type": type, "cache-control": "no-store", ...extra });
      res.end(body);
    };
    const redirect = (to) => send(303, "", "text/plain", { location: to });
    try {
      if (req.method === "GET" && STATIC[url.pathname]) {
        const [type, body] = STATIC[url.pathname];
        return send(200, body, type);
      }
      if (req.method === "GET" && url.pathname === "/favicon.ico") {
        res.writeHead(204, headers);
        return res.end();
      }
      if (req.method === "GET" && (url.pathname === "/" || url.pathname === "/purchasing")) {
        return redirect("/purchasing/");
      }
      if (req.method === "GET" && url.pathname === "/purchasing/") {
        return send(200, page("Dashboard", dashboard()));
      }
      if (req.method === "GET" && url.pathname === "/purchasing/requests") {
        const submitted = Number(url.searchParams.get("submitted"));
        const flash = submitted ? `PR-${submitted} was sent to your manager for approval.` : undefined;
        return send(200, page("Requests", list(submitted), { flash }));
      }
      if (req.method === "GET" && url.pathname === "/purchasing/requests/new") {
        return send(200, page("New request", requestForm()));
      }
      if (req.method === "POST" && url.pathname === "/purchasing/requests") {
        const form = await readBody(req);
        const values = {
          title: (form.get("request[title]") ?? "").trim(),
          supplier: form.get("request[supplier]") ?? "",
          amount: (form.get("request[amount]") ?? "").trim(),
          justification: form.get("request[justification]") ?? "",
        };
        const errors = {};
        if (!values.title) errors.title = "Give the request a title.";
        if (values.amount && !/^\d+(\.\d{1,2})?$/.test(values.amount)) {
          errors.amount = "The amount must be a number such as 120 or 120.50.";
        }
        if (Object.keys(errors).length) {
          return send(422, page("New request", requestForm(values, errors)));
        }
        const id = requests.length + 1;
        requests.push({ id, ...values, status: "Draft" });
        return redirect(`/purchasing/requests/${id}?saved=1`);
      }
      const one = url.pathname.match(/^\/purchasing\/requests\/(\d+)(\/submit)?$/);
      if (one) {
        const r = requests[Number(one[1]) - 1];
        if (!r) return send(404, page("Not found", "<h1>No such request</h1>"));
        if (req.method === "POST" && one[2]) {
          await readBody(req);
          r.status = "Waiting for approval";
          return redirect(`/purchasing/requests?submitted=${r.id}`);
        }
        if (req.method === "GET" && !one[2]) {
          const flash = url.searchParams.get("saved") ? `PR-${r.id} was saved as a draft.` : undefined;
          const body = `<h1>PR-${r.id}: ${esc(r.title)}</h1>
<dl class="facts">
  <dt>Supplier</dt><dd>${esc(r.supplier || "—")}</dd>
  <dt>Amount</dt><dd>${esc(r.amount || "—")}</dd>
  <dt>Status</dt><dd class="status">${esc(r.status)}</dd>
</dl>
<section class="justification"><h2>Justification</h2><div class="rendered">${esc(r.justification.replace(/<[^>]*>/g, " ")) || "—"}</div></section>
<form method="post" action="/purchasing/requests/${r.id}/submit" class="actions">
  <button type="submit" name="action" value="submit" class="button primary">Submit for approval</button>
  <a href="/purchasing/requests" class="button">Back to the list</a>
</form>`;
          return send(200, page(`PR-${r.id}`, body, { flash }));
        }
      }
      send(404, page("Not found", "<h1>Page not found</h1>"));
    } catch (error) {
      send(500, `portal error: ${error.message}`, "text/plain");
    }
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address();
      resolve({
        url: `http://127.0.0.1:${bound}`,
        requests,
        stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const waymark = process.argv[2] ?? "http://127.0.0.1:8080";
  const port = Number(process.argv[3] ?? 8090);
  startPortalServer({ waymark, port, tag: { "data-user": "dana", "data-user-name": "Dana Ortiz" } }).then((p) =>
    console.log(`Acme Procurement (foreign host) at ${p.url}/purchasing/ using Waymark at ${waymark}`),
  );
}
