// The remote-access screen in Debian's Chromium, with Tauri's IPC mocked by what Rust answers
// (ui/tests/fixtures, written by a Rust test that links the demo's cloud): registering, linking
// (the page the answer comes back to, pasting), the account's state, and the demo's "away".

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, fixture, snapshot } from "./harness.mjs";

const open = appInBrowser();

const registered = fixture("remote-registered");

const base = (remote) => ({
  app_info: { name: "Hearth", version: "1.2.3" },
  last_deep_link: null,
  home_status: fixture("home-demo"),
  lights_snapshot: snapshot,
  remote_view: remote,
  remote_register: registered,
  remote_start_link: fixture("link-started"),
  remote_open_again: null,
  remote_paste: null,
  remote_cancel_link: null,
  remote_unlink: registered,
  set_demo_away: null,
});

async function openRemote(responses) {
  const opened = await open(responses);
  await opened.page.getByTestId("nav-remote").click();
  return opened;
}

test("registering sends the client id and secret once, and the secret never comes back", async () => {
  const { page, problems } = await openRemote(base(fixture("remote-unregistered")));
  await page.getByLabel("Client ID").fill("my-app");
  await page.getByLabel("Client secret").fill("s3cret");
  await page.getByLabel(/Callback URL/).fill("hearth://oauth/callback");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("remote-account").waitFor();
  const [call] = await callsTo(page, "remote_register");
  assert.deepEqual(call.args, {
    clientId: "my-app",
    clientSecret: "s3cret",
    callback: "hearth://oauth/callback",
  });
  assert.equal(await page.getByText("s3cret").count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test("linking asks Rust (which opens the browser), then follows the flow it reports", async () => {
  const { page } = await openRemote(base(registered));
  await page.getByTestId("remote-link").click();
  const [start] = await callsTo(page, "remote_start_link");
  assert.deepEqual(start.args, { choice: { kind: "auto" } });

  const waiting = fixture("remote-waiting");
  await page.evaluate((view) => window.__ipc.emit("remote", view), waiting);
  await page.getByText("Finish in your browser").waitFor();
  const pasted = `${waiting.flow.redirect_uri}?code=c&state=s`;
  await page.getByLabel("The address your browser ended on").fill(pasted);
  await page.getByRole("button", { name: "Use this address" }).click();
  const [paste] = await callsTo(page, "remote_paste");
  assert.deepEqual(paste.args, { url: pasted });
  await page.getByRole("button", { name: "Open the page again" }).click();
  assert.equal((await callsTo(page, "remote_open_again")).length, 1);

  const linked = fixture("remote-linked");
  await page.evaluate((view) => window.__ipc.emit("remote", view), linked);
  await page.getByText(`Linked to bridge ${linked.flow.bridge_id}.`).waitFor();
  assert.equal(await page.getByTestId("remote-account").getAttribute("data-state"), "linked");
  await page.getByRole("button", { name: "Unlink" }).click();
  assert.equal((await callsTo(page, "remote_unlink")).length, 1);
  await page.close();
});

test("a refused sign-in is said in the catalogue's words", async () => {
  const { page } = await openRemote(base(fixture("remote-failed")));
  const failed = page.getByTestId("remote-flow");
  await failed.waitFor();
  assert.equal(await failed.getAttribute("data-step"), "failed");
  assert.match(await failed.textContent(), /The sign-in was refused/);
  await page.close();
});

test("a refused pasted address is explained where it was pasted", async () => {
  const { page } = await openRemote({
    ...base(fixture("remote-waiting")),
    remote_paste: { reject: fixture("error-paste") },
  });
  await page.getByLabel("The address your browser ended on").fill("https://example.org/done?code=c&state=forged");
  await page.getByRole("button", { name: "Use this address" }).click();
  await page.getByText("This address is not the sign-in redirect Hearth is waiting for.").waitFor();
  await page.close();
});

test("the demo's bridge can be taken away, and the lights say it is reached through the cloud", async () => {
  const { page } = await openRemote(base(registered));
  await page.getByTestId("demo-away").click();
  const [away] = await callsTo(page, "set_demo_away");
  assert.deepEqual(away.args, { away: true });

  await page.evaluate((next) => window.__ipc.emit("lights", next), fixture("snapshot-away"));
  await page.getByTestId("nav-lights").click();
  assert.equal(await page.getByTestId("bridge-via").getAttribute("data-via"), "remote");
  assert.equal(await page.getByTestId("bridge-via").textContent(), "through the Hue cloud");
  await page.close();
});

test("a hearth://open/remote link opens this screen", async () => {
  const { page } = await open(base(registered));
  await page.getByTestId("nav-lights").waitFor();
  const [openRemoteLink] = fixture("deep-links");
  await page.evaluate((link) => window.__ipc.emit("deep-link", link), openRemoteLink);
  await page.getByTestId("remote-account").waitFor();
  await page.close();
});
