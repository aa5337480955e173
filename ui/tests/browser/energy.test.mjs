// The energy screen in Debian's Chromium, under the app's CSP, with Tauri's IPC mocked by the
// views hearth-core builds from the Enedis simulator's household (ui/tests/fixtures/energy-*,
// written by crates/core/tests/energy_fixtures.rs): the numbers shown are the fixture's, a
// withheld day is a gap, the load curve's days move with the keyboard (through the 25-hour
// Sunday of October), the tables hold the same numbers, and French is formatted as French.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, fixture, snapshot } from "./harness.mjs";

const open = appInBrowser();

const month = fixture("energy-daily-month");
const week = fixture("energy-curve-week");
const power = fixture("energy-max-power");
const totals = fixture("energy-totals");
const production = fixture("energy-production");

const base = (view) => ({
  app_info: { name: "Hearth", version: "1.2.3" },
  last_deep_link: null,
  home_status: fixture("home-demo"),
  lights_snapshot: snapshot,
  remote_view: fixture("remote-registered"),
  start_demo: null,
  energy_view: view,
  energy_daily: month,
  energy_production: production,
  energy_load_curve: week,
  energy_max_power: power,
  energy_totals: totals,
  // The cost chart, the comparison and the offer (their own tests are in costs.test.mjs).
  energy_costs: fixture("energy-costs"),
  energy_compare: fixture("energy-compare"),
  energy_offer: fixture("energy-offer"),
  energy_start_link: fixture("energy-linking"),
  energy_cancel_link: fixture("energy-not-linked"),
  energy_open_link_page: null,
  energy_save_csv: true,
});

async function openEnergy(view, options = {}) {
  const opened = await open(base(view), options);
  await opened.page.getByTestId("nav-energy").click();
  await opened.page.getByTestId("energy").waitFor();
  return opened;
}

/** The number in a text shown in `locale` ("1,234.5 kWh", "1 234,5 kWh", "+1,7 %"). */
function number(text, locale = "en") {
  const digits = text.replace(/[^\d,.+\-−]/g, "").replace("−", "-");
  return Number(locale === "fr" ? digits.replace(/\./g, "").replace(",", ".") : digits.replace(/,/g, ""));
}

const text = async (locator) => (await locator.textContent())?.trim() ?? "";

test("the daily bars are the fixture's days, a withheld day a gap, last year beside", async () => {
  const { page, problems } = await openEnergy(fixture("energy-linked"));
  const chart = page.getByTestId("energy-daily");
  await chart.locator("rect.now").first().waitFor();
  const shown = await chart.locator("rect.now").evaluateAll((rects) =>
    rects.map((rect) => ({
      date: rect.dataset.date,
      wh: Number(rect.dataset.wh),
      height: Number(rect.getAttribute("height")),
    })),
  );
  const known = month.days.filter((day) => day.wh !== null);
  assert.deepEqual(
    shown.map(({ date, wh }) => ({ date, wh })),
    known.map(({ date, wh }) => ({ date, wh })),
  );
  // Heights are proportional to the values.
  const [a, b] = [shown[0], shown[5]];
  assert.ok(Math.abs(a.height / b.height - a.wh / b.wh) < 0.01, `${a.height}/${b.height} vs ${a.wh}/${b.wh}`);
  // The 12th (withheld) and the days not yet published are gaps, not bars of 0.
  const gaps = await chart.locator("[data-gap]").evaluateAll((marks) => marks.map((mark) => mark.dataset.gap));
  assert.deepEqual(
    gaps,
    month.days.filter((day) => day.wh === null).map((day) => day.date),
  );
  assert.ok(gaps.includes("2026-10-12"));
  assert.equal(await chart.locator('rect.now[data-date="2026-10-12"]').count(), 0);
  // Last year's bars: one per known day of last year.
  assert.equal(await chart.locator("rect.before").count(), month.days.filter((d) => d.previous_wh !== null).length);
  const total = await text(page.getByTestId("energy-daily-total"));
  assert.equal(number(total.split("(")[0]), Math.round(month.total_wh / 100) / 10);
  assert.match(total, new RegExp(`${month.missing_days} days without data`));
  assert.deepEqual(problems, []);
  await page.close();
});

