// Waymark side by side with the tour libraries from npm (Shepherd.js, Driver.js,
// Intro.js), run by `./build.sh bench` against the release server it starts
// (WAYMARK_URL). Not a test file: it prints the figures and the ratios
// Waymark / peer, and fails only when it could not measure.
//
// Each library runs the same 10-step tour (tests/e2e/bench/harness.js) on the same
// generated page of 5,000 elements (tests/e2e/bench/tour.html), in one Chromium.
// A small loopback server of this script's serves the page, the peers' dist files
// from node_modules (Brotli quality 11 or gzip -9, as the browser asks) and passes
// everything else (/sdk/..., the runtime's API calls) through to `waymark serve`
// unchanged, so Waymark's bytes are what its server sends and all four pages share
// one origin. Per round every library gets a fresh context (cold cache) under
// reduced motion, in an order rotated round by round; the figures are medians of
// the rounds:
//
//   bytes            the JS, CSS and wasm the page loaded: gzip -9 of each response,
//                    and as served (Waymark: what `waymark serve` sends for
//                    Accept-Encoding: br, gzip; the peers: Brotli quality 11);
//   load → ready     navigation start → the library's files loaded and run (and,
//                    for Waymark, its wasm instantiated: `ready` resolved);
//   start → first    the call that starts the tour → its first step painted;
//   Next → next      Next pressed → the next step painted (median of the 9);
//   per scroll frame ScriptDuration + LayoutDuration + RecalcStyleDuration (CDP
//                    Performance.getMetrics) over SCROLL_FRAMES frames of scrolling
//                    with the last step shown, divided by the frames.
//
// "Painted" is defined once, in harness.js, for all four. The page alone ("none")
// is run too: its load and scroll figures are the floor under every library's.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { dirname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { launch, BASE } from "./helpers.mjs";
import { median } from "./bench/stats.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SCROLL_FRAMES = 120;
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const WAYMARK = new URL(BASE);

/** What each library's page puts in its head: the tags its documentation gives. */
const LIBRARIES = {
  waymark: { name: "Waymark", tags: '<script type="module" src="/sdk/waymark.js"></script>' },
  shepherd: {
    name: "Shepherd.js", pkg: "shepherd.js",
    tags: '<link rel="stylesheet" href="/peers/shepherd.js/dist/css/shepherd.css">\n  <script type="module" src="/peers/shepherd.js/dist/js/shepherd.mjs"></script>',
  },
  driver: {
    name: "Driver.js", pkg: "driver.js",
    tags: '<link rel="stylesheet" href="/peers/driver.js/dist/driver.css">\n  <script defer src="/peers/driver.js/dist/driver.js.iife.js"></script>',
  },
  intro: {
    name: "Intro.js", pkg: "intro.js",
    tags: '<link rel="stylesheet" href="/peers/intro.js/minified/introjs.min.css">\n  <script defer src="/peers/intro.js/minified/intro.min.js"></script>',
  },
  none: { name: "page alone", tags: "" },
};
const PEERS = ["shepherd", "driver", "intro"];
// BENCH_LIBS=waymark,intro runs only those (the page alone is always run).
const ORDER = [...new Set([...(process.env.BENCH_LIBS?.split(",") ?? ["waymark", ...PEERS]), "none"])];
for (const id of ORDER) if (!LIBRARIES[id]) throw new Error(`BENCH_LIBS: unknown library ${id} (${Object.keys(LIBRARIES).join(", ")})`);
const version = (pkg) => JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
for (const id of PEERS) LIBRARIES[id].name += ` ${version(LIBRARIES[id].pkg)}`;

const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html; charset=utf-8" };
const typeOf = (path) => TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream";
const PAGE = readFileSync(join(HERE, "bench", "tour.html"), "utf8");
if (!PAGE.includes("<!--LIBRARY-->")) throw new Error("tests/e2e/bench/tour.html has no <!--LIBRARY--> marker");

// --- the loopback server -----------------------------------------------------------

const compressed = new Map();
/** A file's body in each encoding, made once. */
function encodings(file) {
  if (!compressed.has(file)) {
    const plain = readFileSync(file);
    compressed.set(file, {
      identity: plain,
      br: zlib.brotliCompressSync(plain, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: plain.length } }),
      gzip: zlib.gzipSync(plain, { level: 9 }),
    });
  }
  return compressed.get(file);
}

/** The file under node_modules/PKG or tests/e2e/bench a URL path names, or null. */
function localFile(path) {
  const [, top, pkg] = path.split("/");
  let base = null;
  if (top === "bench") base = join(HERE, "bench");
  else if (top === "peers" && PEERS.some((id) => LIBRARIES[id].pkg === pkg)) base = join(ROOT, "node_modules", pkg);
  if (!base) return null;
  const rest = path.split("/").slice(top === "bench" ? 2 : 3).join("/");
  const file = normalize(join(base, decodeURIComponent(rest)));
  return file.startsWith(base + sep) ? file : null;
}

