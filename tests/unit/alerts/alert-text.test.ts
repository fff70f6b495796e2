import { stripHtml, truncate } from '../../../src/domain/alerts/alert-text';
import { cleanLine, cleanParagraphs } from '../../../src/domain/shared/clean-text';

describe('alert text', () => {
  test.each([
    ['  spaced   out  ', 'spaced out'],
    ['tab\tand\nnewline', 'tab and newline'],
    ['bidi \u2066isolate\u2069 and \u202Eoverride', 'bidi isolate and override'],
    ['\uFEFFbyte order mark', 'byte order mark'],
    ['C1 \u0085 control', 'C1 control'],
  ])('when a line is %j, then it reads %j', (raw, clean) => {
    expect(cleanLine(raw)).toBe(clean);
  });

  test('when paragraphs have Windows line ends and many blank lines, then one blank line is kept', () => {
    expect(cleanParagraphs(' a  \r\n\r\n\r\n\r\n  b \r c ')).toBe('a\n\nb\nc');
  });

  test.each([
    ['<p>One</p><p>Two</p>', 'One\nTwo'],
    ['a<br/>b<BR>c', 'a\nb\nc'],
    ['<style>p{}</style><p>Shown</p><!-- hidden -->', 'Shown'],
    ['&#x41;&#66;&amp;&unknown;', 'AB&&unknown;'],
    ['<a href="https://x">link</a> text', 'link text'],
  ])('when HTML is %j, then the plain text is %j', (html, text) => {
    expect(stripHtml(html)).toBe(text);
  });

  test.each([
    ['short', 10, 'short'],
    ['exactly ten', 11, 'exactly ten'],
    ['a bit too long', 10, 'a bit too…'],
    ['ab🔥cd', 4, 'ab…'],
  ])('when %j is cut to %i characters, then it is %j', (text, max, cut) => {
    expect(truncate(text, max)).toBe(cut);
    expect(truncate(text, max).length).toBeLessThanOrEqual(max);
  });
});