test("the table view holds the same numbers, and a gap says so", async () => {
  const { page, problems } = await openEnergy(fixture("energy-linked"));
  await page.getByTestId("energy-table-toggle").click();
  const table = page.getByTestId("energy-daily-table");
  await table.waitFor();
  for (const day of [month.days[0], month.days[11], month.days[24]]) {
    const cells = table.locator(`tr[data-date="${day.date}"] td`);
    const now = await text(cells.nth(0));
    const before = await text(cells.nth(2));
    if (day.wh === null) assert.equal(now, "No data");
    else assert.equal(number(now), day.wh / 1000, `${day.date}: ${now}`);
    assert.equal(number(before), day.previous_wh / 1000, `${day.previous_date}: ${before}`);
  }
  assert.equal(await table.locator("tbody tr").count(), month.days.length);
  // The maximum power's table: each peak and the wall-clock time it happened.
  const peaks = page.getByTestId("energy-power-table");
  const day = power.days[2];
  const cells = peaks.locator(`tr[data-date="${day.date}"] td`);
  assert.equal(number(await text(cells.nth(0))), Math.round(day.va / 10) / 100);
  assert.equal(to24h(await text(cells.nth(1))), day.at.slice(11, 16));
  assert.deepEqual(problems, []);
  await page.close();
});

/** "7:10 PM" → "19:10". */
function to24h(shown) {
  const [, h, m, half] = /(\d+):(\d\d)\s*(AM|PM)/.exec(shown.replace(/\u202f/g, " ")) ?? [];
  const hour = (Number(h) % 12) + (half === "PM" ? 12 : 0);
  return `${String(hour).padStart(2, "0")}:${m}`;
}

test("totals and the highest peak are the fixture's", async () => {
  const { page } = await openEnergy(fixture("energy-linked"));
  await page.getByTestId("energy-totals").waitFor();
  assert.equal(number(await text(page.getByTestId("energy-total-this"))), Math.round(totals.this_month_wh / 100) / 10);
  assert.equal(number(await text(page.getByTestId("energy-total-last"))), Math.round(totals.last_year_wh / 100) / 10);
  assert.equal(number(await text(page.getByTestId("energy-total-change"))), Math.round(totals.change_percent * 10) / 10);
  const highest = await text(page.getByTestId("energy-power-highest"));
  const [, kva] = /Highest: ([\d.]+)\u00a0kVA on Oct 23, 2026 at/.exec(highest) ?? [];
  assert.equal(Number(kva), Math.round(power.highest.va / 10) / 100, highest);
  assert.equal(power.highest.date, "2026-10-23");
  assert.equal(to24h(highest), power.highest.at.slice(11, 16), highest);
  assert.equal(await page.getByTestId("energy-power-limit").count(), 1);
  assert.match(await text(page.getByTestId("energy-data-until")), /Data up to Oct 25, 2026/);
  await page.close();
});

