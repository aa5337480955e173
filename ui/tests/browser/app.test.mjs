// The UI in Debian's Chromium with Tauri's IPC mocked by what Rust answers (ui/tests/fixtures).

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, fixture } from "./harness.mjs";

const open = appInBrowser();

const [openRemote, deniedCallback, codeCallback] = fixture("deep-links");

const base = {
  app_info: {
    name: "Hearth",
    version: "1.2.3",
    config_dir: "/home/ada/.config/hearth",
    data_dir: "/home/ada/.local/share/org.hearth.desktop",
    log_dir: null,
    energy_history: "/home/ada/.local/share/hearth/energy.sqlite3",
  },
  last_deep_link: null,
  home_status: fixture("home-empty"),
  lights_snapshot: fixture("snapshot-empty"),
  remote_view: fixture("remote-unregistered"),
};

test("shows the name and version that Rust reports, under the app's CSP", async () => {
  const { page, problems } = await open(base);
  await page.getByTestId("app-version").waitFor();
  assert.equal(await page.getByTestId("app-name").textContent(), "Hearth");
  assert.equal(await page.getByTestId("app-version").textContent(), "v1.2.3");
  assert.deepEqual(problems, []);
  await page.close();
});

/** The About panel opened with the keyboard: its heading has the focus. */
async function openAbout(page) {
  await page.getByTestId("about-open").focus();
  await page.keyboard.press("Enter");
  const about = page.getByTestId("about");
  await about.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "about-title");
  return about;
}

test("developer details live in the About panel, opened and closed with the keyboard", async () => {
  const { page, problems } = await open({ ...base, home_status: fixture("home-demo") });
  const demo = fixture("home-demo");
  await page.getByTestId("demo-badge").waitFor();
  // Nothing of it in the normal view: no footer, no link or simulator line.
  assert.equal(await page.locator("footer").count(), 0);
  assert.equal(await page.getByTestId("about").isVisible(), false);
  const shown = await page.locator("main").evaluate((main) => main.innerText);
  assert.doesNotMatch(shown, /No link received|127\.0\.0\.1|\.config/);

  const about = await openAbout(page);
  assert.equal(await about.getByRole("heading").textContent(), "About Hearth");
  assert.equal(await about.getByTestId("about-version").textContent(), "1.2.3");
  assert.equal(await about.getByTestId("about-config-dir").textContent(), "/home/ada/.config/hearth");
  assert.equal(
    await about.getByTestId("about-data-dir").textContent(),
    "/home/ada/.local/share/org.hearth.desktop",
  );
  // A folder Rust could not name is said to be unknown.
  assert.equal(await about.getByTestId("about-log-dir").textContent(), "Unknown");
  assert.equal(
    await about.getByTestId("about-energy-dir").textContent(),
    "/home/ada/.local/share/hearth/energy.sqlite3",
  );
  assert.equal(await about.getByTestId("demo-bridge").textContent(), demo.demo_bridge);
  assert.equal(await about.getByTestId("demo-cloud").textContent(), demo.demo_cloud);
  assert.equal(await about.getByTestId("last-link").textContent(), "No link received yet.");
  assert.ok(await about.getByTestId("last-link").isVisible());

  // Escape closes it, and the focus returns to the button that opened it.
  await page.keyboard.press("Escape");
  await about.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "about-open");

  // So does its Close button, reached with Tab.
  await openAbout(page);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "about-close");
  await page.keyboard.press("Enter");
  await about.waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "about-open");
  assert.deepEqual(problems, []);
  await page.close();
});

test("the About panel has no demo addresses outside the demo", async () => {
  const { page } = await open(base);
  await page.getByTestId("app-version").waitFor();
  const about = await openAbout(page);
  await about.getByTestId("about-config-dir").waitFor();
  assert.equal(await about.getByTestId("demo-bridge").count(), 0);
  assert.equal(await about.getByTestId("demo-cloud").count(), 0);
  await page.close();
});

test("shows a deep link that arrives while it runs", async () => {
  const { page } = await open(base);
  await page.getByTestId("app-version").waitFor();
  await openAbout(page);
  await page.evaluate((link) => window.__ipc.emit("deep-link", link), openRemote);
  await page.getByText("Opened “Remote access”").waitFor();
  await page.evaluate((link) => window.__ipc.emit("deep-link", link), deniedCallback);
  await page.getByText("Sign-in was not completed (access_denied)").waitFor();
  await page.close();
});

test("shows a link that arrived before it loaded", async () => {
  const { page } = await open({ ...base, last_deep_link: codeCallback });
  await page.getByTestId("app-version").waitFor();
  await openAbout(page);
  await page.getByText("Received a sign-in callback").waitFor();
  // It listened before asking, so that no link falls in between.
  const calls = await page.evaluate(() => window.__ipc.calls.map((call) => call.cmd));
  assert.ok(calls.indexOf("plugin:event|listen") < calls.indexOf("last_deep_link"), calls.join());
  await page.close();
});

test("shows a command's problem in words, never its kind", async () => {
  const { page } = await open({ ...base, app_info: { reject: fixture("error-unreachable") } });
  const alert = page.getByTestId("error");
  await alert.waitFor();
  const text = await alert.textContent();
  assert.match(text, /^Cannot reach the bridge at 127\.0\.0\.1:0/);
  assert.doesNotMatch(text, /unreachable/);
  await page.close();
});
