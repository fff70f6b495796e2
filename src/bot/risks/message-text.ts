/** Longest message text we read from a message action before clipping it for the form. */
const MAX_HTML_CHARS = 100_000;

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * The text of a Teams message as a person reads it: Teams sends the body as HTML, so tags go (a line break for
 * block ends) and entities are decoded. The result is still only data for a form, never markup.
 */
export function messageText(html: unknown): string {
  if (typeof html !== 'string') return '';
  return html
    .slice(0, MAX_HTML_CHARS)
    .replace(/<at>([^<]*)<\/at>/gi, '$1')
    .replace(/<\s*br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code =
          name[1]?.toLowerCase() === 'x'
            ? parseInt(name.slice(2), 16)
            : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff
          ? String.fromCodePoint(code)
          : '';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const MAX_LINK_CHARS = 2048;

/** A link to a Teams message as the message action sends it: only a plain https address is kept. */
export const messageLink = (v: unknown): string => {
  const link = typeof v === 'string' ? v.trim() : '';
  return link.length <= MAX_LINK_CHARS && /^https:\/\/[^\s()<>[\]"'`]+$/i.test(link) ? link : '';
};
