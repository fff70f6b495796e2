/*
 * The one cleaner of text people type or send (risks, decisions, alerts, names, notes), so stored text is
 * what a person would read. It is the stricter of the rule sets CTAC had: besides control characters it
 * removes the invisible characters that can hide or reorder text (zero-width spaces, direction marks,
 * bidirectional overrides and isolates as in "Trojan Source", word joiners, stray byte order marks) rather
 * than leaving a space where they were, and normalises to NFC so the same words are stored the same way.
 * Zero-width joiners stay: emoji sequences use them.
 */

// Control characters (tab and line feeds are handled separately).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const INVISIBLE = /[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** One line of text as a person would read it: no control characters, single spaces, trimmed, NFC. */
export function cleanLine(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\r\n\t]/g, ' ')
    .replace(CONTROL, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Text that may run over several lines (a description, a rationale): line breaks are kept as `\n`, at most one
 * blank line in a row, everything else cleaned as `cleanLine` does.
 */
export function cleanParagraphs(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(CONTROL, ' ')
    .replace(INVISIBLE, '')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Length in characters as people count them (an emoji or "ë" is one), not UTF-16 code units. */
export const textLength = (text: string): number => [...text].length;

/**
 * Checks a cleaned text against its limit, pushing a friendly problem when it is missing or too long.
 * Returns the text so callers can write `const title = limitText(...)`.
 */
export function limitText(
  text: string,
  max: number,
  problems: string[],
  messages: { missing?: string; field: string },
): string {
  if (!text) {
    if (messages.missing) problems.push(messages.missing);
  } else if (textLength(text) > max) {
    problems.push(
      `${messages.field} must be at most ${max} characters (it has ${textLength(text)}).`,
    );
  }
  return text;
}

/** A text field from a form: cleaned when it is a string, empty otherwise. */
export const lineFrom = (value: unknown): string =>
  typeof value === 'string' ? cleanLine(value) : '';

/** A multi-line text field from a form: cleaned when it is a string, empty otherwise. */
export const paragraphsFrom = (value: unknown): string =>
  typeof value === 'string' ? cleanParagraphs(value) : '';

/**
 * Shortens text to at most `max` characters, ending with "…" when cut, without splitting a character. For
 * prefilling a form from a long chat message, so the form starts within its limits.
 */
export function clipText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, Math.max(0, max - 1))
        .join('')
        .trimEnd()}…`;
}
