import { untrustedText, UNTRUSTED_TEXT_MAX } from '../../../src/domain/shared/untrusted';

describe('untrustedText', () => {
  it.each([
    ['a string', 'Ransomware at RXC', 'Ransomware at RXC'],
    ['a string with surrounding whitespace', '  CC-4719 \n', 'CC-4719'],
    ['a whole number', 30, '30'],
    ['a decimal number', 2.5, '2.5'],
    ['NaN', Number.NaN, ''],
    ['Infinity', Number.POSITIVE_INFINITY, ''],
    ['undefined', undefined, ''],
    ['null', null, ''],
    ['a boolean', true, ''],
    ['an array', ['a', 'b'], ''],
    ['an object', { toString: () => 'sneaky' }, ''],
  ])('when given %s, then it reads %p', (_what, value, expected) => {
    expect(untrustedText(value)).toBe(expected);
  });

  it('when the value is longer than the cap, then only the first characters are read, without a trailing space', () => {
    expect(untrustedText('ab cd', 3)).toBe('ab');
    expect(untrustedText('  abcdef  ', 4)).toBe('abcd');
  });

  it('when no cap is given, then the default keeps every field CTAC stores and stops runaway input', () => {
    expect(untrustedText('x'.repeat(8000))).toHaveLength(8000);
    expect(untrustedText('x'.repeat(UNTRUSTED_TEXT_MAX + 50))).toHaveLength(UNTRUSTED_TEXT_MAX);
  });

  it('when the cap is zero or negative, then nothing is read', () => {
    expect(untrustedText('abc', 0)).toBe('');
    expect(untrustedText('abc', -1)).toBe('');
  });
});
