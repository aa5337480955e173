// The UI in Debian's Chromium with Tauri's IPC mocked: what it shows for what Rust answers.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser } from "./harness.mjs";

const open = appInBrowser();

const base = {
  app_info: { name: "Hearth", version: "1.2.3" },
  last_deep_link: null,
  home_status: { ready: true, demo: false, demo_bridge: null, demo_cloud: null, demo_away: false, problem: null },
  lights_snapshot: { bridges: [], rooms: [], zones: [], lights: [], scenes: [] },
  remote_view: null,
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
  await page.evaluate(() => window.__ipc.emit("deep-link", { kind: "open", screen: "remote" }));
  await page.getByText("Opened the remote screen").waitFor();
  await page.evaluate(() =>
    window.__ipc.emit("deep-link", {
      kind: "oauth_callback",
      outcome: { result: "error", error: "access_denied" },
    }),
  );
  await page.getByText("Sign-in was not completed (access_denied)").waitFor();
  await page.close();
});

test("shows a link that arrived before it loaded", async () => {
  const { page } = await open({
    ...base,
    last_deep_link: { kind: "oauth_callback", outcome: { result: "code" } },
  });
  await page.getByText("Received a sign-in callback").waitFor();
  // It listened before asking, so that no link falls in between.
  const calls = await page.evaluate(() => window.__ipc.calls.map((call) => call.cmd));
  assert.ok(calls.indexOf("plugin:event|listen") < calls.indexOf("last_deep_link"), calls.join());
  await page.close();
});

test("shows a command's error message, not its kind", async () => {
  const { page } = await open({
    ...base,
    app_info: { reject: { kind: "internal", message: "Hearth could not read its version." } },
  });
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.textContent(), "Hearth could not read its version.");
  await page.close();
});