const acceptSeen = new Set();
function serveLocal(req, res, file) {
  let bodies;
  try {
    bodies = encodings(file);
  } catch {
    res.writeHead(404).end(`no such file: ${req.url}`);
    return;
  }
  const accept = String(req.headers["accept-encoding"] ?? "");
  acceptSeen.add(accept);
  const encoding = /\bbr\b/.test(accept) ? "br" : /\bgzip\b/.test(accept) ? "gzip" : "identity";
  const headers = { "content-type": typeOf(file), "content-length": bodies[encoding].length, vary: "accept-encoding", "cache-control": "public, max-age=31536000" };
  if (encoding !== "identity") headers["content-encoding"] = encoding;
  res.writeHead(200, headers).end(bodies[encoding]);
}

/** Passes a request through to `waymark serve` as it came, as if from its own origin. */
function proxy(req, res) {
  const headers = { ...req.headers, host: WAYMARK.host };
  if (headers.origin) headers.origin = WAYMARK.origin;
  if (headers.referer) headers.referer = WAYMARK.origin + new URL(headers.referer).pathname;
  const upstream = http.request({ host: WAYMARK.hostname, port: WAYMARK.port, path: req.url, method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", (e) => res.writeHead(502).end(`waymark serve: ${e.message}`));
  req.pipe(upstream);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/bench/tour.html") {
    const lib = LIBRARIES[url.searchParams.get("lib")];
    if (!lib) return res.writeHead(404).end("unknown ?lib=");
    return res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" }).end(PAGE.replace("<!--LIBRARY-->", lib.tags));
  }
  const file = localFile(url.pathname);
  if (file) return serveLocal(req, res, file);
  if (url.pathname.startsWith("/bench/") || url.pathname.startsWith("/peers/")) return res.writeHead(404).end();
  return proxy(req, res);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;
if (process.env.BENCH_SERVE) {
  // To look at the pages by hand: serve them until stopped, measure nothing.
  console.log(`serving ${ORIGIN}/bench/tour.html?lib=${Object.keys(LIBRARIES).join("|")}`);
  await new Promise(() => {});
}

// --- one run -------------------------------------------------------------------------

const metric = (m, name) => m.metrics.find((x) => x.name === name)?.value ?? NaN;
const mainThreadMs = (m) => 1000 * (metric(m, "ScriptDuration") + metric(m, "LayoutDuration") + metric(m, "RecalcStyleDuration"));

/** One library in a fresh context: its figures and the files it loaded. */
async function run(browser, id) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: "reduce" });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const files = new Set();
    page.on("response", (r) => {
      const path = new URL(r.url()).pathname;
      if (/\.(m?js|css|wasm)$/.test(path) && !path.startsWith("/bench/")) files.add(path);
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
    await page.goto(`${ORIGIN}/bench/tour.html?lib=${id}`);
    const out = { ready: await page.evaluate(() => window.__bench.ready), files };
    const fail = (what) => new Error(`${LIBRARIES[id].name}: ${what}${errors.length ? ` (page errors: ${errors.join("; ")})` : ""}`);
    if (id !== "none") {
      const first = await page.evaluate(() => window.__bench.start());
      out.first = first.ms;
      out.firstPlaced = first.placed;
      out.moves = first.moves;
      out.next = [];
      out.nextPlaced = [];
      for (let k = 1; k < 10; k += 1) {
        const t = await page.evaluate((k) => window.__bench.next(k), k);
        out.next.push(t.ms);
        out.nextPlaced.push(t.placed);
        out.moves += t.moves;
      }
    } else {
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    }
    const before = await cdp.send("Performance.getMetrics");
    const still = await page.evaluate((n) => window.__bench.scroll(n), SCROLL_FRAMES);
    const after = await cdp.send("Performance.getMetrics");
    if (id !== "none" && still !== (await page.evaluate(() => window.__bench.steps[9]))) {
      throw fail(`the last step was not shown after scrolling (showing: ${still})`);
    }
    out.scroll = (mainThreadMs(after) - mainThreadMs(before)) / SCROLL_FRAMES;
    if (errors.length) throw fail("errors in the page");
    return out;
  } finally {
    await context.close();
  }
}

// --- bytes ---------------------------------------------------------------------------

/** The body of GET BASE+path with this Accept-Encoding, as sent, and its encoding. */
const fetchRaw = (path, accept) => new Promise((resolve, reject) => {
  http.get({ host: WAYMARK.hostname, port: WAYMARK.port, path, headers: { "accept-encoding": accept } }, (res) => {
    const chunks = [];
    res.on("data", (c) => chunks.push(c));
    res.on("end", () => res.statusCode === 200
      ? resolve({ body: Buffer.concat(chunks), encoding: res.headers["content-encoding"] ?? "identity" })
      : reject(new Error(`GET ${path}: ${res.statusCode}`)));
  }).on("error", reject);
});
const gzip9 = (body) => execFileSync("gzip", ["-9", "-c"], { input: body, maxBuffer: 1 << 26 }).length;

