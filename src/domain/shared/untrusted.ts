/*
 * Reading values nobody vouches for: a card's submitted data, a message action's payload, a query string.
 * Such a value may be missing, the wrong type or very long; these readers never throw and never return
 * anything but text. Validation (is it a known organisation, is it too long for a title) stays with the
 * domain: the cap here is only a safety net well above any field CTAC keeps, so the domain still sees an
 * over-long value and says so.
 */

/** The most characters read from one untrusted value unless the caller asks for fewer. */
export const UNTRUSTED_TEXT_MAX = 20_000;

/**
 * An untrusted value as text: a string (or a finite number written out, as some card inputs send them),
 * with no surrounding whitespace and at most `max` characters; anything else is `''`.
 */
export function untrustedText(value: unknown, max: number = UNTRUSTED_TEXT_MAX): string {
  const raw =
    typeof value === 'string'
      ? value
      : typeof value === 'number' && Number.isFinite(value)
        ? String(value)
        : '';
  return raw.trim().slice(0, Math.max(0, max)).trimEnd();
}
