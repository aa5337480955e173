// The Settings screen in Debian's Chromium, with Tauri's IPC mocked by what Rust answers
// (ui/tests/fixtures/settings*.json and error-proxy.json, written by a src-tauri test from the
// real commands): starting at login, language, theme (following the system live), the energy
// proxy and its refusals, remote access's summary, notifications; all with the keyboard.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, fixture, snapshot } from "./harness.mjs";

const open = appInBrowser();

const view = fixture("settings");
const changed = fixture("settings-changed");

const base = (overrides = {}) => ({
  app_info: { name: "Hearth", version: "1.2.3", language: "en" },
  last_deep_link: null,
  home_status: fixture("home-demo"),
  lights_snapshot: snapshot,
  remote_view: fixture("remote-linked"),
  settings_view: view,
  set_launch_at_login: true,
  set_theme: null,
  set_notifications: null,
  set_language: null,
  set_energy_proxy: changed.energy_proxy,
  clear_energy_proxy: null,
  // The favourites and shortcuts sections share the screen (favourites-shortcuts.test.mjs).
  hotkeys_view: fixture("hotkeys"),
  ...overrides,
});

async function openSettings(responses, options) {
  const opened = await open(responses, options);
  await opened.page.getByTestId("nav-settings").click();
  await opened.page.getByTestId("settings").waitFor();
  return opened;
}

