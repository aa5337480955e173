// The lights screen in Debian's Chromium, with Tauri's IPC mocked by what Rust really sends: the
// snapshot is ui/tests/fixtures/snapshot.json, written by a Rust test from the demo.

import assert from "node:assert/strict";
import { test } from "node:test";
import { appInBrowser, callsTo, snapshot } from "./harness.mjs";

const open = appInBrowser();

const ready = {
  app_info: { name: "Hearth", version: "1.2.3" },
  last_deep_link: null,
  home_status: { ready: true, demo: true, demo_bridge: "127.0.0.1:4443", demo_cloud: null, demo_away: false, problem: null },
  lights_snapshot: snapshot,
  remote_view: null,
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

test("a failed command is shown, with the message Rust wrote", async () => {
  const { page } = await open({
    ...ready,
    all_off: { reject: { kind: "unreachable", message: "The bridge did not answer." } },
  });
  await page.getByTestId("all-off").click();
  await page.getByText("The bridge did not answer.").waitFor();
  await page.close();
});

test("with no bridge, it offers to find one or to try the demo", async () => {
  const { page } = await open({
    ...ready,
    home_status: { ready: true, demo: false, demo_bridge: null, demo_cloud: null, demo_away: false, problem: null },
    lights_snapshot: { bridges: [], rooms: [], zones: [], lights: [], scenes: [] },
    start_demo: null,
  });
  await page.getByRole("button", { name: "Search the network" }).waitFor();
  await page.getByTestId("start-demo").click();
  assert.equal((await callsTo(page, "start_demo")).length, 1);
  await page.close();
});

test("pairing shows the certificate and counts down while it waits for the button", async () => {
  const bridge = { id: "001788fffe23bfc2", name: "Hue Bridge", address: "192.0.2.7", model: "BSB002",
    api_version: "1.66.0", supports_v2: true, sources: ["manual"] };
  const { page } = await open({
    ...ready,
    home_status: { ready: true, demo: false, demo_bridge: null, demo_cloud: null, demo_away: false, problem: null },
    lights_snapshot: { bridges: [], rooms: [], zones: [], lights: [], scenes: [] },
    discover_bridges: { bridges: [bridge], problems: [] },
    // Pairing never answers in this test: the countdown is what it checks.
    pair_bridge: { pending: true },
    cancel_pairing: null,
  });
  await page.getByLabel("Bridge address").fill("192.0.2.7");
  await page.getByRole("button", { name: "Look there" }).click();
  await page.getByRole("button", { name: "Pair" }).click();
  await page.evaluate((bridge) => {
    window.__ipc.emit("pairing", { step: "contacting", address: bridge.address });
    window.__ipc.emit("pairing", {
      step: "found",
      bridge_id: bridge.id,
      name: bridge.name,
      certificate: { fingerprint: "AB:CD:EF", trust: "pinned" },
    });
    window.__ipc.emit("pairing", { step: "press_button", remaining_secs: 27 });
  }, bridge);
  await page.getByText("Press the round link button").waitFor();
  assert.equal(await page.getByTestId("countdown").textContent(), "27 s left");
  assert.match(await page.getByTestId("certificate").textContent(), /AB:CD:EF/);
  await page.getByRole("button", { name: "Cancel" }).click();
  assert.equal((await callsTo(page, "cancel_pairing")).length, 1);
  await page.close();
});

test("when the lights cannot be opened, it says why and still offers the demo", async () => {
  const { page } = await open({
    ...ready,
    home_status: {
      ready: false,
      demo: false,
      demo_bridge: null,
      demo_cloud: null,
      demo_away: false,
      problem: "cannot use /home/u/.config/hearth/bridges.json: expected value at line 1",
    },
    lights_snapshot: { bridges: [], rooms: [], zones: [], lights: [], scenes: [] },
  });
  await page.getByTestId("problem").waitFor();
  assert.match(await page.getByTestId("problem").textContent(), /bridges\.json: expected value/);
  await page.getByTestId("start-demo").waitFor();
  await page.close();
});
