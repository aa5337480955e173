// The cost bars' maths and look, kept out of the components so that it is tested: a day's energy
// cost stacked by period in the order Rust gives (`CostSeries.periods`), which days are gaps and
// why, and how each period is drawn (its colour and, for off-peak hours, a hatch: never colour
// alone).

import { type CostDay, DEFAULT_OFFPEAK, type Period, type TimeRange } from "../bindings";

/** How a period is drawn: a colour class, hatched when it is off-peak hours. */
export interface PeriodLook {
  color: "base" | "hp" | "hc" | "blue" | "white" | "red";
  offPeak: boolean;
}

// A `Record` over the generated union: a period Rust adds is refused here until it has a look.
const LOOKS: Record<Period, PeriodLook> = {
  base: { color: "base", offPeak: false },
  hp: { color: "hp", offPeak: false },
  hc: { color: "hc", offPeak: true },
  blue_hp: { color: "blue", offPeak: false },
  blue_hc: { color: "blue", offPeak: true },
  white_hp: { color: "white", offPeak: false },
  white_hc: { color: "white", offPeak: true },
  red_hp: { color: "red", offPeak: false },
  red_hc: { color: "red", offPeak: true },
};

export const lookOf = (period: Period): PeriodLook => LOOKS[period];

/** A period's amount in a day's list (0 when it is not there). */
export function valueOf(values: readonly { period: Period; value: number }[], period: Period): number {
  return values.find((entry) => entry.period === period)?.value ?? 0;
}

/** A day's energy cost in cents (the subscription apart), `null` when it is not priced. */
export function energyCents(day: CostDay): number | null {
  return day.total_cents === null ? null : day.cost_cents.reduce((sum, entry) => sum + entry.value, 0);
}

/** Why a day has no bar, or how its bar is to be read. */
export type DayMark = "none" | "estimate" | "gap" | "incomplete" | "unpriced";

export function markOf(day: CostDay): DayMark {
  switch (day.status) {
    case "complete":
      return "none";
    case "estimate":
      return "estimate";
    case "incomplete":
      // Nothing measured at all (a day not published yet) is a plain gap; a day with some half
      // hours missing is marked as such.
      return day.energy_wh.some((entry) => entry.value > 0) ? "incomplete" : "gap";
    case "no_price":
    case "unknown_color":
      return "unpriced";
  }
}

/**
 * The periods the bars stack, in Rust's order (`CostSeries.periods`), then any other period a
 * day was priced with (an estimate from daily energy is priced at Base on any offer).
 */
export function stackedPeriods(periods: readonly Period[], days: readonly CostDay[]): Period[] {
  const all = [...periods];
  for (const day of days) {
    for (const entry of day.cost_cents) {
      if (!all.includes(entry.period)) all.push(entry.period);
    }
  }
  return all;
}

export interface Segment {
  period: Period;
  cents: number;
  /** From the foot, in pixels. */
  y0: number;
  height: number;
}

/**
 * A priced day's stack: one segment per period with a cost, in `periods` order from the foot,
 * `height` pixels standing for `top` cents.
 */
export function stack(day: CostDay, periods: readonly Period[], top: number, height: number): Segment[] {
  if (day.total_cents === null || top <= 0) return [];
  let base = 0;
  const segments: Segment[] = [];
  for (const period of periods) {
    const cents = valueOf(day.cost_cents, period);
    if (cents <= 0) continue;
    const size = Math.min(height - base, (cents / top) * height);
    segments.push({ period, cents, y0: base, height: Math.max(0, size) });
    base += size;
  }
  return segments;
}

/** The sum of a total's energy costs by period, in cents. */
export const sumCents = (values: readonly { value: number }[]): number =>
  values.reduce((sum, entry) => sum + entry.value, 0);

/** Off-peak windows as the screens write them: "22:30–06:30, 12:30–14:30". */
export const hoursText = (ranges: readonly TimeRange[]): string =>
  ranges.map((range) => `${range.start}–${range.end}`).join(", ");

/** The national off-peak hours (Rust's), said where the meter's are not known. */
export const nationalHours = hoursText(DEFAULT_OFFPEAK);
