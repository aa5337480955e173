// The energy screen's costs in Debian's Chromium, under the app's CSP, with Tauri's IPC mocked by
// what hearth-core answers over the simulator's household (ui/tests/fixtures/energy-costs.json,
// energy-compare.json, energy-offer.json, error-offer.json and error-windows.json, written by
// crates/core/tests/energy_cost_fixtures.rs): the cost bars and totals are the fixture's, in
// English and in French; the comparison ranks the cheapest first with the differences; a price
// Rust refuses is said next to its field and the form is kept; the off-peak editor sends what
// was typed; the keyboard reaches and works it all; nothing is styled inline.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, fixture, snapshot } from "./harness.mjs";

const open = appInBrowser();

const costs = fixture("energy-costs");
const comparison = fixture("energy-compare");
const offer = fixture("energy-offer");
const linked = fixture("energy-linked");
const prm = linked.meters[0].prm;

const responses = (over = {}) => ({
  app_info: { name: "Hearth", version: "1.2.3" },
  last_deep_link: null,
  home_status: fixture("home-demo"),
  lights_snapshot: snapshot,
  remote_view: fixture("remote-registered"),
  energy_view: linked,
  energy_daily: fixture("energy-daily-month"),
  energy_load_curve: fixture("energy-curve-week"),
  energy_max_power: fixture("energy-max-power"),
  energy_totals: fixture("energy-totals"),
  energy_costs: costs,
  energy_compare: comparison,
  energy_offer: offer,
  energy_set_offer: offer,
  energy_set_windows: offer,
  energy_remove_windows: offer,
  energy_set_show_tempo: null,
  ...over,
});

async function openCosts(over = {}, options = {}) {
  const opened = await open(responses(over), options);
  await opened.page.getByTestId("nav-energy").click();
  await opened.page.getByTestId("energy-costs").waitFor();
  return opened;
}

const text = async (locator) => (await locator.textContent())?.trim() ?? "";

/** The amount in a text shown in `locale` ("€1,234.56", "1 234,56 €", "+€3.20", "-24,64 €"). */
function euros(shown, locale = "en") {
  const digits = shown.replace(/[^\d,.+\-−]/g, "").replace("−", "-");
  return Number(locale === "fr" ? digits.replace(/\./g, "").replace(",", ".") : digits.replace(/,/g, ""));
}

const sum = (values) => values.reduce((total, entry) => total + entry.value, 0);

/** The periods the bars stack: the offer's, then any other a day was priced with (Base, for an
 * estimate). */
const stacked = [...costs.periods];
for (const day of [...costs.days, ...costs.previous]) {
  for (const entry of day.cost_cents) if (!stacked.includes(entry.period)) stacked.push(entry.period);
}

