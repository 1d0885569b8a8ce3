// Acme Purchasing: the demo business app Waymark is shown in.
//
// A small single-page app in plain JavaScript, written the way many real ones are:
// routes drawn by JavaScript with the History API, some links that do full page
// loads, a form rendered after a (simulated) request, search results that appear as
// you type. It knows nothing of Waymark; the guides in guides/ point at its
// data-testid attributes.

const SUPPLIERS = [
  { id: "acme", name: "Acme Industrial Supply", status: "Approved", category: "Tools and maintenance", city: "Rotterdam", contact: "orders@acme-industrial.example" },
  { id: "acme-catering", name: "Acme Catering", status: "Approved", category: "Catering and events", city: "Utrecht", contact: "events@acme-catering.example" },
  { id: "northwind", name: "Northwind Office Supplies", status: "Approved", category: "Office supplies", city: "Leeds", contact: "sales@northwind.example" },
  { id: "contoso", name: "Contoso Hardware", status: "Approved", category: "IT hardware", city: "Dublin", contact: "b2b@contoso.example" },
  { id: "fabrikam", name: "Fabrikam Print Services", status: "Pending", category: "Printing", city: "Lyon", contact: "hello@fabrikam.example" },
  { id: "globex", name: "Globex Lab Equipment", status: "Approved", category: "Laboratory", city: "Basel", contact: "lab@globex.example" },
  { id: "initech", name: "Initech Software Licences", status: "Pending", category: "Software", city: "Austin", contact: "licensing@initech.example" },
];

const USERS = [
  { id: "dana", name: "Dana Ortiz", email: "dana@acme.example", role: "buyer", department: "Facilities" },
  { id: "sam", name: "Sam Lee", email: "sam@acme.example", role: "approver", department: "Finance" },
];

const SEED = [
  { number: "REQ-1042", supplier: "northwind", amount: 240, costCentre: "4410", by: "dana", status: "Awaiting approval", created: "2024-05-14", reason: "Toner and paper for the second floor" },
  { number: "REQ-1038", supplier: "contoso", amount: 1180.5, costCentre: "4410", by: "dana", status: "Ordered", created: "2024-05-02", reason: "Two docking stations" },
  { number: "REQ-1035", supplier: "globex", amount: 3420, costCentre: "5120", by: "sam", status: "Approved", created: "2024-04-26", reason: "Replacement centrifuge rotor" },
  { number: "REQ-1031", supplier: "fabrikam", amount: 615, costCentre: "4410", by: "dana", status: "Sent back", created: "2024-04-18", reason: "Safety signage" },
];

const STORE_KEY = "acme-demo";
const USER_KEY = "acme-user";
const money = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" });

// ----- data -----

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE_KEY));
    if (saved && Array.isArray(saved.requisitions)) return saved;
  } catch { /* fall through to the seed */ }
  return { requisitions: SEED.slice(), next: 1043 };
}

function save(data) {
  try { localStorage.setItem(STORE_KEY, JSON.stringify(data)); } catch { /* private mode */ }
}

export function currentUser() {
  let id = "dana";
  try { id = localStorage.getItem(USER_KEY) || id; } catch { /* private mode */ }
  const user = USERS.find((u) => u.id === id) || USERS[0];
  // name and email go into tickets the user files (the requester in the help desk);
  // the segment lets admins filter Insights by department.
  return { id: user.id, name: user.name, email: user.email, role: user.role, department: user.department, segment: user.department };
}

const supplier = (id) => SUPPLIERS.find((s) => s.id === id);
const userName = (id) => USERS.find((u) => u.id === id)?.name ?? id;

// ----- a tiny element builder -----

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child != null) el.append(child);
  }
  return el;
}

function statusBadge(status) {
  const tone = { "Awaiting approval": "wait", Approved: "ok", Ordered: "ok", "Sent back": "bad", Pending: "wait" }[status] ?? "";
  return h("span", { class: `badge ${tone}` }, status);
}

// ----- routing -----

const ROUTES = [
  [/^\/demo\/?$/, home, "requisitions"],
  [/^\/demo\/requisitions\/new\/?$/, newRequisition, "requisitions"],
  [/^\/demo\/approvals\/?$/, approvals, "approvals"],
  [/^\/demo\/suppliers\/?$/, suppliers, "suppliers"],
  [/^\/demo\/suppliers\/([^/]+)\/?$/, supplierPage, "suppliers"],
];

