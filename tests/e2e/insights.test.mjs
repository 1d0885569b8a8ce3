// The Insights page over demo data: an admin signs in, opens Insights and sees
// the key figures, deflection over time, a funnel per guide and the stuck hot
// spots; the filters change the figures (checked against the API's own answer),
// the CSV downloads with a header row, a hot spot opens its step in the guide
// editor, and a range without events explains how to get some. The dashboard is
// saved as tests/e2e/screenshots/insights-dashboard.png.
//
// Run by `./build.sh test`, which starts the server and sets WAYMARK_URL,
// WAYMARK_ADMIN_TOKEN, WAYMARK_BIN (the server binary) and WAYMARK_E2E_DATABASE_URL
// (its database), so the spec can fill that database with `waymark demo-data`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BASE, SCREENSHOTS, axe, launch, openPage } from "./helpers.mjs";

const TOKEN = process.env.WAYMARK_ADMIN_TOKEN;
const BIN = process.env.WAYMARK_BIN;
const DATABASE = process.env.WAYMARK_E2E_DATABASE_URL;
const APP = "demo";
const VIEWPORT = { width: 1440, height: 960 };


let browser;


/** The figures the API gives for a query, to compare the page with. */
async function apiInsights(params) {
  const query = new URLSearchParams(params).toString();
  const res = await fetch(`${BASE}/v1/apps/${APP}/insights?${query}`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.status, 200, `GET insights?${query}: ${res.status}`);
  return res;
}

/** "1,234" as the page writes counts. */
const thousands = (n) => n.toLocaleString("en-US");

/** Today and 29 days before, as the page's default range (UTC). */
function lastDays(n) {
  const day = 86_400_000;
  const to = new Date(Math.floor(Date.now() / day) * day);
  const from = new Date(to.getTime() - (n - 1) * day);
  const iso = (d) => d.toISOString().slice(0, 10);
  return { from: iso(from), to: iso(to) };
}

