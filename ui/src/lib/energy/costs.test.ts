import { describe, expect, it } from "vitest";
import type { CostDay, Period } from "../bindings";
import { energyCents, lookOf, markOf, stack, stackedPeriods } from "./costs";

const day = (over: Partial<CostDay>): CostDay => ({
  day: "2026-01-15",
  status: "complete",
  color: null,
  energy_wh: [],
  cost_cents: [],
  subscription_cents: 60,
  total_cents: null,
  ...over,
});

const tempo: Period[] = ["blue_hc", "blue_hp", "white_hc", "white_hp", "red_hc", "red_hp"];

describe("cost bars", () => {
  it("stack a day's periods in Rust's order from the foot, each in proportion", () => {
    const red = day({
      color: "red",
      cost_cents: [
        { period: "red_hp", value: 300 },
        { period: "red_hc", value: 100 },
      ],
      total_cents: 460,
    });
    expect(energyCents(red)).toBe(400);
    const segments = stack(red, tempo, 800, 160);
    expect(segments.map((s) => s.period)).toEqual(["red_hc", "red_hp"]);
    expect(segments[0]).toMatchObject({ cents: 100, y0: 0, height: 20 });
    expect(segments[1]).toMatchObject({ cents: 300, y0: 20, height: 60 });
  });

  it("stack an estimate's Base price too, after the offer's periods", () => {
    const estimate = day({ status: "estimate", cost_cents: [{ period: "base", value: 657 }], total_cents: 722 });
    const periods = stackedPeriods(tempo, [estimate]);
    expect(periods).toEqual([...tempo, "base"]);
    expect(stack(estimate, periods, 1000, 100)).toEqual([{ period: "base", cents: 657, y0: 0, height: 65.7 }]);
  });

  it("draw no bar for a day that is not priced, and say why", () => {
    const missing = day({ status: "incomplete", energy_wh: [{ period: "hp", value: 5400 }] });
    expect(energyCents(missing)).toBeNull();
    expect(stack(missing, ["hc", "hp"], 100, 100)).toEqual([]);
    expect(markOf(missing)).toBe("incomplete");
    expect(markOf(day({ status: "incomplete" }))).toBe("gap");
    expect(markOf(day({ status: "unknown_color" }))).toBe("unpriced");
    expect(markOf(day({ status: "estimate", total_cents: 200 }))).toBe("estimate");
  });

  it("tell off-peak hours by a hatch, not by colour alone", () => {
    expect(lookOf("blue_hc")).toEqual({ color: "blue", offPeak: true });
    expect(lookOf("blue_hp")).toEqual({ color: "blue", offPeak: false });
    expect(lookOf("hc").offPeak).toBe(true);
    expect(lookOf("base").offPeak).toBe(false);
  });
});
