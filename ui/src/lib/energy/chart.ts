// The maths of the energy charts, kept out of the components so that it is tested: scales with
// round ticks, bars laid out per day (a missing value lays out no bar: a gap, never a zero),
// load curves as step paths broken at gaps, and dates and ranges counted in whole days.

/** The smallest "round" number (1, 2, 2.5 or 5 × 10ⁿ) at or above `value`. */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    // A rounding error must not push an exact value to the next step.
    if (step * power >= value * (1 - 1e-12)) return step * power;
  }
  return 10 * power;
}

/** Evenly spaced round ticks from 0 to the first at or above `max`, about `count` steps. */
export function ticks(max: number, count = 4): number[] {
  const step = niceCeiling((max > 0 ? max : 1) / count);
  const steps = Math.max(1, Math.ceil((max * (1 - 1e-12)) / step));
  return Array.from({ length: steps + 1 }, (_, index) => Number((index * step).toPrecision(12)));
}

/** A linear map from [0, `top`] to a pixel height (0 at the bottom, `height` at `top`). */
export function heightOf(value: number, top: number, height: number): number {
  if (top <= 0) return 0;
  return Math.max(0, Math.min(height, (value / top) * height));
}

export interface Bar {
  index: number;
  x: number;
  width: number;
  /** Pixel height of the value; `null` for a gap (nothing drawn but the gap's mark). */
  height: number | null;
}

/**
 * Bars for `values` across `width` pixels, `height` pixels tall at `top`. With `pair`, each day's
 * slot holds two bars side by side: `side` 0 (last year) on the left, 1 (this year) on the right.
 */
export function bars(
  values: readonly (number | null)[],
  width: number,
  height: number,
  top: number,
  pair: { side: 0 | 1 } | null = null,
): Bar[] {
  const slot = values.length === 0 ? 0 : width / values.length;
  // A gap between days while they are wide enough to see one.
  const inner = slot > 4 ? slot * 0.8 : slot;
  const barWidth = pair === null ? inner : inner / 2;
  return values.map((value, index) => ({
    index,
    x: index * slot + (slot - inner) / 2 + (pair?.side === 1 ? barWidth : 0),
    width: barWidth,
    height: value === null ? null : heightOf(value, top, height),
  }));
}

export interface Interval {
  start: string;
  end: string;
  w: number | null;
}

/** Milliseconds since the epoch of an RFC 3339 instant (with its offset). */
export const ms = (instant: string): number => Date.parse(instant);

/**
 * The load curve as SVG path data, one step per interval on a time axis from `from` to `to`
 * (instants) across `width`, `height` tall at `top`: a gap ends the path (the next known interval
 * starts a new one), so nothing is drawn where the history has no value.
 */
export function stepPath(
  points: readonly Interval[],
  from: string,
  to: string,
  width: number,
  height: number,
  top: number,
): string {
  const start = ms(from);
  const span = ms(to) - start;
  if (!(span > 0)) return "";
  const x = (instant: string) => round(((ms(instant) - start) / span) * width);
  const y = (w: number) => round(height - heightOf(w, top, height));
  let d = "";
  let open = false;
  for (const point of points) {
    if (point.w === null) {
      open = false;
      continue;
    }
    const left = x(point.start);
    const right = x(point.end);
    const level = y(point.w);
    d += open ? `V${level}H${right}` : `M${left} ${level}H${right}`;
    open = true;
  }
  return d;
}

/** The x of `instant` on an axis from `from` to `to` across `width`. */
export function xOf(instant: string, from: string, to: string, width: number): number {
  const start = ms(from);
  const span = ms(to) - start;
  return span > 0 ? round(((ms(instant) - start) / span) * width) : 0;
}

/** The wall-clock hour and minute an instant is written with (its offset's local time). */
export function localClock(instant: string): { hour: number; minute: number } {
  return { hour: Number(instant.slice(11, 13)), minute: Number(instant.slice(14, 16)) };
}

/**
 * The intervals that start a labelled hour on a local-time axis: every `every` hours from
 * midnight, by the wall clock. On the October change of time the repeated 02:00 appears twice;
 * in March, 02:00 does not exist.
 */
export function hourTicks(points: readonly Interval[], every: number): Interval[] {
  return points.filter((point) => {
    const { hour, minute } = localClock(point.start);
    return minute === 0 && hour % every === 0;
  });
}

const round = (value: number) => Math.round(value * 100) / 100;

// Whole days, as `YYYY-MM-DD` strings (French days: Rust sends them so). Computed in UTC so
// that the computer's own time zone and its changes of time never shift a day.

const parseDay = (day: string) => {
  const [y = "0", m = "1", d = "1"] = day.split("-");
  return Date.UTC(Number(y), Number(m) - 1, Number(d));
};
const formatDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/** `day` moved by `days` (negative: back). */
export function addDays(day: string, days: number): string {
  return formatDay(parseDay(day) + days * 86_400_000);
}

/** The first of the month `months` after `day`'s (negative: before). */
export function addMonths(day: string, months: number): string {
  const date = new Date(parseDay(day));
  return formatDay(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
}

/** Days from `from` to `to` (end excluded). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseDay(to) - parseDay(from)) / 86_400_000);
}

export type RangeKind = "month" | "year" | "custom";

/**
 * The range a daily chart shows, `[from, to)`: the month of `anchor`, or the twelve months that
 * end with it.
 */
export function rangeOf(kind: "month" | "year", anchor: string): { from: string; to: string } {
  const to = addMonths(anchor, 1);
  return { from: addMonths(anchor, kind === "month" ? 0 : -11), to };
}

/** The week (Monday to Sunday) holding `day`, `[from, to)`. */
export function weekOf(day: string): { from: string; to: string } {
  const weekday = (new Date(parseDay(day)).getUTCDay() + 6) % 7;
  const from = addDays(day, -weekday);
  return { from, to: addDays(from, 7) };
}

/** The change from `before` to `now` in %, or `null` when there is nothing to compare. */
export function change(now: number, before: number): number | null {
  return before > 0 ? ((now - before) / before) * 100 : null;
}