test("the load curve's days move with the arrow keys, through the 25-hour Sunday and a gap", async () => {
  const { page, problems } = await openEnergy(fixture("energy-linked"));
  const curve = page.getByTestId("energy-curve");
  await curve.waitFor();
  // The last day with data: Sunday 25 October, 25 hours long.
  assert.equal(await text(page.getByTestId("energy-curve-day")), "Load curve of Sunday, October 25, 2026");
  assert.equal(await text(page.getByTestId("energy-curve-half-hours")), "50 half hours");
  const energy = async () => number(await text(page.getByTestId("energy-curve-energy")));
  assert.equal(await energy(), Math.round(week.days[6].wh / 10) / 100);

  await curve.focus();
  await page.keyboard.press("ArrowLeft");
  assert.equal(await text(page.getByTestId("energy-curve-day")), "Load curve of Saturday, October 24, 2026");
  assert.equal(await energy(), Math.round(week.days[5].wh / 10) / 100);
  assert.equal(await page.getByTestId("energy-curve-half-hours").count(), 0, "an ordinary day of 48");
  // The focus stays on the chart: the keys go on moving it.
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await text(page.getByTestId("energy-curve-day")), "Load curve of Thursday, October 22, 2026");
  const thursday = week.days[3];
  assert.equal(thursday.missing, 4);
  assert.equal(await text(page.getByTestId("energy-curve-missing")), "4 half hours without data");
  // The evening's missing half hours are marked as a gap and break the line.
  const gapStarts = await curve.locator("[data-gap]").evaluateAll((marks) => marks.map((m) => m.dataset.gap));
  const expected = week.points
    .slice(thursday.first, thursday.first + thursday.count)
    .filter((p) => p.w === null)
    .map((p) => p.start);
  assert.deepEqual(gapStarts, expected);
  const d = await page.getByTestId("energy-curve-path").getAttribute("d");
  assert.equal(d.match(/M/g).length, 2, d);
  await page.keyboard.press("ArrowRight");
  assert.equal(await text(page.getByTestId("energy-curve-day")), "Load curve of Friday, October 23, 2026");
  // The buttons do the same.
  await page.getByTestId("energy-curve-next").click();
  assert.match(await text(page.getByTestId("energy-curve-day")), /Saturday, October 24/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the load curve's table lists the Sunday's 50 half hours, 2 AM twice, in French time", async () => {
  const { page } = await openEnergy(fixture("energy-linked"));
  await page.getByTestId("energy-table-toggle").click();
  const table = page.getByTestId("energy-curve-table");
  await table.waitFor();
  const sunday = week.days[6];
  const rows = table.locator("tbody tr");
  assert.equal(await rows.count(), 50);
  const starts = (await rows.locator("th").allTextContents()).map((s) => to24h(s));
  assert.deepEqual(starts.slice(0, 2), ["00:00", "00:30"]);
  assert.equal(starts.filter((s) => s === "02:00").length, 2);
  for (const index of [0, 5, 49]) {
    const point = week.points[sunday.first + index];
    assert.equal(number(await text(rows.nth(index).locator("td").nth(1))), point.w);
  }
  await page.close();
});

