// The lights screen in Debian's Chromium, with Tauri's IPC mocked by what Rust really sends: every
// answer and event is a fixture (ui/tests/fixtures), written by a Rust test from the demo or a
// simulated bridge.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, fixture, snapshot } from "./harness.mjs";

const open = appInBrowser();

const ready = {
  app_info: { name: "Hearth", version: "1.2.3" },
  last_deep_link: null,
  home_status: fixture("home-demo"),
  lights_snapshot: snapshot,
  remote_view: fixture("remote-registered"),
  set_on: null,
  set_brightness: null,
  all_off: null,
  recall_scene: null,
};

test("shows every room and zone of the snapshot, with its state", async () => {
  const { page, problems } = await open(ready);
  for (const group of [...snapshot.rooms, ...snapshot.zones]) {
    const card = page.locator(`[data-group-name="${group.name}"]`);
    await card.waitFor();
    const toggle = card.getByTestId("group-toggle");
    assert.equal(await toggle.getAttribute("aria-checked"), String(group.on), group.name);
  }
  await page.getByTestId("demo-badge").waitFor();
  assert.equal(await page.getByTestId("bridge").getAttribute("data-connection"), "live");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a room's switch asks Rust to turn it the other way, and follows the next snapshot", async () => {
  const { page } = await open(ready);
  const room = snapshot.rooms[0];
  const toggle = page.locator(`[data-group-name="${room.name}"]`).getByTestId("group-toggle");
  await toggle.click();
  const [call] = await callsTo(page, "set_on");
  assert.deepEqual(call.args, { target: { kind: "room", id: room.id }, on: !room.on });

  // The switch shows what the bridge says, not what was clicked.
  assert.equal(await toggle.getAttribute("aria-checked"), String(room.on));
  const changed = structuredClone(snapshot);
  changed.rooms[0].on = !room.on;
  await page.evaluate((next) => window.__ipc.emit("lights", next), changed);
  await page.waitForFunction(
    ([name, on]) =>
      document
        .querySelector(`[data-group-name="${name}"] [data-testid=group-toggle]`)
        ?.getAttribute("aria-checked") === String(on),
    [room.name, !room.on],
  );
  await page.close();
});

test("dragging a brightness slider sends the values, the last one always", async () => {
  const { page } = await open(ready);
  const room = snapshot.rooms[1];
  const slider = page.locator(`[data-group-name="${room.name}"]`).getByTestId("brightness");
  await slider.waitFor();
  for (const value of ["20", "35", "50", "65"]) await slider.fill(value);
  await page.waitForFunction(
    () => window.__ipc.calls.filter((call) => call.cmd === "set_brightness").at(-1)?.args.percent === 65,
  );
  const sent = await callsTo(page, "set_brightness");
  assert.ok(sent.length >= 1 && sent.length <= 4, `sent ${sent.length} values`);
  assert.deepEqual(sent.at(-1).args, { target: { kind: "room", id: room.id }, percent: 65 });
  await page.close();
});

test("a failed command is shown, in the catalogue's words for its problem", async () => {
  const { page } = await open({ ...ready, all_off: { reject: fixture("error-unreachable") } });
  await page.getByTestId("all-off").click();
  await page.getByText("Cannot reach the bridge at 127.0.0.1:0").waitFor();
  await page.close();
});

test("with no bridge, it offers to find one or to try the demo", async () => {
  const { page } = await open({
    ...ready,
    home_status: fixture("home-empty"),
    lights_snapshot: fixture("snapshot-empty"),
    start_demo: null,
  });
  await page.getByRole("button", { name: "Search the network" }).waitFor();
  await page.getByTestId("start-demo").click();
  assert.equal((await callsTo(page, "start_demo")).length, 1);
  await page.close();
});

test("pairing shows the certificate and counts down while it waits for the button", async () => {
  const discovery = fixture("discovery");
  const [bridge] = discovery.bridges;
  const [contacting, found, press] = fixture("pairing");
  const { page } = await open({
    ...ready,
    home_status: fixture("home-empty"),
    lights_snapshot: fixture("snapshot-empty"),
    discover_bridges: discovery,
    // Pairing never answers in this test: the countdown is what it checks.
    pair_bridge: { pending: true },
    cancel_pairing: null,
  });
  await page.getByLabel("Bridge address").fill(bridge.address);
  await page.getByRole("button", { name: "Look there" }).click();
  await page.getByText("found by its address").waitFor();
  await page.getByRole("button", { name: "Pair" }).click();
  const [pair] = await callsTo(page, "pair_bridge");
  assert.deepEqual(pair.args, { address: bridge.address });
  await page.evaluate((steps) => steps.forEach((step) => window.__ipc.emit("pairing", step)), [
    contacting,
    found,
    press,
  ]);
  await page.getByText("Press the round link button").waitFor();
  assert.equal(await page.getByTestId("countdown").textContent(), `${press.remaining_secs}\u00a0s left`);
  assert.match(await page.getByTestId("certificate").textContent(), /not signed by Signify/);
  assert.ok((await page.getByTestId("certificate").textContent()).includes(found.certificate.fingerprint));
  await page.getByRole("button", { name: "Cancel" }).click();
  assert.equal((await callsTo(page, "cancel_pairing")).length, 1);
  await page.close();
});

test("when the lights cannot be opened, it says why and still offers the demo", async () => {
  const { page } = await open({
    ...ready,
    home_status: fixture("home-problem"),
    lights_snapshot: fixture("snapshot-empty"),
  });
  await page.getByTestId("problem").waitFor();
  assert.match(
    await page.getByTestId("problem").textContent(),
    /Cannot use \/home\/u\/\.config\/hearth\/bridges\.json/,
  );
  await page.getByTestId("start-demo").waitFor();
  await page.close();
});
