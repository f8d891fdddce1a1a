import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';

let numberFormat;
/** The Intl date formats, made once each (by name): building one is far slower than using it. */
const dateFormats = new Map();

/** `date` in the named format (made from `options` on first use, in the user's locale). */
function formatAs(name, options, date) {
  if (!dateFormats.has(name)) {
    dateFormats.set(name, new Intl.DateTimeFormat(LOCALE, options));
  }
  return dateFormats.get(name).format(date);
}

/**
 * Formats an ISO date-time in the user's locale and time zone, e.g. "Nov 24, 2026, 2:03 PM".
 * @param {string} iso ISO-8601 date-time (as Apex serialises Datetime)
 * @returns {string} the formatted value, or '' when there is none
 */
export function formatDateTime(iso) {
  return iso
    ? formatAs('dateTime', { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }, new Date(iso))
    : '';
}

/**
 * formatDateTime with the user's time zone named, e.g. "Nov 24, 2026, 2:03 PM EST": for a time shown beside
 * another zone (the SLA timer's business calendar). (dateStyle/timeStyle cannot be combined with timeZoneName.)
 * @param {string} iso ISO-8601 date-time
 * @returns {string} the formatted value, or '' when there is none
 */
export function formatDateTimeZoned(iso) {
  const options = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone: TIME_ZONE,
  };
  return iso ? formatAs('dateTimeZoned', options, new Date(iso)) : '';
}

/**
 * Formats a Date field's value (YYYY-MM-DD, no time zone) in the user's locale, e.g. "Oct 31, 2026".
 * @param {string} isoDate the date as Apex serialises a Date
 * @returns {string} the formatted value, or '' when there is none
 */
export function formatDate(isoDate) {
  // a Date field has no time zone: read and print it at UTC midnight, so no zone moves it a day
  return isoDate
    ? formatAs(
        'date',
        { dateStyle: 'medium', timeZone: 'UTC' },
        new Date(`${String(isoDate).slice(0, 10)}T00:00:00Z`),
      )
    : '';
}

/**
 * Fills a custom label template: formatLabel('Not yet: {0}', 'engagement 18/30').
 * @param {string} template label text with {0}, {1}, ... placeholders
 * @param {...*} values the values, in placeholder order
 * @returns {string} the filled text
 */
export function formatLabel(template, ...values) {
  return template.replace(/\{(\d+)\}/g, (match, index) => {
    const value = values[index];
    return value === undefined || value === null ? '' : String(value);
  });
}

/**
 * A number with at most one decimal in the user's locale, as scores and day counts are shown: 12.5, 18, 0.3
 * (12,5 in a German locale, 1,250 with grouping in English).
 * @param {number} value the number
 * @returns {string} the text ('' when there is no number)
 */
export function formatNumber(value) {
  if (value === undefined || value === null || value === '' || Number.isNaN(Number(value))) {
    return '';
  }
  numberFormat ??= new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
  return numberFormat.format(Math.round(Number(value) * 10) / 10);
}

/**
 * Points with their sign: "+15", "-10", "+12.5".
 * @param {number} points the points
 * @returns {string} the signed text
 */
export function formatPoints(points) {
  const text = formatNumber(points);
  return Number(points) > 0 ? `+${text}` : text;
}
