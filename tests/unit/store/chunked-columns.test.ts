import {
  CHUNK_CHARS,
  fromChunkColumns,
  fromJsonChunkColumns,
  toChunkColumns,
  toJsonChunkColumns,
} from '../../../src/store/chunked-columns';
import { fromJsonColumns, toJsonColumns } from '../../../src/store/risk-json';

describe('chunked columns', () => {
  it.each([
    ['an empty text', 0, 1],
    ['a short text', 10, 1],
    ['a text of exactly one column', CHUNK_CHARS, 1],
    ['a text one character over a column', CHUNK_CHARS + 1, 2],
    ['a text of three and a bit columns', CHUNK_CHARS * 3 + 7, 4],
  ])(
    'when given %s, then it is split into the fewest columns and read back whole',
    (_what, length, parts) => {
      const text = Array.from({ length }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
      const columns = toChunkColumns(text, { name: 'body' });
      expect(columns['bodyChunks']).toBe(parts);
      expect(Object.keys(columns).filter((k) => /^body\d+$/.test(k))).toHaveLength(parts);
      for (const [key, value] of Object.entries(columns))
        if (key !== 'bodyChunks') expect(String(value).length).toBeLessThanOrEqual(CHUNK_CHARS);
      expect(fromChunkColumns(columns, { name: 'body' })).toBe(text);
    },
  );

  it('when the layout names a count column, then the count is written there', () => {
    const columns = toChunkColumns('x', { name: 'json', countColumn: 'jsonParts' });
    expect(columns).toEqual({ json0: 'x', jsonParts: 1 });
  });

  it('when the layout writes no count, then the parts are read until one is missing', () => {
    const text = 'y'.repeat(CHUNK_CHARS * 2 + 1);
    const columns = toChunkColumns(text, { name: 'message', countColumn: null });
    expect(Object.keys(columns).sort()).toEqual(['message0', 'message1', 'message2']);
    expect(
      fromChunkColumns({ ...columns, other: 'z' }, { name: 'message', countColumn: null }),
    ).toBe(text);
  });

  it('when a row has no count column, then its parts are still read', () => {
    expect(fromChunkColumns({ body0: 'ab', body1: 'cd' }, { name: 'body' })).toBe('abcd');
  });

  it('when a text needs more columns than allowed, then it throws rather than write part of it', () => {
    expect(() => toChunkColumns('z'.repeat(CHUNK_CHARS * 4 + 1), { name: 'message' }, 4)).toThrow(
      /at most 4/,
    );
    expect(() => toChunkColumns('z'.repeat(CHUNK_CHARS * 4), { name: 'message' }, 4)).not.toThrow();
  });

  it('when a value is stored as JSON, then it is read back equal, long strings and non-Latin text too', () => {
    const value = { title: 'Ransomware at RXC – “urgent” 🔒', notes: ['n'.repeat(70_000), 'end'] };
    const columns = toJsonChunkColumns(value, { name: 'timeline' });
    expect(columns['timelineChunks']).toBe(3);
    expect(fromJsonChunkColumns(columns, { name: 'timeline' })).toEqual(value);
  });

  it('when risks store JSON, then they keep their json0.. and jsonParts columns', () => {
    const value = { description: 'd'.repeat(CHUNK_CHARS + 5) };
    const columns = toJsonColumns(value);
    expect(columns.jsonParts).toBe(2);
    expect(typeof columns.json1).toBe('string');
    expect(fromJsonColumns(columns)).toEqual(value);
  });
});
