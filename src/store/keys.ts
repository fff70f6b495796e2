import { createHash } from 'crypto';

/**
 * The one place user text becomes a PartitionKey or RowKey.
 * Table Storage forbids `/ \ # ?` and control characters in keys and caps a key at 1 KiB, so those characters
 * (and `%`, the escape itself) are percent-encoded, and a long key keeps a readable prefix plus a SHA-256 of
 * the whole text. Equal text always gives an equal key; the original text is stored in a property.
 */
const MAX_KEY_CHARS = 400;

export function encodeKey(text: string): string {
   
  const encoded = text.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
    return `%${hex}`;
  });
  if (encoded.length === 0) return '%00empty';
  if (encoded.length <= MAX_KEY_CHARS) return encoded;
  const digest = createHash('sha256').update(text, 'utf8').digest('hex');
  return `${encoded.slice(0, MAX_KEY_CHARS - 66)}~${digest}`;
}

/** Row keys that sort newest first: the gap to a far-future time, zero padded. */
export function invertedTimeKey(at: Date, suffix = ''): string {
  const inverted = (8_640_000_000_000_000 - at.getTime()).toString().padStart(16, '0');
  return suffix ? `${inverted}_${suffix}` : inverted;
}
