// The colour picker's geometry: CIE xy points kept inside a light's gamut (the same rule as
// `Gamut::clamp` in hearth-hue), and the sRGB a screen shows for a point, to paint the picker's
// triangle. What a light shows now comes from Rust (`LightView.rgb`); this only paints the
// choices, and `color.test.ts` checks it on the cases hearth-hue's tests pin.

import type { Gamut as RustGamut, Xy as RustXy } from "./bindings";

export interface Xy {
  x: number;
  y: number;
}

export interface Gamut {
  red: Xy;
  green: Xy;
  blue: Xy;
}

/** Rust's point: its numbers are typed `number | null` (JSON has no NaN), never null in fact. */
export const point = (xy: RustXy): Xy => ({ x: xy.x ?? 0, y: xy.y ?? 0 });

export const gamutOf = (gamut: RustGamut): Gamut => ({
  red: point(gamut.red),
  green: point(gamut.green),
  blue: point(gamut.blue),
});

const cross = (a: Xy, b: Xy, p: Xy) => (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
const distance2 = (a: Xy, b: Xy) => (a.x - b.x) ** 2 + (a.y - b.y) ** 2;

export function contains(gamut: Gamut, p: Xy): boolean {
  const d = [cross(gamut.red, gamut.green, p), cross(gamut.green, gamut.blue, p), cross(gamut.blue, gamut.red, p)];
  return !(d.some((v) => v < 0) && d.some((v) => v > 0));
}

function closestOnSegment(a: Xy, b: Xy, p: Xy): Xy {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 <= Number.EPSILON ? 0 : Math.min(1, Math.max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  return { x: a.x + t * dx, y: a.y + t * dy };
}

/** The point itself if the light can show it, else the nearest point it can; rounded to the
 * bridge's 4 decimals. */
export function clampToGamut(gamut: Gamut, p: Xy): Xy {
  let point = p;
  if (!contains(gamut, p)) {
    const edges = [
      closestOnSegment(gamut.red, gamut.green, p),
      closestOnSegment(gamut.green, gamut.blue, p),
      closestOnSegment(gamut.blue, gamut.red, p),
    ];
    point = edges.reduce((best, next) => (distance2(next, p) < distance2(best, p) ? next : best));
  }
  const round = (v: number) => Math.round(v * 10_000) / 10_000;
  const rounded = { x: round(point.x), y: round(point.y) };
  // Rounding can step just outside an edge: then the unrounded point is the answer's nearest.
  return contains(gamut, rounded) ? rounded : point;
}

const WHITE: Xy = { x: 0.3127, y: 0.329 };

/** The sRGB colour of `xy` at full brightness as `#rrggbb` (as `xy_to_hex` in hearth-hue). */
export function xyToHex(xy: Xy): string {
  const clamp01 = (v: number) => (Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v)));
  let p = { x: clamp01(xy.x), y: clamp01(xy.y) };
  if (p.y <= Number.EPSILON) p = WHITE;
  const [X, Y, Z] = [p.x / p.y, 1, (1 - p.x - p.y) / p.y];
  const linear = [
    3.2406 * X - 1.5372 * Y - 0.4986 * Z,
    -0.9689 * X + 1.8758 * Y + 0.0415 * Z,
    0.0557 * X - 0.204 * Y + 1.057 * Z,
  ].map((c) => Math.max(0, c));
  const peak = Math.max(...linear);
  const scale = peak <= Number.EPSILON ? 1 : peak;
  return (
    "#" +
    linear
      .map((c) => {
        const v = c / scale;
        const encoded = v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
        return Math.round(Math.min(1, Math.max(0, encoded)) * 255)
          .toString(16)
          .padStart(2, "0");
      })
      .join("")
  );
}

/** The gamut cut into small triangles, each with the colour of its centre: an SVG has no
 * three-corner gradient. */
export function tiles(gamut: Gamut, steps: number): { points: Xy[]; fill: string }[] {
  const at = (i: number, j: number): Xy => {
    // Barycentric: i steps toward green, j toward blue, the rest red.
    const a = 1 - (i + j) / steps;
    const b = i / steps;
    const c = j / steps;
    return {
      x: a * gamut.red.x + b * gamut.green.x + c * gamut.blue.x,
      y: a * gamut.red.y + b * gamut.green.y + c * gamut.blue.y,
    };
  };
  const centre = (points: Xy[]): Xy => ({
    x: points.reduce((sum, p) => sum + p.x, 0) / points.length,
    y: points.reduce((sum, p) => sum + p.y, 0) / points.length,
  });
  const out: { points: Xy[]; fill: string }[] = [];
  for (let i = 0; i < steps; i++) {
    for (let j = 0; i + j < steps; j++) {
      const up = [at(i, j), at(i + 1, j), at(i, j + 1)];
      out.push({ points: up, fill: xyToHex(centre(up)) });
      if (i + j + 2 <= steps) {
        const down = [at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
        out.push({ points: down, fill: xyToHex(centre(down)) });
      }
    }
  }
  return out;
}
