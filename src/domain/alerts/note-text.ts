import { cleanParagraphs } from '../shared/clean-text';
import { MAX_NOTE } from './alert-text';

/** A note as stored, or why it cannot be: used by resolve and add note. */
export function checkNote(
  note: string | undefined,
):
  | { ok: true; note: string }
  | { ok: false; code: 'note_required' | 'note_too_long'; message: string } {
  const clean = cleanParagraphs(note ?? '');
  if (!clean) return { ok: false, code: 'note_required', message: 'Please write a note.' };
  if (clean.length > MAX_NOTE)
    return {
      ok: false,
      code: 'note_too_long',
      message: `The note must be at most ${MAX_NOTE.toLocaleString('en-GB')} characters; it has ${clean.length.toLocaleString('en-GB')}.`,
    };
  return { ok: true, note: clean };
}