test("the cost bars are the fixture's days, stacked by period in its order; gaps and estimates marked", async () => {
  const { page, problems } = await openCosts();
  const chart = page.getByTestId("energy-costs");
  await chart.locator("g.day").first().waitFor();
  const bars = await chart.locator("g.day").evaluateAll((groups) =>
    groups.map((group) => ({
      date: group.dataset.date,
      cents: Number(group.dataset.cents),
      mark: group.dataset.mark,
      segments: [...group.querySelectorAll("rect[data-period]")].map((rect) => ({
        period: rect.dataset.period,
        cents: Number(rect.dataset.cents),
        height: Number(rect.getAttribute("height")),
      })),
      hatched: group.querySelectorAll("rect.hatch").length,
    })),
  );
  const priced = costs.days.filter((day) => day.total_cents !== null);
  assert.deepEqual(
    bars.map(({ date, cents }) => ({ date, cents })),
    priced.map((day) => ({ date: day.day, cents: sum(day.cost_cents) })),
  );
  for (const bar of bars) {
    const day = costs.days.find((d) => d.day === bar.date);
    const expected = stacked
      .map((period) => ({ period, cents: day.cost_cents.find((c) => c.period === period)?.value ?? 0 }))
      .filter((segment) => segment.cents > 0);
    assert.deepEqual(
      bar.segments.map(({ period, cents }) => ({ period, cents })),
      expected,
      bar.date,
    );
    // Off-peak segments are hatched as well as coloured.
    assert.equal(bar.hatched, expected.filter((s) => s.period.endsWith("hc")).length, bar.date);
  }
  // Heights are proportional to the amounts.
  const [a, b] = [bars[0].segments[0], bars[3].segments[0]];
  assert.ok(Math.abs(a.height / b.height - a.cents / b.cents) < 0.01, `${a.height}/${b.height} vs ${a.cents}/${b.cents}`);
  // The estimate (no load curve on the 8th) is drawn and marked; the 22nd (half hours missing)
  // and the days to come are gaps, the 22nd marked as incomplete.
  assert.equal(bars.find((bar) => bar.date === "2026-10-08")?.mark, "estimate");
  assert.equal(costs.days[7].status, "estimate");
  const gaps = await chart.locator("[data-gap]").evaluateAll((marks) =>
    marks.map((mark) => ({ date: mark.dataset.gap, mark: mark.dataset.mark, text: mark.querySelector("text.mark")?.textContent ?? "" })),
  );
  assert.deepEqual(
    gaps.map((gap) => gap.date),
    costs.days.filter((day) => day.total_cents === null).map((day) => day.day),
  );
  assert.deepEqual(gaps.find((gap) => gap.date === "2026-10-22"), { date: "2026-10-22", mark: "incomplete", text: "!" });
  assert.equal(gaps.find((gap) => gap.date === "2026-10-30")?.mark, "gap");
  // Last year's bars beside: one per priced day of October 2025.
  assert.equal(await chart.locator("g.last-year").count(), costs.previous.filter((d) => d.total_cents !== null).length);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the month's totals, the subscription apart, and last year's with the change in euros", async () => {
  const { page, problems } = await openCosts();
  const total = costs.total;
  assert.equal(euros(await text(page.getByTestId("energy-costs-total"))), total.total_cents / 100);
  assert.equal(euros(await text(page.getByTestId("energy-costs-subscription"))), total.subscription_cents / 100);
  assert.equal(
    euros(await text(page.getByTestId("energy-costs-energy"))),
    (total.total_cents - total.subscription_cents) / 100,
  );
  assert.equal(euros(await text(page.getByTestId("energy-costs-last-year"))), costs.previous_total.total_cents / 100);
  // The change is over the days priced in both years, as Rust counted them, not the totals'.
  const change = await text(page.getByTestId("energy-costs-change"));
  assert.equal(euros(change), costs.change.cents / 100);
  assert.match(change, /^[-+]€\d+\.\d\d$/);
  assert.match(await text(page.locator("dt", { hasText: "Change over" })), new RegExp(`^Change over the ${costs.change.days} days`));
  assert.equal(await text(page.getByTestId("energy-costs-month")), "Costs, October 2026");
  assert.equal(
    await text(page.getByTestId("energy-costs-priced")),
    `${total.priced_days} days priced, ${total.unpriced_days} not (missing data or price)`,
  );
  assert.equal(await page.getByTestId("energy-costs-estimate").count(), total.estimate ? 1 : 0);
  const before = costs.previous_total;
  assert.equal(
    await text(page.getByTestId("energy-costs-last-year-priced")),
    `Last year: ${before.priced_days} days priced, ${before.unpriced_days} not (missing data or price)`,
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test("in French: euros with a decimal comma, the sign after, narrow spaces, French months", async () => {
  const { page, problems } = await openCosts({}, { locale: "fr-FR" });
  const shown = await text(page.getByTestId("energy-costs-total"));
  assert.match(shown, /^\d{1,3}(\u202f\d{3})*,\d\d\u00a0€$/, JSON.stringify(shown));
  assert.equal(euros(shown, "fr"), costs.total.total_cents / 100);
  const change = await text(page.getByTestId("energy-costs-change"));
  assert.equal(euros(change, "fr"), costs.change.cents / 100);
  assert.equal(await text(page.getByTestId("energy-costs-month")), "Coûts, octobre 2026");
  // The table in French: each priced day's total, the 22nd "non chiffré".
  await page.getByTestId("energy-table-toggle").click();
  const table = page.getByTestId("energy-costs-table");
  await table.waitFor();
  const day = costs.days[0];
  const cells = table.locator(`tr[data-date="${day.day}"] td`);
  assert.equal(euros(await text(cells.nth(stacked.length + 1)), "fr"), day.total_cents / 100);
  assert.match(await text(table.locator('tr[data-date="2026-10-22"] td').nth(stacked.length + 1)), /non chiffré/);
  assert.match(await text(table.locator('tr[data-date="2026-10-08"] td').nth(stacked.length + 1)), /estimation/);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the arrow keys on the cost chart and its buttons move a month", async () => {
  const { page, problems } = await openCosts();
  const first = (await callsTo(page, "energy_costs")).at(-1);
  assert.deepEqual(first.args, { prm, from: "2026-10-01", to: "2026-11-01" });
  await page.getByTestId("energy-costs").focus();
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => window.__ipc.calls.filter((c) => c.cmd === "energy_costs").length >= 2);
  assert.deepEqual((await callsTo(page, "energy_costs")).at(-1).args, { prm, from: "2026-09-01", to: "2026-10-01" });
  await page.getByTestId("energy-costs-next").click();
  await page.waitForFunction(() => window.__ipc.calls.filter((c) => c.cmd === "energy_costs").length >= 3);
  assert.deepEqual((await callsTo(page, "energy_costs")).at(-1).args, { prm, from: "2026-10-01", to: "2026-11-01" });
  assert.deepEqual(problems, []);
  await page.close();
});

test("Compare offers: cheapest first, the difference per year, the current option, the power hint", async () => {
  const { page, problems } = await openCosts();
  // With the keyboard: the button is reached and opens the panel with Enter.
  await page.getByTestId("energy-compare-button").focus();
  await page.keyboard.press("Enter");
  const panel = page.getByTestId("energy-compare");
  await panel.getByTestId("energy-compare-table").waitFor();
  assert.equal(await page.getByTestId("energy-compare-button").getAttribute("aria-expanded"), "true");
  const rows = await panel.locator("tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      option: tr.dataset.option,
      cents: Number(tr.dataset.cents),
      cells: [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim() ?? ""),
      current: tr.querySelector('[data-testid="energy-compare-current"]') !== null,
    })),
  );
  assert.deepEqual(
    rows.map(({ option, cents, current }) => ({ option, cents, current })),
    comparison.options.map((o) => ({ option: o.option, cents: o.per_year_cents, current: o.current })),
  );
  const cents = rows.map((row) => row.cents);
  assert.deepEqual(cents, [...cents].sort((x, y) => x - y), "cheapest first");
  assert.equal(rows[0].cells[1], "Cheapest");
  for (const [index, option] of comparison.options.entries()) {
    assert.equal(euros(rows[index].cells[0]), Math.round(option.per_year_cents / 100));
    if (index > 0) {
      assert.match(rows[index].cells[1], /^\+€[\d,]+\/year$/);
      assert.equal(euros(rows[index].cells[1]), Math.round(option.more_than_cheapest_cents / 100));
    }
  }
  const hint = comparison.power_hint;
  assert.equal(
    await text(panel.getByTestId("energy-compare-hint")),
    `Your highest draw in ${hint.days} days was ${(hint.max_va / 1000).toFixed(2)}\u00a0kVA: ${hint.suggested_kva} kVA would do, saving €${Math.round(hint.saving_per_year_cents / 100)} a year.`,
  );
  assert.equal(
    await text(panel.getByTestId("energy-compare-windows")),
    "HP/HC is priced with 22:00–06:00: your meter's off-peak hours are not known.",
  );
  assert.match(await text(panel.getByTestId("energy-compare-period")), new RegExp(`${comparison.days_compared} days compared`));
  assert.deepEqual(problems, []);
  await page.close();
});

