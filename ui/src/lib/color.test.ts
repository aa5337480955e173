import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

import type { Snapshot } from "./bindings";
import { clampToGamut, contains, gamutOf, tiles, xyToHex, type Gamut } from "./color";

const C: Gamut = {
  red: { x: 0.6915, y: 0.3083 },
  green: { x: 0.17, y: 0.7 },
  blue: { x: 0.1532, y: 0.0475 },
};

const snapshot: Snapshot = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/snapshot.json", import.meta.url), "utf8"),
);

describe("clampToGamut", () => {
  it("leaves a point the light can show alone", () => {
    expect(clampToGamut(C, { x: 0.4, y: 0.4 })).toEqual({ x: 0.4, y: 0.4 });
  });

  it("brings a point outside to the nearest the light can show", () => {
    // Below blue: the blue corner (as in hearth-hue's own test).
    expect(clampToGamut(C, { x: 0.1, y: 0 })).toEqual(C.blue);
    for (const p of [
      { x: 0.6, y: 0.6 },
      { x: 0, y: 0.9 },
      { x: 0.8, y: 0 },
      { x: 0, y: 0 },
    ]) {
      const clamped = clampToGamut(C, p);
      expect(contains(C, p)).toBe(false);
      expect(contains(C, clamped), JSON.stringify(clamped)).toBe(true);
    }
  });

  it("works on the gamuts Rust sends", () => {
    const gamuts = snapshot.lights.flatMap((light) => light.capabilities.gamut ?? []);
    expect(gamuts.length).toBeGreaterThan(0);
    for (const gamut of gamuts.map(gamutOf)) {
      expect(contains(gamut, { x: 0.05, y: 0.9 })).toBe(false);
      expect(contains(gamut, clampToGamut(gamut, { x: 0.05, y: 0.9 }))).toBe(true);
    }
  });
});

describe("xyToHex", () => {
  it("shows the sRGB primaries and white as themselves", () => {
    expect(xyToHex({ x: 0.64, y: 0.33 })).toBe("#ff0000");
    expect(xyToHex({ x: 0.3, y: 0.6 })).toBe("#00ff00");
    expect(xyToHex({ x: 0.15, y: 0.06 })).toBe("#0000ff");
    expect(xyToHex({ x: 0.3127, y: 0.329 })).toBe("#ffffff");
  });

  it("agrees with hearth-hue's xy_to_hex on the cases its tests pin", () => {
    // crates/hue/src/color.rs `xy_shown_as_srgb`, crates/core/src/lights/snapshot.rs (gamut B's
    // red corner).
    expect(xyToHex({ x: 0.5, y: 0 })).toBe("#ffffff");
    expect(xyToHex({ x: Number.NaN, y: 2 })).toBe("#00ff00");
    expect(xyToHex({ x: 0.675, y: 0.322 })).toBe("#ff0000");
  });
});

describe("tiles", () => {
  it("cover the gamut with steps² triangles, each inside it", () => {
    const pieces = tiles(C, 6);
    expect(pieces).toHaveLength(36);
    for (const piece of pieces) {
      const centre = {
        x: piece.points.reduce((sum, p) => sum + p.x, 0) / 3,
        y: piece.points.reduce((sum, p) => sum + p.y, 0) / 3,
      };
      expect(contains(C, centre)).toBe(true);
      expect(piece.fill).toMatch(/^#[0-9a-f]{6}$/);
    }
  });
});
