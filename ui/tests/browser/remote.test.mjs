// The remote-access screen in Debian's Chromium, with Tauri's IPC mocked: registering, linking
// (the page the answer comes back to, pasting), the account's state, and the demo's "away".

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, snapshot } from "./harness.mjs";

const open = appInBrowser();

const registered = {
  registered: true,
  client_id: "hearth-demo",
  callback: null,
  cloud: "http://127.0.0.1:4444/",
  account: { state: "not_linked" },
  bridge_id: null,
  auto_receiver: "deep-link",
  flow: null,
  problem: null,
};

const base = (remote, status = {}) => ({
  app_info: { name: "Hearth", version: "1.2.3" },
  last_deep_link: null,
  home_status: {
    ready: true,
    demo: true,
    demo_bridge: "127.0.0.1:4443",
    demo_cloud: "http://127.0.0.1:4444",
    demo_away: false,
    problem: null,
    ...status,
  },
  lights_snapshot: snapshot,
  remote_view: remote,
  remote_register: registered,
  remote_start_link: {
    id: 1,
    receiver: "deep-link",
    redirect_uri: "hearth://oauth/callback",
    authorize_url: "http://127.0.0.1:4444/v2/oauth2/authorize?x",
  },
  remote_open_again: null,
  remote_paste: null,
  remote_cancel_link: null,
  remote_unlink: { ...registered },
  set_demo_away: null,
});

async function openRemote(responses) {
  const opened = await open(responses);
  await opened.page.getByTestId("nav-remote").click();
  return opened;
}

test("registering sends the client id and secret once, and the secret never comes back", async () => {
  const { page, problems } = await openRemote(
    base({ ...registered, registered: false, client_id: null }),
  );
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

  const waiting = {
    ...registered,
    flow: {
      step: "waiting",
      id: 1,
      receiver: "paste",
      redirect_uri: "https://example.org/done",
      authorize_url: "http://127.0.0.1:4444/v2/oauth2/authorize?x",
    },
  };
  await page.evaluate((view) => window.__ipc.emit("remote", view), waiting);
  await page.getByText("Finish in your browser").waitFor();
  await page.getByLabel("The address your browser ended on").fill("https://example.org/done?code=c&state=s");
  await page.getByRole("button", { name: "Use this address" }).click();
  const [pasted] = await callsTo(page, "remote_paste");
  assert.deepEqual(pasted.args, { url: "https://example.org/done?code=c&state=s" });
  await page.getByRole("button", { name: "Open the page again" }).click();
  assert.equal((await callsTo(page, "remote_open_again")).length, 1);

  await page.evaluate(
    (view) =>
      window.__ipc.emit("remote", {
        ...view,
        flow: { step: "done", id: 1, bridge_id: "001788fffe112d8b" },
        account: { state: "linked", expires_at: null, expiring_soon: false },
        bridge_id: "001788fffe112d8b",
      }),
    registered,
  );
  await page.getByText("Linked to bridge 001788fffe112d8b.").waitFor();
  assert.equal(await page.getByTestId("remote-account").getAttribute("data-state"), "linked");
  await page.getByRole("button", { name: "Unlink" }).click();
  assert.equal((await callsTo(page, "remote_unlink")).length, 1);
  await page.close();
});

test("a refused pasted address is explained where it was pasted", async () => {
  const waiting = {
    ...registered,
    flow: { step: "waiting", id: 1, receiver: "paste", redirect_uri: "https://x/", authorize_url: "http://a/" },
  };
  const { page } = await openRemote({
    ...base(waiting),
    remote_paste: {
      reject: { kind: "bad_callback", message: "this answer belongs to another sign-in (old, or forged): Hearth ignored it" },
    },
  });
  await page.getByLabel("The address your browser ended on").fill("https://x/?code=a&state=forged");
  await page.getByRole("button", { name: "Use this address" }).click();
  await page.getByText("belongs to another sign-in").waitFor();
  await page.close();
});

test("the demo's bridge can be taken away, and the lights say it is reached through the cloud", async () => {
  const { page } = await openRemote(base(registered));
  await page.getByTestId("demo-away").click();
  const [away] = await callsTo(page, "set_demo_away");
  assert.deepEqual(away.args, { away: true });

  const remote = structuredClone(snapshot);
  remote.bridges[0].via = "remote";
  await page.evaluate((next) => window.__ipc.emit("lights", next), remote);
  await page.getByTestId("nav-lights").click();
  assert.equal(await page.getByTestId("bridge-via").getAttribute("data-via"), "remote");
  assert.equal(await page.getByTestId("bridge-via").textContent(), "through the Hue cloud");
  await page.close();
});

test("a hearth://open/remote link opens this screen", async () => {
  const { page } = await open(base(registered));
  await page.getByTestId("nav-lights").waitFor();
  await page.evaluate(() => window.__ipc.emit("deep-link", { kind: "open", screen: "remote" }));
  await page.getByTestId("remote-account").waitFor();
  await page.close();
});