test("an open comparison is made again when the offer changes", async () => {
  const { page, problems } = await openCosts();
  await page.getByTestId("energy-compare-button").click();
  await page.getByTestId("energy-compare-table").waitFor();
  assert.equal((await callsTo(page, "energy_compare")).length, 1);
  const panel = page.getByTestId("energy-offer");
  await panel.getByTestId("energy-offer-change").click();
  await panel.getByTestId("energy-offer-save").click();
  await page.waitForFunction(() => window.__ipc.calls.filter((c) => c.cmd === "energy_compare").length >= 2);
  assert.equal((await callsTo(page, "energy_set_offer")).length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("in French, the comparison and its hint; with nothing to compare, the problem in words", async () => {
  const { page } = await openCosts({}, { locale: "fr-FR" });
  await page.getByTestId("energy-compare-button").click();
  const panel = page.getByTestId("energy-compare");
  const hint = await text(panel.getByTestId("energy-compare-hint"));
  const { days } = comparison.power_hint;
  assert.match(
    hint,
    new RegExp(`^Votre plus forte puissance en ${days} jours a été de 3,72\u00a0kVA\u00a0: 6\u00a0kVA suffiraient, soit \\d+\u00a0€ d’économie par an\\.$`),
  );
  assert.equal(euros(await text(panel.locator("tbody tr").first().locator("td").first()), "fr"), Math.round(comparison.options[0].per_year_cents / 100));
  await page.close();

  const refused = await openCosts({ energy_compare: { reject: { kind: "energy_nothing_to_compare" } } });
  await refused.page.getByTestId("energy-compare-button").click();
  assert.equal(
    await text(refused.page.getByTestId("energy-compare-problem")),
    "No load curve from the last 12 months to compare offers with: the comparison needs the half-hourly consumption.",
  );
  await refused.page.close();
});

test("Your offer: today's prices; a price Rust refuses is said next to its field and the form kept", async () => {
  const refusal = fixture("error-offer");
  const { page, problems } = await openCosts({ energy_set_offer: { reject: refusal } });
  const panel = page.getByTestId("energy-offer");
  assert.equal(
    (await text(panel.getByTestId("energy-offer-summary"))).replace(/\s+/g, " "),
    "Regulated tariff, Tempo Subscribed power 9 kVA",
  );
  const prices = await panel.getByTestId("energy-offer-prices").locator("[data-period]").evaluateAll((items) =>
    items.map((item) => ({ period: item.dataset.period, shown: item.querySelector("dd")?.textContent?.trim() })),
  );
  assert.deepEqual(
    prices.map((p) => p.period),
    [...offer.prices.map((p) => p.period), "subscription"],
  );
  for (const [index, price] of offer.prices.entries()) {
    assert.equal(euros(prices[index].shown), Number(price.euros_per_kwh), price.period);
    assert.match(prices[index].shown, /^€0\.\d{4,5}\/kWh$/);
  }
  assert.equal(prices.at(-1).shown, `€${offer.monthly_subscription}/month`);

  await panel.getByTestId("energy-offer-change").click();
  await panel.getByTestId("energy-offer-own").check();
  // The own offer starts from today's prices; the user mistypes the red days' peak price.
  const field = panel.getByTestId(`energy-offer-price-${refusal.period}`);
  assert.equal(await field.inputValue(), offer.prices.find((p) => p.period === refusal.period).euros_per_kwh);
  await field.fill(refusal.value);
  await panel.getByTestId("energy-offer-subscription").fill("19,78");
  await panel.getByTestId("energy-offer-save").click();
  const error = panel.getByTestId("energy-offer-field-error");
  await error.waitFor();
  assert.equal(await text(error), `Not a price per kWh: “${refusal.value}”. Write it in euros, e.g. 0.1952.`);
  // Next to the field it is about, which says it is wrong; the form stays as typed.
  assert.equal(await field.getAttribute("aria-invalid"), "true");
  assert.equal(await field.getAttribute("aria-describedby"), await error.getAttribute("id"));
  assert.equal(await field.inputValue(), refusal.value);
  assert.equal(await panel.getByTestId("energy-offer-form").count(), 1);
  const [call] = await callsTo(page, "energy_set_offer");
  assert.equal(call.args.prm, prm);
  assert.equal(call.args.choice.kind, "own");
  assert.equal(call.args.choice.option, "tempo");
  assert.equal(call.args.choice.monthly_subscription, "19,78");
  assert.deepEqual(
    call.args.choice.prices.map((p) => p.period),
    offer.prices.map((p) => p.period),
  );
  assert.equal(call.args.choice.prices.find((p) => p.period === refusal.period).euros_per_kwh, refusal.value);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the same refusal in French, next to its field", async () => {
  const refusal = fixture("error-offer");
  const { page } = await openCosts({ energy_set_offer: { reject: refusal } }, { locale: "fr-FR" });
  const panel = page.getByTestId("energy-offer");
  await panel.getByTestId("energy-offer-change").click();
  await panel.getByTestId("energy-offer-own").check();
  // Today's prices offered with a decimal comma, as a French user types them.
  assert.equal(await panel.getByTestId("energy-offer-subscription").inputValue(), offer.monthly_subscription.replace(".", ","));
  await panel.getByTestId(`energy-offer-price-${refusal.period}`).fill(refusal.value);
  await panel.getByTestId("energy-offer-save").click();
  assert.equal(
    await text(panel.getByTestId("energy-offer-field-error")),
    `Ce n’est pas un prix par kWh\u00a0: «\u00a0${refusal.value}\u00a0». Écrivez-le en euros, par exemple 0,1952.`,
  );
  await page.close();
});

test("the off-peak hours: listed with their origin; the editor sends what was typed; a version removed", async () => {
  const { page, problems } = await openCosts();
  const panel = page.getByTestId("energy-offer");
  const versions = await panel.getByTestId("energy-windows").locator("li").evaluateAll((items) =>
    items.map((item) => item.textContent?.replace(/\s+/g, " ").trim()),
  );
  assert.deepEqual(versions, [
    "From the start: 22:30–06:30 from your meter Edit",
    "From Nov 1, 2026: 23:00–07:00, 12:30–14:30 entered by you Edit Remove",
  ]);
  // A new version from a date: it starts from the hours in force (the latest version's two
  // windows), which are typed over.
  await panel.getByTestId("energy-windows-new").click();
  const form = panel.getByTestId("energy-windows-form");
  await form.getByTestId("energy-windows-from").fill("2027-01-01");
  const rows = form.getByTestId("energy-windows-row");
  assert.equal(await rows.count(), 2);
  assert.equal(await rows.nth(1).locator('input[type="time"]').nth(0).inputValue(), "12:30");
  await rows.nth(0).locator('input[type="time"]').nth(0).fill("23:30");
  await rows.nth(0).locator('input[type="time"]').nth(1).fill("07:30");
  await rows.nth(1).locator('input[type="time"]').nth(0).fill("12:00");
  await rows.nth(1).locator('input[type="time"]').nth(1).fill("14:00");
  await form.getByTestId("energy-windows-save").click();
  await form.waitFor({ state: "detached" });
  const [sent] = await callsTo(page, "energy_set_windows");
  assert.deepEqual(sent.args, {
    prm,
    from: "2027-01-01",
    windows: [
      { start: "23:30", end: "07:30" },
      { start: "12:00", end: "14:00" },
    ],
  });
  // Editing the first version (no date: every day before the next change) sends `null`.
  await panel.getByTestId("energy-windows").locator("li").first().getByRole("button", { name: "Edit" }).click();
  await panel.getByTestId("energy-windows-save").click();
  await page.waitForFunction(() => window.__ipc.calls.filter((c) => c.cmd === "energy_set_windows").length >= 2);
  assert.deepEqual((await callsTo(page, "energy_set_windows"))[1].args, {
    prm,
    from: null,
    windows: [{ start: "22:30", end: "06:30" }],
  });
  await panel.getByTestId("energy-windows").locator("li").nth(1).getByRole("button", { name: "Remove" }).click();
  await page.waitForFunction(() => window.__ipc.calls.some((c) => c.cmd === "energy_remove_windows"));
  assert.deepEqual((await callsTo(page, "energy_remove_windows"))[0].args, { prm, from: "2026-11-01" });
  // A version moved to another date replaces the one it was (a row added and taken back first).
  await panel.getByTestId("energy-windows").locator("li").nth(1).getByRole("button", { name: "Edit" }).click();
  await form.getByTestId("energy-windows-add").click();
  assert.equal(await rows.count(), 3);
  await rows.nth(2).getByRole("button").click();
  assert.equal(await rows.count(), 2);
  await form.getByTestId("energy-windows-from").fill("2026-12-01");
  await form.getByTestId("energy-windows-save").click();
  await page.waitForFunction(() => window.__ipc.calls.filter((c) => c.cmd === "energy_remove_windows").length >= 2);
  assert.deepEqual((await callsTo(page, "energy_set_windows"))[2].args, {
    prm,
    from: "2026-12-01",
    windows: [
      { start: "23:00", end: "07:00" },
      { start: "12:30", end: "14:30" },
    ],
  });
  assert.deepEqual((await callsTo(page, "energy_remove_windows"))[1].args, { prm, from: "2026-11-01" });
  // The costs are asked again after each change.
  assert.ok((await callsTo(page, "energy_costs")).length >= 3);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a time Rust refuses keeps the windows as typed and says why", async () => {
  const refusal = fixture("error-windows");
  const { page } = await openCosts({ energy_set_windows: { reject: refusal } });
  const panel = page.getByTestId("energy-offer");
  await panel.getByTestId("energy-windows-new").click();
  const row = panel.getByTestId("energy-windows-row").first();
  await row.locator('input[type="time"]').first().fill("23:15");
  await panel.getByTestId("energy-windows-save").click();
  assert.equal(
    await text(panel.getByTestId("energy-windows-problem")),
    "Not a time on the hour or half hour (HH:MM): “23:15”.",
  );
  assert.equal(await row.locator('input[type="time"]').first().inputValue(), "23:15");
  await page.close();
});

test("the tray's Tempo colours switch, the keyboard, and no inline style anywhere", async () => {
  const { page, problems } = await openCosts();
  const box = page.getByTestId("energy-show-tempo");
  assert.equal(await box.isChecked(), offer.show_tempo);
  await box.focus();
  await page.keyboard.press("Space");
  await page.waitForFunction(() => window.__ipc.calls.some((c) => c.cmd === "energy_set_show_tempo"));
  assert.deepEqual((await callsTo(page, "energy_set_show_tempo"))[0].args, { show: !offer.show_tempo });
  // Everything open: the comparison, the offer form (own), the windows editor, the table.
  await page.getByTestId("energy-compare-button").click();
  await page.getByTestId("energy-compare-table").waitFor();
  await page.getByTestId("energy-offer-change").click();
  await page.getByTestId("energy-offer-own").check();
  await page.getByTestId("energy-windows-new").click();
  const styled = await page.evaluate(() => [...document.querySelectorAll("[style]")].map((e) => e.outerHTML.slice(0, 80)));
  assert.deepEqual(styled, []);
  // Tab reaches the cost chart and every control of the offer, each with a name.
  const controls = await page.evaluate(() => {
    const scope = [
      document.querySelector('[data-testid="energy-costs"]'),
      ...document.querySelectorAll('[data-testid="energy-offer"] button, [data-testid="energy-offer"] input:not([type=radio]), [data-testid="energy-offer"] input[type=radio]:checked, [data-testid="energy-offer"] select'),
    ].filter((element) => element !== null);
    return scope.map((element, index) => {
      element.dataset.tabKey = `c${index}`;
      const label = element.labels?.[0]?.textContent ?? "";
      return { key: `c${index}`, name: (element.getAttribute("aria-label") ?? (label || element.textContent) ?? "").trim() };
    });
  });
  assert.ok(controls.length > 15, `${controls.length} controls`);
  assert.deepEqual(controls.filter((control) => control.name === ""), []);
  await page.locator("#energy-title").focus();
  const reached = new Set();
  for (let step = 0; step < 150; step += 1) {
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
