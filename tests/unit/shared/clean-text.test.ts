import { normaliseOrganisation } from '../../../src/domain/people/organisation';
import { cleanLine, cleanParagraphs } from '../../../src/domain/shared/clean-text';

describe('the one text cleaner', () => {
  test.each([
    ['a zero-width space inside a word', 'Ran\u200Bsomware', 'Ransomware'],
    ['a right-to-left override inside a word', 'ab\u202Ecd', 'abcd'],
    ['direction marks', '\u200Eleft\u200F right', 'left right'],
    ['a word joiner', 'word\u2060joiner', 'wordjoiner'],
    ['a byte order mark', '\uFEFFstart', 'start'],
    ['C0 and C1 controls', 'a\u0000b\u0085c', 'a b c'],
    ['decomposed accents', 'Zoe\u0308', 'Zoë'],
    ['an emoji with zero-width joiners', '👩\u200D💻 on call', '👩\u200D💻 on call'],
  ])('when a line has %s, then it reads as a person would', (_what, raw, clean) => {
    expect(cleanLine(raw)).toBe(clean);
  });

  test('when paragraphs hold invisible characters, then they go and the line breaks stay', () => {
    expect(cleanParagraphs('one\u202E\r\n\r\n\r\ntwo\u200B  three')).toBe('one\n\ntwo three');
  });

  test('when people and rota text is cleaned, then it follows the same rules as risks and alerts', () => {
    const raw = '  Ops\u202E lead\u200B \u0007 RXH\n';
    const { name } = normaliseOrganisation({ code: 'RXH', name: raw });
    expect(name).toBe(cleanLine(raw));
    expect(name).toBe('Ops lead RXH');
  });
});
