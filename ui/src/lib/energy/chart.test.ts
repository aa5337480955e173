import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { LoadCurve } from "../bindings";
import {
  addDays,
  addMonths,
  bars,
  change,
  daysBetween,
  hourTicks,
  niceCeiling,
  rangeOf,
  stepPath,
  ticks,
  weekOf,
  xOf,
} from "./chart";

/** `value`, which the test knows is there. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("missing");
  return value;
}

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../tests/fixtures/${name}.json`, import.meta.url), "utf8")) as T;

describe("scales", () => {
  it("round the top up to 1, 2, 2.5 or 5 × 10ⁿ", () => {
    expect([niceCeiling(7), niceCeiling(10), niceCeiling(11), niceCeiling(230), niceCeiling(0.03)]).toEqual([
      10, 10, 20, 250, 0.05,
    ]);
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(Number.NaN)).toBe(1);
  });

  it("tick from 0 to at least the maximum", () => {
    expect(ticks(9_000)).toEqual([0, 2_500, 5_000, 7_500, 10_000]);
    expect(ticks(53_000)).toEqual([0, 20_000, 40_000, 60_000]);
    const t = ticks(1_234);
    expect(t[0]).toBe(0);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(1_234);
  });
});

describe("bars", () => {
  it("lay out one slot per day, and no bar for a gap", () => {
    const laid = bars([10, null, 5], 300, 100, 20);
    expect(laid.map((bar) => bar.height)).toEqual([50, null, 25]);
    expect(laid.map((bar) => bar.x)).toEqual([10, 110, 210]);
    expect(laid[0]?.width).toBe(80);
  });

  it("put last year on the left half of the slot and this year on the right", () => {
    const before = bars([1], 100, 10, 1, { side: 0 });
    const now = bars([1], 100, 10, 1, { side: 1 });
    expect(before[0]?.x).toBe(10);
    expect(now[0]?.x).toBe(50);
    expect(now[0]?.width).toBe(40);
  });

  it("never draw past the chart", () => {
    expect(bars([500], 10, 100, 200)[0]?.height).toBe(100);
    expect(bars([-3], 10, 100, 200)[0]?.height).toBe(0);
  });
});

describe("the load curve", () => {
  const week = fixture<LoadCurve>("energy-curve-week");

  it("draws steps across the day, broken at a gap", () => {
    const points = [
      { start: "2026-01-01T00:00:00+01:00", end: "2026-01-01T00:30:00+01:00", w: 500 },
      { start: "2026-01-01T00:30:00+01:00", end: "2026-01-01T01:00:00+01:00", w: 1_000 },
      { start: "2026-01-01T01:00:00+01:00", end: "2026-01-01T01:30:00+01:00", w: null },
      { start: "2026-01-01T01:30:00+01:00", end: "2026-01-01T02:00:00+01:00", w: 250 },
    ];
    const d = stepPath(points, "2026-01-01T00:00:00+01:00", "2026-01-01T02:00:00+01:00", 400, 100, 1_000);
    expect(d).toBe("M0 50H100V0H200M300 75H400");
  });

  it("gives the 25-hour Sunday of October its 50 half hours, 02:00 twice", () => {
    const sunday = must(week.days[6]);
    expect(sunday.count).toBe(50);
    const points = week.points.slice(sunday.first, sunday.first + sunday.count);
    const labelled = hourTicks(points, 1).map((point) => point.start.slice(11, 16));
    expect(labelled.filter((hour) => hour === "02:00")).toHaveLength(2);
    expect(labelled).toHaveLength(25);
    // The last interval ends at the right edge: the axis is the day's 25 hours.
    expect(xOf(must(points[49]).end, sunday.start, sunday.end, 500)).toBe(500);
    expect(xOf(must(points[25]).start, sunday.start, sunday.end, 500)).toBe(250);
  });

  it("leaves the missing evening of the 22nd undrawn", () => {
    const day = must(week.days[3]);
    const points = week.points.slice(day.first, day.first + day.count);
    const d = stepPath(points, day.start, day.end, 480, 100, week.max_w ?? 1);
    // One path before the gap and one after it.
    expect(d.match(/M/g)).toHaveLength(2);
  });
});

describe("days and ranges", () => {
  it("count days and months in whole days, whatever the time zone", () => {
    expect(addDays("2026-10-25", 1)).toBe("2026-10-26");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addMonths("2026-11-28", 1)).toBe("2026-12-01");
    expect(addMonths("2026-01-31", -2)).toBe("2025-11-01");
    expect(daysBetween("2025-12-01", "2026-12-01")).toBe(365);
  });

  it("give the month or the twelve months ending with a day, and its week", () => {
    expect(rangeOf("month", "2026-11-28")).toEqual({ from: "2026-11-01", to: "2026-12-01" });
    expect(rangeOf("year", "2026-11-28")).toEqual({ from: "2025-12-01", to: "2026-12-01" });
    expect(weekOf("2026-10-25")).toEqual({ from: "2026-10-19", to: "2026-10-26" });
    expect(weekOf("2026-10-19")).toEqual({ from: "2026-10-19", to: "2026-10-26" });
  });

  it("compute a change in % only against something", () => {
    expect(change(105, 100)).toBeCloseTo(5);
    expect(change(1, 0)).toBeNull();
  });
});