/** The page's background colour, as painted. */
const background = (page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

test("the screen is reached from the header, its heading takes the focus, and nothing breaks the CSP", async () => {
  const { page, problems } = await openSettings(base());
  const heading = page.getByRole("heading", { level: 2, name: "Settings" });
  assert.equal(await heading.evaluate((element) => element === document.activeElement), true);
  // What is changed often first, what is set up once last.
  await page.getByRole("heading", { level: 3, name: "Energy proxy" }).waitFor();
  assert.deepEqual(await page.getByTestId("settings").getByRole("heading", { level: 3 }).allTextContents(), [
    "General",
    "Favourites",
    "Keyboard shortcuts",
    "Notifications",
    "Remote access",
    "Energy proxy",
  ]);
  // Where the login items cannot be read (the fixture's mock runtime), the switch is not faked.
  await page.getByTestId("settings-launch-unavailable").waitFor();
  assert.equal(await page.getByTestId("settings-launch").count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("starting at login shows what the system reports after the change", async () => {
  const { page } = await openSettings(base({ settings_view: { ...view, launch_at_login: false } }));
  const launch = page.getByRole("switch", { name: "Start Hearth when I log in" });
  assert.equal(await launch.getAttribute("aria-checked"), "false");
  await launch.focus();
  await page.keyboard.press("Space");
  await page.waitForFunction(
    () => document.querySelector("[data-testid=settings-launch]")?.getAttribute("aria-checked") === "true",
  );
  assert.deepEqual(
    (await callsTo(page, "set_launch_at_login")).map((call) => call.args),
    [{ on: true }],
  );
  await page.close();
});

test("the theme: System follows the desktop live, Light and Dark hold whatever it does", async () => {
  const { page, problems } = await openSettings(base());
  await page.emulateMedia({ colorScheme: "light" });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "system");
  const light = await background(page);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await background(page);
  assert.notEqual(light, dark, "System follows the desktop's mode as it changes");

  // With the keyboard: the radio group moves with the arrow keys.
  await page.getByTestId("theme-system").focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "light");
  assert.equal(await background(page), light, "Light while the desktop is dark");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  await page.emulateMedia({ colorScheme: "light" });
  assert.equal(await background(page), dark, "Dark while the desktop is light");
  assert.deepEqual(
    (await callsTo(page, "set_theme")).map((call) => call.args),
    [{ theme: "light" }, { theme: "dark" }],
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test("a theme kept by Rust is applied when the window opens", async () => {
  const { page } = await open(base({ settings_view: changed }));
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await page.getByTestId("nav-settings").click();
  assert.equal(await page.getByTestId("theme-dark").isChecked(), true);
  await page.close();
});

test("with no proxy, the section says how to get one; a refused address says why", async () => {
  const { page, problems } = await openSettings(base({ set_energy_proxy: { reject: fixture("error-proxy") } }));
  const howTo = await page.getByTestId("settings-proxy-howto").textContent();
  assert.match(howTo, /hearth-proxy/);
  assert.equal(await page.getByTestId("settings-proxy-current").count(), 0);
  // The demo's settings last until Hearth quits: the section says so.
  await page.getByText("lasts only until Hearth quits").waitFor();

  await page.getByLabel("Proxy address").fill("http://energy.example.org");
  await page.getByLabel("Client ID").fill("hearth");
  await page.getByLabel("Client ID").press("Enter");
  const error = page.getByTestId("settings-proxy-error");
  await error.waitFor();
  assert.match(await error.textContent(), /must be reached over https/);
  assert.equal(await page.getByLabel("Proxy address").getAttribute("aria-invalid"), "true");
  assert.deepEqual(
    (await callsTo(page, "set_energy_proxy")).map((call) => call.args),
    [{ url: "http://energy.example.org", clientId: "hearth" }],
  );
  assert.deepEqual(problems, []);
  await page.close();
});

test("an accepted proxy is shown as Rust kept it, and can be forgotten after a confirmation", async () => {
  const { page } = await openSettings(base());
  await page.getByLabel("Proxy address").fill(" https://energy.example.org ");
  await page.getByLabel("Client ID").fill("hearth");
  await page.getByTestId("settings-proxy-save").click();
  await page.getByTestId("settings-proxy-saved").waitFor();
  assert.equal(
    await page.getByTestId("settings-proxy-current").textContent(),
    `Using the proxy at ${changed.energy_proxy.url}.`,
  );
  await page.getByTestId("settings-proxy-forget").click();
  await page.getByRole("dialog").getByRole("button", { name: "Forget this proxy" }).click();
  await page.getByTestId("settings-proxy-howto").waitFor();
  assert.equal((await callsTo(page, "clear_energy_proxy")).length, 1);
  await page.close();
});

test("remote access is summed up, with the way to its screen", async () => {
  const { page } = await openSettings(base());
  const state = page.getByTestId("settings-remote-state");
  assert.equal(await state.getAttribute("data-state"), "linked");
  assert.match(await state.textContent(), /Linked/);
  await page.getByTestId("settings-remote-open").click();
  const heading = page.getByRole("heading", { level: 2, name: "Remote access" });
  await heading.waitFor();
  assert.equal(await heading.evaluate((element) => element === document.activeElement), true);
  await page.close();

  const unregistered = await openSettings(base({ remote_view: fixture("remote-unregistered") }));
  assert.equal(
    await unregistered.page.getByTestId("settings-remote-state").getAttribute("data-state"),
    "unregistered",
  );
  await unregistered.page.close();
});

test("notifications switch off and on with the keyboard", async () => {
  const { page } = await openSettings(base());
  const notify = page.getByRole("switch", { name: /Notify me/ });
  assert.equal(await notify.getAttribute("aria-checked"), "true");
  await notify.focus();
  await page.keyboard.press("Enter");
  assert.equal(await notify.getAttribute("aria-checked"), "false");
  await page.keyboard.press("Space");
  assert.equal(await notify.getAttribute("aria-checked"), "true");
  assert.deepEqual(
    (await callsTo(page, "set_notifications")).map((call) => call.args),
    [{ on: false }, { on: true }],
  );
  await page.close();
});

test("the language can be chosen here too, and the whole screen follows it", async () => {
  const { page } = await openSettings(base());
  await page.getByTestId("settings-language").selectOption("fr");
  await page.getByRole("heading", { level: 2, name: "Paramètres" }).waitFor();
  await page.getByRole("heading", { level: 3, name: "Proxy d’énergie" }).waitFor();
  assert.equal(await page.getByTestId("language").inputValue(), "fr");
  assert.deepEqual(
    (await callsTo(page, "set_language")).map((call) => call.args),
    [{ choice: "fr" }],
  );
  await page.close();
});
