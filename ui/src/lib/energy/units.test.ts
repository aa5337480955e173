import { describe, expect, it } from "vitest";
import { formats } from "../i18n/format";
import { energyFormats } from "./units";

describe("energy units", () => {
  const fr = energyFormats("fr", "Europe/Paris");
  const en = energyFormats("en", "Europe/Paris");

  it("write energy, power and changes per language, the unit kept with its number", () => {
    expect(fr.kwh(12_345)).toBe("12,3\u00a0kWh");
    expect(en.kwh(1_234_567)).toBe("1,234.6\u00a0kWh");
    expect(fr.kwhExact(51_060)).toBe("51,060\u00a0kWh");
    expect(en.watts(1_793)).toBe("1,793\u00a0W");
    expect(fr.kva(4_818)).toBe("4,82\u00a0kVA");
    expect(en.change(1.7425)).toBe("+1.7%");
    expect(fr.change(-0.64)).toBe("-0,6\u00a0%");
    expect(fr.change(0)).toBe("0\u00a0%");
  });

  it("write money from cents with Intl: a decimal comma and the sign after in French", () => {
    expect(fr.euros(1234)).toBe("12,34\u00a0€");
    expect(fr.euros(123456)).toBe("1\u202f234,56\u00a0€");
    expect(en.euros(123456)).toBe("€1,234.56");
    expect(en.euros(98765, 0)).toBe("€988");
    expect(fr.eurosChange(-1230)).toBe("-12,30\u00a0€");
    expect(en.eurosChange(1230)).toBe("+€12.30");
    expect(fr.perKwh("0.19520")).toBe("0,1952\u00a0€/kWh");
    expect(en.perKwh("0.12345")).toBe("€0.12345/kWh");
    expect(fr.eurosText("15.65")).toBe("15,65\u00a0€");
  });

  it("show days as the meter counts them, whatever the computer's zone (the tests run in UTC)", () => {
    expect(en.dayLong("2026-10-25")).toBe("Sunday, October 25, 2026");
    expect(fr.day("2026-10-01")).toBe("1 oct. 2026");
    expect(fr.month("2026-10-01")).toBe("octobre 2026");
  });

  it("show instants in the meter's time, both 2:30s of the October night", () => {
    expect(fr.time("2026-10-25T02:30:00+02:00")).toBe("02:30");
    expect(fr.time("2026-10-25T02:30:00+01:00")).toBe("02:30");
    expect(fr.time("2026-10-25T01:00:00Z")).toBe("02:00");
    expect(en.time("2026-07-15T12:00:00Z")).toMatch(/^2:00\sPM$/);
  });

  it("read a retry time as the wall clock it is written in", () => {
    expect(formats("fr").clock("2026-10-26T10:45:00+01:00")).toBe("26 oct., 10:45");
    expect(formats("en").clock("2026-10-26T22:05:00+01:00")).toMatch(/^Oct 26, 10:05\sPM$/);
    expect(formats("en").clock("soon")).toBe("soon");
  });
});
