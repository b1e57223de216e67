/**
 * Dates for the `dt` type: parsing the text forms CDate accepts and formatting with .NET custom
 * date and time format strings (FormatDateTime). Everything is UTC, as the reference states.
 */

const TIME = String.raw`(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*([AaPp][Mm])?)?`;
const ZONE = String.raw`\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?`;
const ISO_DATE = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})` + TIME + ZONE + '$');
const US_DATE = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})` + TIME + ZONE + '$');
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}(?:\d{2})?)$/;

function zoneMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = digits.length <= 2 ? Number(digits) : Number(digits.slice(0, -2));
  const minutes = digits.length <= 2 ? 0 : Number(digits.slice(-2));
  return sign * (hours * 60 + minutes);
}

interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly fraction: string;
  readonly meridiem: string;
  readonly zone: string | undefined;
}

function build(p: DateParts): Date | undefined {
  let hour = p.hour;
  const meridiem = p.meridiem.toUpperCase();
  if (meridiem !== '' && (hour < 1 || hour > 12)) return undefined;
  if (meridiem === 'PM' && hour < 12) hour += 12;
  if (meridiem === 'AM' && hour === 12) hour = 0;
  const ms = Number((p.fraction + '000').slice(0, 3));
  const utc = Date.UTC(p.year, p.month - 1, p.day, hour, p.minute, p.second, ms);
  const date = new Date(utc - zoneMinutes(p.zone) * 60_000);
  const check = new Date(Date.UTC(p.year, p.month - 1, p.day));
  if (
    check.getUTCMonth() !== p.month - 1 ||
    check.getUTCDate() !== p.day ||
    hour > 23 ||
    p.minute > 59 ||
    p.second > 59
  ) {
    return undefined;
  }
  return date;
}

/** Parses `yyyy-MM-dd[ HH:mm[:ss[.fff]] [AM|PM]] [Z|±h[h][:mm]]`, `M/d/yyyy …` and LDAP generalized time. */
export function parseDate(text: string): Date | undefined {
  const trimmed = text.trim();
  const iso = ISO_DATE.exec(trimmed);
  const us = iso === null ? US_DATE.exec(trimmed) : null;
  const m = iso ?? us;
  if (m !== null) {
    const [a, b, c] = iso !== null ? [m[1], m[2], m[3]] : [m[3], m[1], m[2]];
    return build({
      year: Number(a),
      month: Number(b),
      day: Number(c),
      hour: Number(m[4] ?? 0),
      minute: Number(m[5] ?? 0),
      second: Number(m[6] ?? 0),
      fraction: m[7] ?? '',
      meridiem: m[8] ?? '',
      zone: m[9],
    });
  }
  const g = GENERALIZED_TIME.exec(trimmed);
  if (g === null) return undefined;
  const [year, month, day, hour, minute, second] = g.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return build({ year, month, day, hour, minute, second, fraction: g[7] ?? '', meridiem: '', zone: g[8] });
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** One run of a format letter (`yyyy`, `MM`, `fff` …); undefined when the letter is not a specifier. */
function field(date: Date, letter: string, n: number): string | undefined {
  const fraction = pad(date.getUTCMilliseconds(), 3) + '0000';
  const hour = date.getUTCHours();
  switch (letter) {
    case 'y':
      return n <= 2 ? pad(date.getUTCFullYear() % 100, n) : pad(date.getUTCFullYear(), n);
    case 'M':
      return n <= 2
        ? pad(date.getUTCMonth() + 1, n)
        : (MONTHS[date.getUTCMonth()] as string).slice(0, n === 3 ? 3 : undefined);
    case 'd':
      return n <= 2 ? pad(date.getUTCDate(), n) : (DAYS[date.getUTCDay()] as string).slice(0, n === 3 ? 3 : undefined);
    case 'H':
      return pad(hour, Math.min(n, 2));
    case 'h':
      return pad(hour % 12 === 0 ? 12 : hour % 12, Math.min(n, 2));
    case 'm':
      return pad(date.getUTCMinutes(), Math.min(n, 2));
    case 's':
      return pad(date.getUTCSeconds(), Math.min(n, 2));
    case 'f':
      return fraction.slice(0, Math.min(n, 7));
    case 'F':
      return fraction.slice(0, Math.min(n, 7)).replace(/0+$/, '');
    case 't':
      return (hour < 12 ? 'AM' : 'PM').slice(0, n === 1 ? 1 : 2);
    case 'z':
      return n === 1 ? '+0' : n === 2 ? '+00' : '+00:00';
    case 'K':
      return 'Z';
    default:
      return undefined;
  }
}

/** Formats a date with a .NET custom format string (`yyyyMMddHHmmss.0Z`, `yyyy-MM-dd` …) in UTC. */
export function formatDateTime(date: Date, format: string): string {
  let out = '';
  let i = 0;
  while (i < format.length) {
    const ch = format[i] as string;
    if (ch === "'" || ch === '"') {
      const end = format.indexOf(ch, i + 1);
      out += format.slice(i + 1, end < 0 ? format.length : end);
      i = end < 0 ? format.length : end + 1;
    } else if (ch === '\\') {
      out += format[i + 1] ?? '';
      i += 2;
    } else if (ch === '%') {
      i++;
    } else {
      let n = 1;
      while (format[i + n] === ch) n++;
      out += field(date, ch, n) ?? ch.repeat(n);
      i += n;
    }
  }
  return out;
}
