// Energy numbers, dates and times in one locale's conventions (Intl), dates and instants shown
// in the meter's time zone (the view's `time_zone`), whatever the computer's.

export interface EnergyFormats {
  /** A count: 1,234 / 1 234. */
  number: (value: number) => string;
  /** Wh as kWh: 12.4 kWh / 12,4 kWh (`digits` decimals at most). */
  kwh: (wh: number, digits?: number) => string;
  /** Wh as kWh to the watt-hour, three decimals always (a table's column lines up). */
  kwhExact: (wh: number) => string;
  /** W: 1,234 W / 1 234 W. */
  watts: (w: number) => string;
  /** VA as kVA, two decimals at most. */
  kva: (va: number) => string;
  /** A signed change in %: +5.2 % / −0,6 %. */
  change: (percent: number) => string;
  /** Cents as euros: €1,234.50 / 1 234,50 € (`digits` decimals, 2 unless told). */
  euros: (cents: number, digits?: number) => string;
  /** A signed difference in cents as euros: +€12.30 / +12,30 € (0 unsigned). */
  eurosChange: (cents: number) => string;
  /** A price per kWh as Rust sends it (decimal text, `"0.19520"`): €0.1952/kWh / 0,1952 €/kWh. */
  perKwh: (euros: string) => string;
  /** A price as Rust sends it (decimal text, euros), with cents: €12.34 / 12,34 €. */
  eurosText: (euros: string) => string;
  /** A `YYYY-MM-DD` day in full: Sunday, October 25, 2026. */
  dayLong: (day: string) => string;
  /** A `YYYY-MM-DD` day: Oct 25, 2026. */
  day: (day: string) => string;
  /** A `YYYY-MM-DD` day, short: 10/25 / 25/10. */
  dayShort: (day: string) => string;
  /** The month of a `YYYY-MM-DD` day: November 2026. */
  month: (day: string) => string;
  /** An instant's wall-clock time in the meter's zone: 7:36 PM / 19:36. */
  time: (instant: string) => string;
  /** An instant's date and time in the meter's zone. */
  dateTime: (instant: string) => string;
}

// A day is formatted as noon UTC in UTC: no time zone can move it to another day.
const noon = (day: string) => new Date(`${day}T12:00:00Z`);

export function energyFormats(locale: string, timeZone: string): EnergyFormats {
  const number = (digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
  const kwhFormats = new Map<number, Intl.NumberFormat>();
  const whole = number(0);
  const exact = new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  const kva = number(2);
  const change = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: "exceptZero" });
  const money = (options: Intl.NumberFormatOptions) =>
    new Intl.NumberFormat(locale, { style: "currency", currency: "EUR", ...options });
  const euroFormats = new Map<number, Intl.NumberFormat>();
  const euros = (cents: number, digits = 2) => {
    const format = euroFormats.get(digits) ?? money({ minimumFractionDigits: digits, maximumFractionDigits: digits });
    euroFormats.set(digits, format);
    return format.format(cents / 100);
  };
  const eurosChange = money({ signDisplay: "exceptZero" });
  // Regulated prices have four or five decimals: all of them are shown.
  const price = money({ minimumFractionDigits: 4, maximumFractionDigits: 5 });
  const inUtc = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" });
  const dayLong = inUtc({ dateStyle: "full" });
  const day = inUtc({ dateStyle: "medium" });
  const dayShort = inUtc({ day: "numeric", month: "numeric" });
  const month = inUtc({ month: "long", year: "numeric" });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: "short", timeZone });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone });
  // A no-break space keeps the unit with its number (and French puts one before %).
  const percent = locale.startsWith("fr") ? "\u00a0%" : "%";
  return {
    number: (value) => whole.format(value),
    kwh: (wh, digits = 1) => {
      const format = kwhFormats.get(digits) ?? number(digits);
      kwhFormats.set(digits, format);
      return `${format.format(wh / 1000)}\u00a0kWh`;
    },
    kwhExact: (wh) => `${exact.format(wh / 1000)}\u00a0kWh`,
    watts: (w) => `${whole.format(w)}\u00a0W`,
    kva: (va) => `${kva.format(va / 1000)}\u00a0kVA`,
    change: (value) => `${change.format(value)}${percent}`,
    euros,
    eurosChange: (cents) => eurosChange.format(cents / 100),
    // Shown only: the figures themselves are Rust's, computed in integers.
    perKwh: (text) => `${price.format(Number(text))}/kWh`,
    eurosText: (text) => euros(Math.round(Number(text) * 100)),
    dayLong: (value) => dayLong.format(noon(value)),
    day: (value) => day.format(noon(value)),
    dayShort: (value) => dayShort.format(noon(value)),
    month: (value) => month.format(noon(value)),
    time: (instant) => time.format(new Date(instant)),
    dateTime: (instant) => dateTime.format(new Date(instant)),
  };
}