let renderToken = 0;

function render() {
  const main = document.getElementById("main");
  const path = location.pathname;
  const route = ROUTES.find(([re]) => re.test(path));
  renderToken += 1;
  main.replaceChildren();
  for (const link of document.querySelectorAll("nav a")) {
    if (route?.[2] === link.dataset.section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!route) {
    document.title = "Not found · Acme Purchasing";
    main.append(h("h1", {}, "Page not found"), h("p", {}, h("a", { href: "/demo/", "data-nav": true }, "Back to your requisitions")));
    return;
  }
  const [re, view] = route;
  view(main, ...(path.match(re) ?? []).slice(1));
}

export function navigate(path) {
  history.pushState({}, "", path);
  render();
  window.scrollTo(0, 0);
}

// Links marked data-nav change the route in place; every other link loads a page.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.("a[data-nav]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.getAttribute("href"));
});
window.addEventListener("popstate", render);

function toast(text) {
  const el = document.getElementById("toast");
  el.textContent = text;
  el.classList.add("shown");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove("shown"), 4000);
}

// ----- views -----

function home(main) {
  document.title = "Requisitions · Acme Purchasing";
  const data = load();
  const me = currentUser().id;
  const mine = data.requisitions.filter((r) => r.by === me);
  const open = mine.filter((r) => r.status === "Awaiting approval").length;
  const spent = mine.filter((r) => r.status !== "Sent back").reduce((sum, r) => sum + r.amount, 0);
  main.append(
    h("div", { class: "page-head" },
      h("h1", {}, "Your requisitions"),
      // A plain link: opening the form is a full page load.
      h("a", { class: "button primary", href: "/demo/requisitions/new", id: "new-requisition", "data-testid": "new-requisition" }, "New requisition")),
    h("section", { class: "cards", "aria-label": "Summary" },
      h("div", { class: "card" }, h("p", { class: "card-label" }, "Awaiting approval"), h("p", { class: "card-value" }, String(open))),
      h("div", { class: "card" }, h("p", { class: "card-label" }, "Requisitions this year"), h("p", { class: "card-value" }, String(mine.length))),
      h("div", { class: "card" }, h("p", { class: "card-label" }, "Committed spend"), h("p", { class: "card-value" }, money.format(spent)))),
    requisitionTable(mine, "requisitions-table"),
  );
}

function requisitionTable(rows, testid) {
  return h("table", { class: "grid", "data-testid": testid },
    h("caption", { class: "visually-hidden" }, "Requisitions"),
    h("thead", {}, h("tr", {}, ["Number", "Supplier", "Amount", "Created", "Status"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {},
      h("td", {}, r.number),
      h("td", {}, supplier(r.supplier)?.name ?? r.supplier),
      h("td", { class: "num" }, money.format(r.amount)),
      h("td", {}, r.created),
      h("td", {}, statusBadge(r.status))))));
}

function newRequisition(main) {
  document.title = "New requisition · Acme Purchasing";
  const token = renderToken;
  main.append(h("h1", {}, "New requisition"), h("p", { class: "loading", role: "status" }, "Loading the form…"));
  // The form arrives after a request, as in most single-page apps.
  setTimeout(() => {
    if (token !== renderToken) return;
    main.querySelector(".loading")?.remove();
    main.append(requisitionForm());
  }, 700);
}

