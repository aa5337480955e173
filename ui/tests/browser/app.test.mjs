// The UI in Debian's Chromium with Tauri's IPC mocked by what Rust answers (ui/tests/fixtures).

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, fixture } from "./harness.mjs";

const open = appInBrowser();

const [openRemote, deniedCallback, codeCallback] = fixture("deep-links");

const base = {
  app_info: { name: "Hearth", version: "1.2.3" },
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
  assert.equal(await page.getByTestId("last-link").textContent(), "No link received yet.");
  assert.deepEqual(problems, []);
  await page.close();
});

test("shows a deep link that arrives while it runs", async () => {
  const { page } = await open(base);
  await page.getByTestId("app-version").waitFor();
  await page.evaluate((link) => window.__ipc.emit("deep-link", link), openRemote);
  await page.getByText("Opened “Remote access”").waitFor();
  await page.evaluate((link) => window.__ipc.emit("deep-link", link), deniedCallback);
  await page.getByText("Sign-in was not completed (access_denied)").waitFor();
  await page.close();
});

test("shows a link that arrived before it loaded", async () => {
  const { page } = await open({ ...base, last_deep_link: codeCallback });
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
