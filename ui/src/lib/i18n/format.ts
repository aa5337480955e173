// Numbers, durations, dates and plurals in one locale's conventions (Intl), for the catalogues.

export interface Formats {
  /** A count or a measure: 1,234 / 1 234. */
  number: (value: number) => string;
  /** A CIE xy coordinate: four decimals, the precision a colour picker moves by. */
  coordinate: (value: number) => string;
  /** A whole percentage: 45% / 45 %. */
  percent: (value: number) => string;
  /** A duration in seconds from milliseconds, to a tenth: 1.5 s / 1,5 s. */
  seconds: (ms: number) => string;
  /** A date and time: Dec 3, 2026, 2:05 PM / 3 déc. 2026, 14:05. */
  dateTime: (date: Date) => string;
  /** The plural category of a count (one, other…), to pick a sentence. */
  plural: (count: number) => Intl.LDMLPluralRule;
}

export function formats(locale: string): Formats {
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
  const tenths = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const coordinate = new Intl.NumberFormat(locale, { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const plurals = new Intl.PluralRules(locale);
  return {
    number: (value) => number.format(value),
    coordinate: (value) => coordinate.format(value),
    percent: (value) => percent.format(value / 100),
    // A no-break space keeps the unit with its number.
    seconds: (ms) => `${tenths.format(ms / 1000)}\u00a0s`,
    dateTime: (date) => dateTime.format(date),
    plural: (count) => plurals.select(count),
  };
}