function requisitionForm() {
  let chosen = null;
  let searchTimer = 0;
  const search = h("input", {
    id: "supplier-search", "data-testid": "supplier-search", type: "search", autocomplete: "off",
    placeholder: "Search approved suppliers", "aria-describedby": "supplier-hint",
  });
  const results = h("div", { class: "results-slot" });
  const picked = h("div", { class: "picked-slot" });
  const searchBox = h("div", { class: "field" },
    h("label", { for: "supplier-search" }, "Supplier"), search,
    h("p", { class: "hint", id: "supplier-hint" }, "Type at least two letters."), results);

  function showResults() {
    const q = search.value.trim().toLowerCase();
    results.replaceChildren();
    if (q.length < 2) return;
    const found = SUPPLIERS.filter((s) => s.status === "Approved" && s.name.toLowerCase().includes(q));
    if (found.length === 0) {
      results.append(h("p", { class: "hint" }, `No approved supplier matches “${search.value.trim()}”.`));
      return;
    }
    results.append(h("ul", { class: "results", "data-testid": "supplier-results", "aria-label": "Matching suppliers" },
      found.map((s) => h("li", {}, h("button", { type: "button", onclick: () => pick(s) },
        h("strong", {}, s.name), h("span", {}, ` · ${s.category}, ${s.city}`))))));
  }

  function pick(s) {
    chosen = s;
    results.replaceChildren();
    searchBox.hidden = true;
    picked.replaceChildren(h("div", { class: "field" },
      h("span", { class: "label" }, "Supplier"),
      h("div", { class: "chip", "data-testid": "supplier-selected" },
        h("span", {}, s.name), statusBadge(s.status),
        h("button", { type: "button", class: "link-button", onclick: () => {
          chosen = null;
          picked.replaceChildren();
          searchBox.hidden = false;
          search.focus();
        } }, "Change"))));
  }

  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    // Results come from a (simulated) search request.
    searchTimer = setTimeout(showResults, 300);
  });

  const costCentre = h("input", { id: "cost-centre", "data-testid": "cost-centre", inputmode: "numeric", autocomplete: "off", maxlength: "4", "aria-describedby": "cost-centre-hint" });
  const amount = h("input", { id: "amount", "data-testid": "amount", type: "number", min: "0", step: "0.01", inputmode: "decimal" });
  const reason = h("textarea", { id: "reason", rows: "2", placeholder: "What is it for?" });
  const errors = h("div", { class: "errors", role: "alert" });

  const form = h("form", { class: "form", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    const problems = [];
    if (!chosen) problems.push("Choose a supplier.");
    if (!/^[0-9]{4}$/.test(costCentre.value.trim())) problems.push("The cost centre has four digits.");
    const total = Number(amount.value);
    if (!(total > 0)) problems.push("Enter the amount.");
    errors.replaceChildren(...problems.map((p) => h("p", {}, p)));
    if (problems.length) return;
    const data = load();
    const number = `REQ-${data.next}`;
    data.next += 1;
    data.requisitions.unshift({
      number, supplier: chosen.id, amount: total, costCentre: costCentre.value.trim(), by: currentUser().id,
      status: "Awaiting approval", created: new Date().toISOString().slice(0, 10), reason: reason.value.trim(),
    });
    save(data);
    navigate("/demo/approvals");
    toast(`${number} was sent for approval.`);
  } },
    searchBox, picked,
    h("div", { class: "row" },
      h("div", { class: "field" },
        h("label", { for: "cost-centre" }, "Cost centre"), costCentre,
        h("p", { class: "hint", id: "cost-centre-hint" }, "Four digits, e.g. 4410.")),
      h("div", { class: "field" },
        h("label", { for: "amount" }, "Amount (EUR, excl. tax)"), amount)),
    h("div", { class: "field" }, h("label", { for: "reason" }, "Justification"), reason),
    errors,
    h("div", { class: "actions" },
      h("a", { class: "button", href: "/demo/", "data-nav": true }, "Cancel"),
      h("button", { type: "submit", class: "button primary", "data-testid": "submit-requisition" }, "Submit for approval")));
  return form;
}