test("in French: numbers, dates and the CSV's separator and decimal comma", async () => {
  const { page, problems } = await openEnergy(fixture("energy-linked"), { locale: "fr-FR" });
  await page.getByTestId("energy-totals").waitFor();
  const change = await text(page.getByTestId("energy-total-change"));
  assert.equal(change, `+${String(Math.round(totals.change_percent * 10) / 10).replace(".", ",")}\u00a0%`);
  assert.equal(await text(page.getByTestId("energy-curve-day")), "Courbe de charge du dimanche 25 octobre 2026");
  assert.match(await text(page.getByTestId("energy-data-until")), /Données jusqu’au 25 oct\. 2026/);
  await page.getByTestId("energy-table-toggle").click();
  const first = month.days[0];
  const cell = await text(page.locator(`[data-testid="energy-daily-table"] tr[data-date="${first.date}"] td`).first());
  assert.equal(cell, `${(first.wh / 1000).toFixed(3).replace(".", ",")}\u00a0kWh`);
  assert.equal(number(cell, "fr"), first.wh / 1000);

  await page.getByTestId("energy-export-daily").click();
  const [call] = await callsTo(page, "energy_save_csv");
  assert.equal(call.args.suggested, "hearth-consommation-2026-10-01-2026-10-31.csv");
  const lines = call.args.text.split("\r\n");
  assert.equal(lines[0], "date;kWh;date l’an dernier;kWh l’an dernier");
  assert.equal(lines[1], `2026-10-01;${String(first.wh / 1000).replace(".", ",")};2025-10-01;${String(first.previous_wh / 1000).replace(".", ",")}`);
  assert.match(lines[12], /^2026-10-12;;2025-10-12;\d+,\d+$/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("in English the CSV has commas and decimal points", async () => {
  const { page } = await openEnergy(fixture("energy-linked"));
  await page.getByTestId("energy-export-daily").waitFor();
  await page.getByTestId("energy-export-daily").click();
  const [call] = await callsTo(page, "energy_save_csv");
  const lines = call.args.text.split("\r\n");
  assert.equal(lines[0], "date,kWh,date last year,kWh last year");
  assert.equal(lines[1], `2026-10-01,${month.days[0].wh / 1000},2025-10-01,${month.days[0].previous_wh / 1000}`);
  await page.close();
});

test("linking shows the code big, the QR code Rust drew, and a countdown", async () => {
  const linking = fixture("energy-linking");
  const { page, problems } = await openEnergy(linking);
  assert.equal(await text(page.getByTestId("energy-user-code")), linking.link.user_code);
  const qr = page.getByTestId("energy-qr");
  assert.equal(await qr.getAttribute("viewBox"), `0 0 ${linking.link.qr.size} ${linking.link.qr.size}`);
  assert.equal(await qr.locator("path").getAttribute("d"), linking.link.qr.path);
  assert.equal(await qr.getAttribute("aria-label"), "QR code of the link page, for a phone");
  const countdown = page.getByTestId("energy-countdown");
  assert.equal(await text(countdown), "The code expires in 10:00.");
  await page.waitForFunction(
    () => !document.querySelector('[data-testid="energy-countdown"]')?.textContent?.includes("10:00"),
  );
  assert.match(await text(countdown), /expires in 9:5\d/);
  await page.getByRole("button", { name: "Open the page again" }).click();
  assert.equal((await callsTo(page, "energy_open_link_page")).length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a refused or expired link says so, and Try again starts a new one", async () => {
  for (const [name, words] of [
    ["energy-refused", "The consent was refused"],
    ["energy-expired", "The code expired"],
  ]) {
    const { page } = await openEnergy(fixture(name));
    assert.match(await text(page.getByTestId("energy-link-state")), new RegExp(words));
    await page.getByTestId("energy-try-again").click();
    await page.getByTestId("energy-user-code").waitFor();
    assert.equal((await callsTo(page, "energy_start_link")).length, 1);
    await page.close();
  }
});

test("without a proxy the screen says how to get one, and offers the demo", async () => {
  const { page, problems } = await openEnergy(fixture("energy-no-proxy"));
  const panel = page.getByTestId("energy-no-proxy");
  assert.match(await text(panel), /hearth-proxy/);
  assert.match(await text(panel), /community/);
  await page.getByTestId("energy-try-demo").click();
  assert.equal((await callsTo(page, "start_demo")).length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("not linked: one button links a meter", async () => {
  const { page } = await openEnergy(fixture("energy-not-linked"));
  await page.getByTestId("energy-link").click();
  await page.getByTestId("energy-user-code").waitFor();
  assert.equal((await callsTo(page, "energy_start_link")).length, 1);
  await page.close();
});

test("each meter: backfill progress, consent ending, load curve off, outage, relink", async () => {
  const meters = fixture("energy-meters");
  const { page, problems } = await openEnergy(meters);
  const [house, flat, gone] = meters.meters;
  await page.getByTestId(`energy-meter-${house.prm}`).waitFor();
  assert.match(await text(page.getByTestId("energy-next-sync")), /Oct 26, 2026, 8:23/);

  await page.getByTestId(`energy-tab-${flat.prm}`).click();
  const panel = page.getByTestId(`energy-meter-${flat.prm}`);
  await panel.waitFor();
  const progress = page.getByTestId("energy-progress");
  assert.equal(Number(await progress.getAttribute("value")), flat.state.done);
  assert.equal(Number(await progress.getAttribute("max")), flat.state.total);
  assert.match(await text(page.getByTestId("energy-consent-ending")), /ends on Nov 20, 2026/);
  assert.match(await text(page.getByTestId("energy-curve-off")), /collection/);
  assert.match(await text(page.getByTestId("energy-meter-problem")), /Enedis is unavailable; Hearth tries again on Oct 26, 10:45/);
  // It produces: its production chart shows the fixture's total.
  const total = await text(page.getByTestId("energy-production-total"));
  assert.equal(number(total.split("(")[0]), Math.round(production.total_wh / 100) / 10);

  await page.getByTestId(`energy-tab-${gone.prm}`).click();
  const relink = page.getByTestId("energy-relink");
  assert.match(await text(relink), /link this meter again/);
  await relink.getByRole("button").click();
  assert.equal((await callsTo(page, "energy_start_link")).length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the range chooser asks for the month, the twelve months or the days chosen", async () => {
  const { page, problems } = await openEnergy(fixture("energy-linked"));
  await page.getByTestId("energy-daily").waitFor();
  const prm = "22516914714270";
  /** Waits until the last call to `cmd` asked for `from`..`to`. */
  const asked = (cmd, from, to) =>
    page.waitForFunction(
      ([cmd, args]) =>
        JSON.stringify(window.__ipc.calls.filter((c) => c.cmd === cmd).at(-1)?.args) === JSON.stringify(args),
      [cmd, { prm, from, to }],
    );
  await asked("energy_daily", "2026-10-01", "2026-11-01");
  await page.getByRole("button", { name: "Earlier" }).click();
  await asked("energy_daily", "2026-09-01", "2026-10-01");
  await page.getByText("12 months").click();
  await asked("energy_daily", "2025-10-01", "2026-10-01");
  // The maximum power follows the same range.
  await asked("energy_max_power", "2025-10-01", "2026-10-01");
  await page.getByText("Custom").click();
  await page.getByLabel("From", { exact: true }).fill("2026-01-15");
  await page.getByLabel("To", { exact: true }).fill("2026-02-14");
  await page.getByRole("button", { name: "Show", exact: true }).click();
  // The last day chosen is included: Enedis's end is the day after.
  await asked("energy_daily", "2026-01-15", "2026-02-15");
  // The load curve asks for the week of the day shown (Monday to Sunday), once.
  const curves = await callsTo(page, "energy_load_curve");
  assert.deepEqual(curves.map((call) => call.args), [{ prm, from: "2026-10-19", to: "2026-10-26" }]);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the focus goes to the screen's heading, and Tab reaches every control, each with a name", async () => {
  const { page, problems } = await openEnergy(fixture("energy-meters"));
  await page.getByTestId("energy-curve").waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "energy-title");
  const controls = await page.evaluate(() => {
    const screen = document.querySelector('[data-testid="energy"]');
    const selector = "button:not([disabled]), input[type=radio]:checked, input:not([type=radio]), select, [tabindex='0']";
    return [...(screen?.querySelectorAll(selector) ?? [])].map((element, index) => {
      element.dataset.tabKey = String(index);
      const label = element.labels?.[0]?.textContent ?? "";
      return { key: String(index), name: (element.getAttribute("aria-label") ?? (label || element.textContent) ?? "").trim() };
    });
  });
  assert.ok(controls.length >= 12, `${controls.length} controls`);
  assert.deepEqual(controls.filter((control) => control.name === ""), []);
  const reached = new Set();
  for (let step = 0; step < controls.length + 10; step += 1) {
    await page.keyboard.press("Tab");
    const key = await page.evaluate(() => document.activeElement?.getAttribute("data-tab-key"));
    if (key) reached.add(key);
  }
  assert.deepEqual(
    controls.filter((control) => !reached.has(control.key)).map((control) => control.name),
    [],
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test("the screen follows the energy event Rust pushes: no polling", async () => {
  const linking = fixture("energy-linking");
  const linked = fixture("energy-linked");
  const { page, problems } = await openEnergy(linking);
  await page.getByTestId("energy-user-code").waitFor();
  const asked = (await callsTo(page, "energy_view")).length;
  // The consent accepted, then the meter synced: Rust sends the new view as the `energy` event.
  await page.evaluate((view) => window.__ipc.emit("energy", view), linked);
  await page.getByTestId(`energy-meter-${linked.meters[0].prm}`).waitFor();
  await page.waitForTimeout(2500);
  assert.equal((await callsTo(page, "energy_view")).length, asked, "the view is not asked again");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a hearth://energy/setup link is shown and asks before it sets the proxy", async () => {
  const proxy = { url: "https://energy.example.org/", client_id: "community" };
  const { page, problems } = await open({ ...base(fixture("energy-no-proxy")), set_energy_proxy: proxy });
  await page.getByTestId("app-name").waitFor();
  await page.evaluate((p) => window.__ipc.emit("deep-link", { kind: "energy_setup", proxy: p }), proxy);
  const asking = page.getByTestId("energy-setup");
  await asking.waitFor();
  assert.match(await text(page.getByTestId("energy-setup-body")), /https:\/\/energy\.example\.org\/.*community/);
  assert.equal((await callsTo(page, "set_energy_proxy")).length, 0, "nothing set before the answer");
  await page.getByTestId("energy-setup-ignore").click();
  await asking.waitFor({ state: "detached" });
  assert.equal((await callsTo(page, "set_energy_proxy")).length, 0);

  await page.evaluate((p) => window.__ipc.emit("deep-link", { kind: "energy_setup", proxy: p }), proxy);
  await page.getByTestId("energy-setup-accept").click();
  const [call] = await callsTo(page, "set_energy_proxy");
  assert.deepEqual(call.args, { url: proxy.url, clientId: proxy.client_id });
  await page.getByTestId("energy").waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});