async function signIn(page) {
  await page.getByLabel("API token").fill(TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Guides", level: 1 }).waitFor();
}

const tileValue = (page, key) => page.locator(`.tile[data-tile=${key}] .tile-value`);

/** Waits for the page's next answer from the insights endpoint matching `check`. */
function nextInsights(page, check = () => true) {
  return page.waitForResponse((r) => {
    const url = new URL(r.url());
    return url.pathname === `/v1/apps/${APP}/insights` && !url.searchParams.has("format") &&
      check(url.searchParams);
  });
}

/** Waits until the page shows the figures of its latest answer. */
async function settled(page) {
  await page.locator(".insights[aria-busy=false] .tiles").waitFor();
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

describe("insights", { skip: !TOKEN && "WAYMARK_ADMIN_TOKEN is not set" }, () => {
  test("demo data fills the database the server reads", () => {
    assert.ok(BIN && DATABASE,
      "set WAYMARK_BIN (the server binary) and WAYMARK_E2E_DATABASE_URL (its database); build.sh's start_server exports both");
    // Throws, with the command's output, when it exits with an error.
    execFileSync(BIN, ["demo-data", "--users", "200", "--days", "30", "--app", APP], {
      env: { ...process.env, WAYMARK_DATABASE_URL: DATABASE },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  });

  test("the dashboard shows figures, a chart, funnels and hot spots; filters, CSV and links work", async () => {
    const { context, page, errors } = await openPage(browser, "/editor/", {
      viewport: VIEWPORT,
      acceptDownloads: true,
    });
    await signIn(page);

    // --- the dashboard over the last 30 days --------------------------------------
    const range = lastDays(30);
    const first = nextInsights(page, (q) => q.get("from") === range.from && q.get("to") === range.to);
    await page.getByRole("navigation", { name: "Editor" }).getByRole("link", { name: "Insights" }).click();
    await page.getByRole("heading", { name: "Insights", level: 1 }).waitFor();
    const expected = await (await first).json();
    await settled(page);
    assert.equal(await page.evaluate(() => location.hash), `#/insights?from=${range.from}&to=${range.to}`);
    assert.equal(await page.getByLabel("From", { exact: true }).inputValue(), range.from);
    assert.equal(await page.getByLabel("To", { exact: true }).inputValue(), range.to);
    assert.ok(expected.runs_started > 0, "demo data made runs in the last 30 days");

    // Tiles: numbers, the same as the API's.
    assert.match(await tileValue(page, "deflection").innerText(), /^(\d{1,3}%|<1%|>99%)$/);
    assert.equal(await tileValue(page, "tickets-filed").innerText(), thousands(expected.tickets_filed));
    assert.equal(await tileValue(page, "tickets-avoided").innerText(), thousands(expected.tickets_avoided));
    assert.equal(await tileValue(page, "runs").innerText(), thousands(expected.runs_started));
    assert.match(await tileValue(page, "cost-avoided").innerText(), /^\d{1,3}(,\d{3})*(\.\d\d)?$/);
    assert.match(await tileValue(page, "completion").innerText(), /^(\d{1,3}%|<1%|>99%)$/);
    const text = await page.locator(".tiles").innerText();
    assert.doesNotMatch(text, /NaN|undefined|Infinity/);
    assert.match(await page.locator(".tile[data-tile=deflection] .tile-beside").innerText(), /Confirmed only: (\d+%|<1%|>99%|—)/);
    assert.match(await page.locator(".tile[data-tile=completion] .tile-beside").innerText(), /Median time to complete: (\d+ s|\d+ min \d\d s|\d+ h \d\d min)/);

    // The chart: an image with a title and a description, both axes labelled.
    const chart = page.locator("svg.deflection-chart");
    assert.equal(await chart.getAttribute("role"), "img");
    assert.equal(await chart.locator("title").first().textContent(), "Help sessions by outcome over time");
    assert.match(await chart.locator("desc").textContent(), /^Help sessions per day from .* resolved, .* ticketed, .* abandoned\./);
    const xLabels = await chart.locator("text.tick.x").allTextContents();
    assert.ok(xLabels.length >= 5, `date labels: ${xLabels}`);
    xLabels.forEach((l) => assert.match(l, /^\d{1,2} [A-Z][a-z]{2}$/));
    const yLabels = (await chart.locator("text.tick.y").allTextContents()).map((t) => Number(t.replace(/,/g, "")));
    assert.ok(yLabels.length >= 2 && yLabels[0] === 0, `count ticks: ${yLabels}`);
    const busiest = Math.max(...expected.by_day.map((d) => d.resolved + d.ticketed + d.abandoned));
    assert.ok(yLabels.at(-1) >= busiest, `the axis (${yLabels.at(-1)}) reaches the busiest day (${busiest})`);
    assert.deepEqual(await chart.locator("text.axis-title").allTextContents(), ["Day (UTC)", "Help sessions"]);
    assert.ok(await chart.locator("rect.resolved").count() > 0, "resolved bars");
    assert.equal(await page.locator(".legend li").count(), 3);
    // No two date labels overlap.
    const boxes = await chart.locator("text.tick.x").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    for (let i = 1; i < boxes.length; i++) {
      assert.ok(boxes[i].left >= boxes[i - 1].right, `labels ${i - 1} and ${i} overlap`);
    }

    // A funnel per guide with steps and drop-off.
    const funnels = page.locator(".funnel");
    assert.equal(await funnels.count(), expected.funnels.length);
    assert.ok(expected.funnels.length >= 1);
    // The guide most users ran (other specs may have left small guides behind).
    const { guide } = expected.funnels.reduce((a, b) => (b.steps[0]?.users ?? 0) > (a.steps[0]?.users ?? 0) ? b : a);
    const firstFunnel = page.locator(`.funnel[data-guide="${guide}"]`);
    assert.ok(await firstFunnel.locator(".funnel-step").count() >= 2);
    assert.match(await firstFunnel.locator(".drop-off").first().innerText(), /^↓ (\d+%|<1%|>99%) dropped off before the next step$/);
    assert.match(await firstFunnel.locator(".funnel-users").first().innerText(), /^[\d,]+ users?$/);

    // Hot spots, most frequent first.
    const rows = page.locator("table.hot-spots tbody tr");
    assert.ok(await rows.count() >= 1, "at least one hot spot");
    const counts = (await rows.locator("td.num").allInnerTexts()).map((t) => Number(t.replace(/,/g, "")));
    assert.deepEqual(counts, [...counts].sort((a, b) => b - a), "sorted by count");
    assert.equal(counts[0], Math.max(...expected.stuck.map((s) => s.count)));

    await page.screenshot({ path: join(SCREENSHOTS, "insights-dashboard.png"), fullPage: true });
    assert.deepEqual(await axe(page), [], "axe finds no accessibility violations on the dashboard");

    // --- filters change the figures -------------------------------------------------
    let answer = nextInsights(page, (q) => q.get("guide") === guide);
    await page.getByLabel("Guide", { exact: true }).selectOption(guide);
    const byGuide = await (await answer).json();
    await settled(page);
    assert.equal(await page.locator(".funnel").count(), 1, "one funnel for one guide");
    assert.equal(await page.locator(".funnel").getAttribute("data-guide"), guide);
    assert.equal(await tileValue(page, "runs").innerText(), thousands(byGuide.runs_started));
    assert.ok(byGuide.runs_started < expected.runs_started || expected.funnels.length === 1,
      "one guide has fewer runs than all");

    const segments = await page.locator("#insights-segment option").allTextContents();
    assert.ok(segments.length >= 2, `segments offered: ${segments}`);
    const segment = segments[1];
    answer = nextInsights(page, (q) => q.get("segment") === segment && q.get("guide") === guide);
    await page.getByLabel("Segment", { exact: true }).selectOption(segment);
    const bySegment = await (await answer).json();
    await settled(page);
    assert.equal(await tileValue(page, "runs").innerText(), thousands(bySegment.runs_started));
    assert.ok(bySegment.runs_started <= byGuide.runs_started);

    const week = lastDays(7);
    answer = nextInsights(page, (q) => q.get("from") === week.from);
    await page.getByRole("button", { name: "7 days" }).click();
    const byWeek = await (await answer).json();
    await settled(page);
    assert.equal(await tileValue(page, "runs").innerText(), thousands(byWeek.runs_started));
    assert.equal(await page.locator("svg.deflection-chart rect.resolved, svg.deflection-chart rect.ticketed, svg.deflection-chart rect.abandoned").count() > 0, byWeek.by_day.length > 0);
    assert.equal(await page.locator("svg.deflection-chart text.tick.x").count(), 7, "a label per day of a week");

    // --- CSV of what is shown ------------------------------------------------------
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSV" }).click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), `waymark-insights-${APP}-${week.from}-${week.to}.csv`);
    const csv = readFileSync(await download.path(), "utf8");
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    assert.match(header, /^[a-z_]+(,[a-z_]+)+$/, `a header row: ${header}`);
    assert.ok(lines.length >= 1, "rows after the header");
    const direct = await (await apiInsights({ from: week.from, to: week.to, guide, segment, format: "csv" })).text();
    assert.equal(csv, direct, "the file is the API's CSV for the filters shown");

    // --- a hot spot opens its step in the guide editor -----------------------------
    await page.getByLabel("Segment", { exact: true }).selectOption("");
    await page.getByLabel("Guide", { exact: true }).selectOption("");
    const quarter = lastDays(90);
    answer = nextInsights(page, (q) => q.get("from") === quarter.from && !q.has("guide") && !q.has("segment"));
    await page.getByRole("button", { name: "90 days" }).click();
    await answer;
    await settled(page);
    assert.equal(await page.evaluate(() => location.hash), `#/insights?from=${quarter.from}&to=${quarter.to}`,
      "the filters are in the address");
    const link = page.locator(`table.hot-spots .step-link[href*="/steps/"]`).first();
    const href = await link.getAttribute("href");
    const [, linkGuide, linkStep] = href.match(/^#\/guides\/([a-z0-9_-]+)\/steps\/([a-z0-9_-]+)$/) ?? [];
    assert.ok(linkGuide && linkStep, `a step link: ${href}`);
    const number = Number((await link.innerText()).match(/^Step (\d+) · /)?.[1]);
    await link.click();
    await page.getByLabel("Step id").waitFor();
    assert.match(page.url(), new RegExp(`#/guides/${linkGuide}/steps/${linkStep}$`));
    assert.equal(await page.getByLabel("Step id").inputValue(), linkStep, "the step of the hot spot is selected");
    assert.ok(number >= 1, "the link names the step's position");
    assert.equal((await page.locator("#step-form-heading").innerText()).split(" of ")[0], `Step ${number}`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), `f-steps-${number - 1}-title`,
      "the step's form is brought into view with its title focused");
    await page.screenshot({ path: join(SCREENSHOTS, "insights-hot-spot-step.png") });

    // "Back" returns to the same figures.
    await page.goBack();
    await page.getByRole("heading", { name: "Insights", level: 1 }).waitFor();
    assert.equal(await page.getByLabel("From", { exact: true }).inputValue(), quarter.from);
    assert.equal(await page.getByRole("button", { name: "90 days" }).getAttribute("aria-pressed"), "true");
    await settled(page);

    // --- a range without events explains how to get some ---------------------------
    await page.getByRole("navigation", { name: "Editor" }).getByRole("link", { name: "Insights" }).click();
    await settled(page);
    await page.getByLabel("To", { exact: true }).fill("2001-01-31");
    await page.getByText("The first day is after the last day.").waitFor();
    answer = nextInsights(page, (q) => q.get("from") === "2001-01-01");
    await page.getByLabel("From", { exact: true }).fill("2001-01-01");
    await answer;
    const empty = page.locator(".insights-empty");
    await empty.waitFor();
    assert.match(await empty.innerText(), /waymark demo-data --users 200 --days 30/);
    await page.screenshot({ path: join(SCREENSHOTS, "insights-empty.png") });

    assert.deepEqual(errors, [], "no script errors");
    await context.close();
  });

  test("loading and error states: the page says it is loading, and a failure can be retried", async () => {
    const { context, page, errors } = await openPage(browser, "/editor/", { viewport: VIEWPORT });
    await signIn(page);
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    const insightsUrl = (url) => url.pathname === `/v1/apps/${APP}/insights`;
    await page.route(insightsUrl, async (route) => {
      await held;
      await route.fulfill({
        status: 500,
        contentType: "application/json",
        body: JSON.stringify({ error: "the database is not answering" }),
      });
    });
    await page.getByRole("navigation", { name: "Editor" }).getByRole("link", { name: "Insights" }).click();
    await page.getByRole("status").filter({ hasText: "Loading insights…" }).waitFor();
    release();
    const failure = page.locator(".load-error[role=alert]");
    await failure.waitFor();
    assert.match(await failure.innerText(), /The insights could not be loaded: the database is not answering/);
    assert.equal(await page.locator(".tiles").count(), 0, "no figures from a failed load");

    await page.unroute(insightsUrl);
    await page.getByRole("button", { name: "Try again" }).click();
    await settled(page);
    assert.match(await tileValue(page, "runs").innerText(), /^[\d,]+$/);
    assert.equal(await failure.count(), 0);
    assert.deepEqual(errors, [], "no script errors");
    await context.close();
  });
});