function approvals(main) {
  document.title = "Approvals · Acme Purchasing";
  const me = currentUser();
  const data = load();
  const filter = h("select", { id: "approval-filter", "data-testid": "approval-filter" },
    h("option", { value: "all" }, "All requisitions"),
    h("option", { value: "mine" }, "Waiting for me"),
    h("option", { value: "approved" }, "Approved"));
  const tableSlot = h("div", { class: "table-scroll" });
  const detail = h("aside", { class: "detail", "aria-label": "Requisition details", hidden: true });

  function rows() {
    const all = data.requisitions;
    if (filter.value === "mine") return all.filter((r) => r.status === "Awaiting approval" && me.role !== "buyer");
    if (filter.value === "approved") return all.filter((r) => r.status === "Approved" || r.status === "Ordered");
    return all;
  }

  function open(r) {
    detail.hidden = false;
    const canDecide = me.role !== "buyer" && r.status === "Awaiting approval";
    detail.replaceChildren(
      h("h2", {}, r.number),
      h("dl", {},
        h("dt", {}, "Supplier"), h("dd", {}, supplier(r.supplier)?.name ?? r.supplier),
        h("dt", {}, "Amount"), h("dd", {}, money.format(r.amount)),
        h("dt", {}, "Cost centre"), h("dd", {}, r.costCentre),
        h("dt", {}, "Requested by"), h("dd", {}, userName(r.by)),
        h("dt", {}, "Justification"), h("dd", {}, r.reason || "—")),
      h("div", { class: "actions", "data-testid": "approval-actions" },
        h("button", { type: "button", class: "button primary", disabled: !canDecide, onclick: () => decide(r, "Approved") }, "Approve"),
        h("button", { type: "button", class: "button", disabled: !canDecide, onclick: () => decide(r, "Sent back") }, "Send back")),
      ...(canDecide ? [] : [h("p", { class: "hint" }, me.role === "buyer" ? "Your manager approves this requisition." : "Nothing to decide.")]));
  }

  function decide(r, status) {
    r.status = status;
    save(data);
    toast(`${r.number}: ${status.toLowerCase()}.`);
    draw();
    open(r);
  }

  function draw() {
    const table = h("table", { class: "grid clickable", "data-testid": "approvals-table" },
      h("caption", { class: "visually-hidden" }, "Requisitions to approve"),
      h("thead", {}, h("tr", {}, ["Number", "Requested by", "Supplier", "Amount", "Status"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows().map((r) => h("tr", { onclick: () => open(r) },
        h("td", {}, h("button", { type: "button", class: "row-link" }, r.number)),
        h("td", {}, userName(r.by)),
        h("td", {}, supplier(r.supplier)?.name ?? r.supplier),
        h("td", { class: "num" }, money.format(r.amount)),
        h("td", {}, statusBadge(r.status))))));
    tableSlot.replaceChildren(table);
  }

  filter.addEventListener("change", draw);
  draw();
  main.append(
    h("div", { class: "page-head" },
      h("h1", {}, "Approvals"),
      h("button", { type: "button", class: "button", "data-testid": "approvals-help", onclick: () => {
        if (me.role === "buyer") toast("Approvals are made by approvers. Switch user to try it.");
      } }, "How do I approve?")),
    h("div", { class: "toolbar" }, h("label", { for: "approval-filter" }, "Show"), filter),
    h("div", { class: "split" }, tableSlot, detail));
}

function suppliers(main) {
  document.title = "Suppliers · Acme Purchasing";
  main.append(
    h("h1", {}, "Suppliers"),
    h("ul", { class: "supplier-list" }, SUPPLIERS.map((s) => h("li", {},
      // Plain links: each supplier page is a full page load.
      h("a", { href: `/demo/suppliers/${s.id}` }, s.name), " ", statusBadge(s.status),
      h("span", { class: "hint" }, ` ${s.category} · ${s.city}`)))));
}

function supplierPage(main, id) {
  const s = supplier(id);
  if (!s) {
    main.append(h("h1", {}, "No such supplier"), h("p", {}, h("a", { href: "/demo/suppliers" }, "All suppliers")));
    return;
  }
  document.title = `${s.name} · Acme Purchasing`;
  const orders = load().requisitions.filter((r) => r.supplier === s.id);
  main.append(
    h("p", { class: "crumbs" }, h("a", { href: "/demo/suppliers" }, "Suppliers"), " / ", s.name),
    h("div", { class: "page-head" },
      h("h1", {}, s.name),
      h("span", { class: `badge ${s.status === "Approved" ? "ok" : "wait"}`, "data-testid": "supplier-status", tabindex: "0" }, s.status)),
    h("dl", { class: "facts" },
      h("dt", {}, "Category"), h("dd", {}, s.category),
      h("dt", {}, "City"), h("dd", {}, s.city),
      h("dt", {}, "Orders to"), h("dd", {}, h("a", { href: `mailto:${s.contact}` }, s.contact))),
    h("h2", {}, "Requisitions with this supplier"),
    orders.length ? requisitionTable(orders, "supplier-orders") : h("p", {}, "None yet."));
}

// ----- chrome -----

function setUpChrome() {
  const select = document.getElementById("user-switch");
  const me = currentUser();
  for (const u of USERS) {
    select.append(h("option", { value: u.id, selected: u.id === me.id }, `${u.name} (${u.role})`));
  }
  select.addEventListener("change", () => {
    try { localStorage.setItem(USER_KEY, select.value); } catch { /* private mode */ }
    window.Waymark?.identify(currentUser());
    render();
  });
  document.getElementById("reset-demo").addEventListener("click", () => {
    try {
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith("waymark:") || key === STORE_KEY) localStorage.removeItem(key);
      }
    } catch { /* private mode */ }
    location.assign("/demo/");
  });
}

setUpChrome();
render();