/** Bytes of each file a library loaded: plain, gzip -9, as served (and how). */
async function bytesOf(paths) {
  const rows = [];
  for (const path of [...paths].sort()) {
    const file = localFile(path);
    if (file) {
      const b = encodings(file);
      rows.push({ path, plain: b.identity.length, gzip: gzip9(b.identity), served: b.br.length, how: "br q11" });
    } else {
      const plain = (await fetchRaw(path, "identity")).body;
      const sent = await fetchRaw(path, "br, gzip");
      rows.push({ path, plain: plain.length, gzip: gzip9(plain), served: sent.body.length, how: sent.encoding });
    }
  }
  return rows;
}

// --- the rounds ----------------------------------------------------------------------

const browser = await launch();
const results = Object.fromEntries(ORDER.map((id) => [id, []]));
let elements = 0;
let chromium = "";
try {
  chromium = browser.version();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < ORDER.length; i += 1) {
      const id = ORDER[(i + round) % ORDER.length];
      results[id].push(await run(browser, id));
    }
  }
  const probe = await browser.newPage();
  await probe.goto(`${ORIGIN}/bench/tour.html?lib=none`);
  elements = await probe.evaluate(() => document.getElementsByTagName("*").length);
  await probe.close();
} catch (e) {
  console.log(`could not measure: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
if (process.exitCode) {
  server.close();
  process.exit();
}

const figures = {};
for (const id of ORDER) {
  const runs = results[id];
  const bytes = id === "none" ? [] : await bytesOf(new Set(runs.flatMap((r) => [...r.files])));
  figures[id] = {
    bytes,
    gzip: bytes.reduce((t, f) => t + f.gzip, 0),
    served: bytes.reduce((t, f) => t + f.served, 0),
    ready: median(runs.map((r) => r.ready)),
    first: id === "none" ? NaN : median(runs.map((r) => r.first)),
    next: id === "none" ? NaN : median(runs.map((r) => median(r.next))),
    firstPlaced: id === "none" ? NaN : median(runs.map((r) => r.firstPlaced)),
    nextPlaced: id === "none" ? NaN : median(runs.map((r) => median(r.nextPlaced))),
    scroll: median(runs.map((r) => r.scroll)),
    moves: runs.reduce((t, r) => t + (r.moves ?? 0), 0),
  };
}
server.close();

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const ms = (x, digits = 1) => (Number.isFinite(x) ? `${x.toFixed(digits)} ms` : "–");
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–");
const table = (head, rows) => {
  const all = [head, ...rows];
  const width = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  for (const r of all) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(width[c]) : cell.padStart(width[c]))).join("  "));
};

console.log(`Chromium ${chromium}; page: ${elements} elements; ${ROUNDS} rounds interleaved, fresh context each, medians; browser asked for Accept-Encoding: ${[...acceptSeen].join(" / ")}`);
for (const id of ORDER) {
  for (const f of figures[id].bytes) {
    console.log(`  ${LIBRARIES[id].name.padEnd(16)} ${f.path.padEnd(48)} ${kb(f.plain).padStart(9)} plain ${kb(f.gzip).padStart(8)} gzip -9 ${kb(f.served).padStart(8)} ${f.how}`);
  }
}
const COLUMNS = ["library", "gzip -9", "as served", "load → ready", "start → first step", "Next → next step", "script+layout+style / scroll frame"];
table(COLUMNS, ORDER.map((id) => {
  const f = figures[id];
  return [LIBRARIES[id].name, id === "none" ? "–" : kb(f.gzip), id === "none" ? "–" : kb(f.served), ms(f.ready, 0), ms(f.first), ms(f.next), ms(f.scroll, 2)];
}));
const w = figures.waymark;
const compared = PEERS.filter((id) => ORDER.includes(id));
if (w && compared.length) {
  console.log("Waymark / peer (below 1: Waymark costs less)");
  table(COLUMNS, compared.map((id) => {
    const p = figures[id];
    return [`÷ ${LIBRARIES[id].name}`, ratio(w.gzip, p.gzip), ratio(w.served, p.served), ratio(w.ready, p.ready), ratio(w.first, p.first), ratio(w.next, p.next), ratio(w.scroll, p.scroll)];
  }));
}
const faded = ORDER.filter((id) => figures[id].next - figures[id].nextPlaced > 5 || figures[id].first - figures[id].firstPlaced > 5);
for (const id of faded) {
  const f = figures[id];
  console.log(`${LIBRARIES[id].name} painted each step transparent first: placed (any opacity) after start ${ms(f.firstPlaced)}, after Next ${ms(f.nextPlaced)}`);
}
const moved = ORDER.filter((id) => figures[id].moves > 0);
if (moved.length) {
  console.log(`shown at another place or state before the final one (all rounds): ${moved.map((id) => `${LIBRARIES[id].name} ${figures[id].moves}×`).join(", ")}`);
}
