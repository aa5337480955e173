// A light's own controls and a room's scenes, in Debian's Chromium against the demo's snapshot as
// Rust sends it (ui/tests/fixtures/snapshot.json): the colour each light shows, the white
// slider, the colour picker limited to the light's gamut, scenes under their room.

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
  set_color_temperature: null,
  set_color: null,
  recall_scene: null,
};

const groups = [...snapshot.rooms, ...snapshot.zones];
const groupOf = (light) => groups.find((group) => group.lights.includes(light.id));

/** The card of the light's room or zone, with its list of lights open. */
async function lightRow(page, light) {
  const card = page.locator(`[data-group-name="${groupOf(light).name}"]`);
  await card.locator("summary").click();
  return card.locator(`[data-light-name="${light.name}"]`);
}

/** Whether `p` is inside the triangle (or on its edge, to the bridge's 4 decimals). */
function inside(gamut, p) {
  const cross = (a, b) => (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
  const d = [cross(gamut.red, gamut.green), cross(gamut.green, gamut.blue), cross(gamut.blue, gamut.red)];
  const tolerance = 1e-4;
  return d.every((v) => v >= -tolerance) || d.every((v) => v <= tolerance);
}

test("each light shows the colour Rust says it shows", async () => {
  const coloured = snapshot.lights.filter((light) => light.rgb !== null && groupOf(light));
  assert.ok(coloured.length > 0, "the demo has lights with a colour");
  const { page, problems } = await open(ready);
  for (const light of coloured) {
    const row = await lightRow(page, light);
    const swatch = row.getByTestId("light-colour");
    assert.equal(await swatch.getAttribute("fill"), light.rgb, light.name);
    await page.locator(`[data-group-name="${groupOf(light).name}"] summary`).click();
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("the white slider goes from the light's warmest to its coldest and sends mirek", async () => {
  const light = snapshot.lights.find((l) => l.capabilities.color_temperature && groupOf(l));
  const [cold, warm] = light.capabilities.color_temperature;
  const { page, problems } = await open(ready);
  const row = await lightRow(page, light);
  await row.getByTestId("adjust").click();
  const slider = row.getByTestId("temperature");
  assert.match(await slider.getAttribute("aria-label"), new RegExp(light.name));

  await slider.focus();
  await page.keyboard.press("Home");
  await page.waitForFunction(() => window.__ipc.calls.some((call) => call.cmd === "set_color_temperature"));
  let sent = await callsTo(page, "set_color_temperature");
  assert.deepEqual(sent.at(-1).args, { target: { kind: "light", id: light.id }, mirek: warm });

  await page.keyboard.press("End");
  await page.waitForFunction(
    (cold) => window.__ipc.calls.filter((call) => call.cmd === "set_color_temperature").at(-1)?.args.mirek === cold,
    cold,
  );
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(
    (cold) => window.__ipc.calls.filter((call) => call.cmd === "set_color_temperature").at(-1)?.args.mirek === cold + 1,
    cold,
  );
  sent = await callsTo(page, "set_color_temperature");
  for (const call of sent) {
    assert.ok(call.args.mirek >= cold && call.args.mirek <= warm, `mirek ${call.args.mirek} in range`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("the colour picker sends xy within the light's gamut, by keyboard and by pointer", async () => {
  const light = snapshot.lights.find((l) => l.capabilities.gamut && groupOf(l));
  const gamut = light.capabilities.gamut;
  const { page, problems } = await open(ready);
  const row = await lightRow(page, light);
  await row.getByTestId("adjust").click();
  const picker = row.getByTestId("color-picker");
  assert.match(await picker.getAttribute("aria-label"), new RegExp(light.name));
  assert.equal(await picker.getByTestId("color-marker").getAttribute("fill"), light.rgb);

  // Far past the right edge, in steps: every value sent stays in the triangle.
  await picker.focus();
  for (let i = 0; i < 15; i++) await page.keyboard.press("Shift+ArrowRight");
  await page.waitForFunction(() => window.__ipc.calls.filter((call) => call.cmd === "set_color").length > 0);
  const byKeys = await callsTo(page, "set_color");
  const last = byKeys.at(-1).args;
  assert.deepEqual(last.target, { kind: "light", id: light.id });
  assert.ok(last.xy.x > light.xy.x, `moved right: ${JSON.stringify(last.xy)}`);

  // A click in the picker's top-left corner, outside any gamut: the nearest colour is sent.
  const box = await picker.boundingBox();
  const before = byKeys.length;
  await page.mouse.click(box.x + 2, box.y + 2);
  await page.waitForFunction(
    (before) => window.__ipc.calls.filter((call) => call.cmd === "set_color").length > before,
    before,
  );
  // And a drag across the middle.
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.6, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(
    (before) => window.__ipc.calls.filter((call) => call.cmd === "set_color").length > before + 1,
    before,
  );
  const sent = await callsTo(page, "set_color");
  for (const call of sent) {
    assert.ok(inside(gamut, call.args.xy), `${JSON.stringify(call.args.xy)} inside the gamut`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test("scenes are under their room, the active one pressed", async () => {
  const withActive = structuredClone(snapshot);
  const scene = withActive.scenes.find((s) => s.group);
  assert.ok(scene, "the demo has scenes of a room or zone");
  withActive.scenes.forEach((s) => (s.active = s.id === scene.id));
  const { page, problems } = await open({ ...ready, lights_snapshot: withActive });
  const group = groups.find((g) => g.id === scene.group.id);
  const list = page.locator(`[data-group-name="${group.name}"]`).getByTestId("scenes");
  const buttons = list.locator("[data-scene-name]");
  const names = withActive.scenes.filter((s) => s.group?.id === group.id).map((s) => s.name);
  assert.deepEqual(await buttons.allTextContents().then((t) => t.map((s) => s.trim())), names);
  for (const other of withActive.scenes.filter((s) => s.group?.id === group.id)) {
    const button = list.locator(`[data-scene-name="${other.name}"]`);
    assert.equal(await button.getAttribute("aria-pressed"), String(other.active), other.name);
  }
  await list.locator(`[data-scene-name="${scene.name}"]`).click();
  const [call] = await callsTo(page, "recall_scene");
  assert.deepEqual(call.args, { sceneId: scene.id });
  assert.deepEqual(problems, []);
  await page.close();
});
