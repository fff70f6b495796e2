import { cleanParagraphs } from '../shared/clean-text';

/** Longest title kept on an alert (characters). */
export const MAX_TITLE = 200;
/** Longest summary kept on an alert. */
export const MAX_SUMMARY = 4000;
/** Longest remediation text kept on an alert. */
export const MAX_REMEDIATION = 8000;
/** Longest note (resolution note or timeline note). */
export const MAX_NOTE = 2000;

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  hellip: '…',
  pound: '£',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * The plain text of an HTML fragment (as the NHS API sends remediation): each block on its own
 * line, list items start with "- ", scripts and styles are dropped, entities are decoded.
 */
export function stripHtml(html: string): string {
  const text = html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|li|ul|ol|h[1-6]|tr|table|blockquote)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ');
  // Each block on its own line; blank lines from nested blocks (</li></ul></p>) are dropped.
  return cleanParagraphs(decodeEntities(text)).replace(/\n{2,}/g, '\n');
}

/** Cuts text to at most `max` characters, ending with "…" when it was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Do not split a surrogate pair (an emoji, say) in half.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}
