import { RecentCopies } from '../../../src/store/recent-copies';

describe('RecentCopies', () => {
  test('a copy is given back within its time and not after', () => {
    let now = 1_000;
    const copies = new RecentCopies<string>(10, 30_000, () => now);
    copies.keep('a', 'first');
    now += 30_000;
    expect(copies.get('a')).toBe('first');
    now += 1;
    expect(copies.get('a')).toBeUndefined();
  });

  test('the newest copy of a key replaces the older, and the oldest key goes first when full', () => {
    const copies = new RecentCopies<number>(2);
    copies.keep('a', 1);
    copies.keep('b', 2);
    copies.keep('a', 3); // a is now the newest
    copies.keep('c', 4);
    expect(copies.get('a')).toBe(3);
    expect(copies.get('b')).toBeUndefined();
    expect(copies.get('c')).toBe(4);
  });
});
