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
  /**
   * The wall-clock day and time an RFC 3339 instant is written with (its own offset's, e.g.
   * French legal time for Enedis): Nov 29, 10:45 AM / 29 nov., 10:45. Anything else is shown as
   * it is.
   */
  clock: (instant: string) => string;
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
  const clock = new Intl.DateTimeFormat(locale, {
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone: "UTC",
  });
  return {
    number: (value) => number.format(value),
    coordinate: (value) => coordinate.format(value),
    percent: (value) => percent.format(value / 100),
    // A no-break space keeps the unit with its number.
    seconds: (ms) => `${tenths.format(ms / 1000)}\u00a0s`,
    dateTime: (date) => dateTime.format(date),
    clock: (instant) => {
      // The digits as written, read as if in UTC and shown in UTC: the offset never moves them.
      const wall = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(instant);
      const date = wall === null ? null : new Date(`${wall[1]}T${wall[2]}:00Z`);
      return date === null || Number.isNaN(date.getTime()) ? instant : clock.format(date);
    },
    plural: (count) => plurals.select(count),
  };
}
