import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DailySeries, LoadCurve, MaxPowerSeries } from "../bindings";
import { csvStyle, curveCsv, dailyCsv, maxPowerCsv, toCsv, type CsvWords } from "./csv";

/** `value`, which the test knows is there. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("missing");
  return value;
}

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../tests/fixtures/${name}.json`, import.meta.url), "utf8")) as T;

const words: CsvWords = {
  date: "date",
  kwh: "kWh",
  previousDate: "previous date",
  previousKwh: "previous kWh",
  start: "start",
  end: "end",
  watts: "W",
  va: "VA",
  peakAt: "peak at",
};

describe("CSV", () => {
  it("uses ; and a decimal comma in French, , and a point in English", () => {
    expect(csvStyle("fr")).toEqual({ separator: ";", decimal: "," });
    expect(csvStyle("en")).toEqual({ separator: ",", decimal: "." });
    expect(toCsv(["a", "b"], [[1234.5, "x"]], "fr")).toBe("a;b\r\n1234,5;x\r\n");
    expect(toCsv(["a", "b"], [[1234.5, "x"]], "en")).toBe("a,b\r\n1234.5,x\r\n");
  });

  it("leaves a gap empty, never 0", () => {
    expect(toCsv(["d", "kWh"], [["2026-11-12", null]], "en")).toBe("d,kWh\r\n2026-11-12,\r\n");
  });

  it("quotes what holds the separator, a quote or a line end, and defuses formulas", () => {
    expect(toCsv(["n"], [["a,b"], ['say "hi"'], ["=1+1"]], "en")).toBe('n\r\n"a,b"\r\n"say ""hi"""\r\n\'=1+1\r\n');
    expect(toCsv(["n"], [["a,b"], [-2.5]], "fr")).toBe("n\r\na,b\r\n-2,5\r\n");
  });

  it("writes the daily series shown, day by day, in kWh", () => {
    const month = fixture<DailySeries>("energy-daily-month");
    const lines = dailyCsv(month, words, "fr").trimEnd().split("\r\n");
    expect(lines).toHaveLength(month.days.length + 1);
    const first = must(month.days[0]);
    expect(lines[1]).toBe(
      `${first.date};${String(must(first.wh) / 1000).replace(".", ",")};${first.previous_date};${String(must(first.previous_wh) / 1000).replace(".", ",")}`,
    );
    const gap = month.days.findIndex((day) => day.wh === null);
    expect(lines[gap + 1]).toMatch(/^2026-10-12;;2025-10-12;\d/);
  });

  it("writes the day of the load curve shown, and the peaks with their time", () => {
    const week = fixture<LoadCurve>("energy-curve-week");
    const sunday = must(week.days[6]);
    const lines = curveCsv(week, sunday.first, sunday.count, words, "en").trimEnd().split("\r\n");
    expect(lines).toHaveLength(51);
    expect(lines[1]).toBe(`2026-10-25T00:00:00+02:00,2026-10-25T00:30:00+02:00,${must(week.points[sunday.first]).w}`);
    const power = fixture<MaxPowerSeries>("energy-max-power");
    const peaks = maxPowerCsv(power, words, "en").split("\r\n");
    expect(peaks[1]).toBe(`${must(power.days[0]).date},${must(power.days[0]).va},${must(power.days[0]).at}`);
  });
});
