// The window in French: from the system's language (the browser's locale), from the choice Rust
// kept, and switched from the header; numbers and dates in French conventions.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, fixture, snapshot } from "./harness.mjs";

const open = appInBrowser();

const ready = {
  app_info: { name: "Hearth", version: "1.2.3", language: "system" },
  last_deep_link: null,
  home_status: fixture("home-demo"),
  lights_snapshot: snapshot,
  remote_view: fixture("remote-registered"),
  set_language: null,
  all_off: null,
};

test("a French system gets a French window, with French numbers", async () => {
  const { page, problems } = await open(ready, { locale: "fr-FR" });
  await page.getByRole("button", { name: "Éteindre tout" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "fr");
  await page.getByRole("heading", { name: "Pièces" }).waitFor();
  await page.getByRole("button", { name: "Lien à distance" }).waitFor();
  const room = snapshot.rooms[0];
  const card = page.locator(`[data-group-name="${room.name}"]`);
  const lit = room.lights.filter((id) => snapshot.lights.find((light) => light.id === id)?.on).length;
  assert.equal(
    await card.locator("p.muted").textContent(),
    `${lit} sur ${room.lights.length} ${lit > 1 ? "allumées" : "allumée"}`,
  );
  assert.equal(await card.getByTestId("brightness").getAttribute("aria-valuetext"), `${room.brightness}\u00a0%`);
  assert.equal(
    await card.getByTestId("group-toggle").getAttribute("aria-label"),
    `${room.name}\u00a0: ${room.on ? "éteindre" : "allumer"}`,
  );
  assert.equal(await page.getByTestId("last-link").textContent(), "Aucun lien reçu pour l’instant.");
  assert.deepEqual(problems, []);
  await page.close();
});

test("the system's language Rust read wins over the webview's, so window and tray agree", async () => {
  const { page } = await open(
    { ...ready, app_info: { ...ready.app_info, system_language: "fr" } },
    { locale: "en-US" },
  );
  await page.getByRole("button", { name: "Éteindre tout" }).waitFor();
  await page.close();
});

test("the choice Rust kept wins over the system, and a date is written the French way", async () => {
  const linked = fixture("remote-linked");
  // A week from now, at a fixed time of day.
  const until = new Date(Date.now() + 7 * 86_400_000);
  until.setHours(14, 5, 0, 0);
  linked.account = { state: "linked", expires_at: Math.floor(until.getTime() / 1000), expiring_soon: false };
  const { page } = await open(
    { ...ready, app_info: { ...ready.app_info, language: "fr" }, remote_view: linked },
    { locale: "en-US" },
  );
  await page.getByTestId("nav-remote").click();
  const account = page.getByTestId("remote-account");
  await account.waitFor();
  const months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
  const date = `${until.getDate()} ${months[until.getMonth()]} ${until.getFullYear()}, 14:05`;
  assert.match(await account.textContent(), new RegExp(`^Lié \\(accès actuel valable encore [678] jours, jusqu’au ${date}, renouvelé automatiquement\\)$`));
  await page.close();
});

test("switching the language in the header changes every word at once and tells Rust", async () => {
  const { page } = await open(ready, { locale: "en-US" });
  await page.getByRole("button", { name: "All off" }).waitFor();
  await page.getByTestId("language").selectOption("fr");
  await page.getByRole("button", { name: "Éteindre tout" }).waitFor();
  assert.equal(await page.getByRole("navigation").getAttribute("aria-label"), "Écrans");
  await page.getByTestId("language").selectOption("system");
  await page.getByRole("button", { name: "All off" }).waitFor();
  assert.deepEqual(
    (await callsTo(page, "set_language")).map((call) => call.args),
    [{ choice: "fr" }, { choice: "system" }],
  );
  await page.close();
});

test("a failure is worded in the language in use", async () => {
  const { page } = await open(
    { ...ready, all_off: { reject: fixture("error-unreachable") } },
    { locale: "fr-FR" },
  );
  await page.getByRole("button", { name: "Éteindre tout" }).click();
  await page.getByText("Impossible de joindre le pont à l’adresse 127.0.0.1:0").waitFor();
  await page.close();
});
