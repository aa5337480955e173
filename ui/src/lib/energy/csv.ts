// CSV text of what a chart shows, in the conventions of the user's language: in French `;`
// between fields and a decimal comma (what a French spreadsheet opens as numbers), in English
// `,` and a decimal point. RFC 4180 otherwise: CRLF line ends, fields quoted when they hold the
// separator, a quote or a line end.

import type { DailySeries, LoadCurve, MaxPowerSeries } from "../bindings";

export type Cell = string | number | null;

export interface CsvStyle {
  separator: string;
  decimal: string;
}

/** The separator and decimal mark of `locale`'s spreadsheets. */
export function csvStyle(locale: string): CsvStyle {
  const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === "decimal")?.value;
  return decimal === "," ? { separator: ";", decimal: "," } : { separator: ",", decimal: "." };
}

function number(value: number, style: CsvStyle): string {
  // No grouping and no exponent: a spreadsheet reads the digits as they are.
  const text = value.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 6 });
  return style.decimal === "." ? text : text.replace(".", style.decimal);
}

function text(value: string, style: CsvStyle): string {
  // A text a spreadsheet would run as a formula is kept a text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return safe.includes(style.separator) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV text of `rows` under `header`; a missing value (a gap) is an empty field. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[], locale: string): string {
  const style = csvStyle(locale);
  const cell = (value: Cell) =>
    value === null ? "" : typeof value === "number" ? number(value, style) : text(value, style);
  return [header, ...rows].map((row) => row.map(cell).join(style.separator)).join("\r\n") + "\r\n";
}

/** Column titles, in the language in use (from its catalogue). */
export interface CsvWords {
  date: string;
  kwh: string;
  previousDate: string;
  previousKwh: string;
  start: string;
  end: string;
  watts: string;
  va: string;
  peakAt: string;
}

const kwh = (wh: number | null) => (wh === null ? null : wh / 1000);

/** A daily chart: each day's kWh beside the same day a year before. */
export function dailyCsv(series: DailySeries, words: CsvWords, locale: string): string {
  return toCsv(
    [words.date, words.kwh, words.previousDate, words.previousKwh],
    series.days.map((day) => [day.date, kwh(day.wh), day.previous_date, kwh(day.previous_wh)]),
    locale,
  );
}

/** The load curve's intervals from `first` for `count` (the day or week shown). */
export function curveCsv(curve: LoadCurve, first: number, count: number, words: CsvWords, locale: string): string {
  return toCsv(
    [words.start, words.end, words.watts],
    curve.points.slice(first, first + count).map((point) => [point.start, point.end, point.w]),
    locale,
  );
}

/** Maximum power per day, with the instant of each peak. */
export function maxPowerCsv(series: MaxPowerSeries, words: CsvWords, locale: string): string {
  return toCsv(
    [words.date, words.va, words.peakAt],
    series.days.map((day) => [day.date, day.va, day.at]),
    locale,
  );
}
