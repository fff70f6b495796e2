import { mergeMemberIds, orderByPositions } from '../../../src/domain/rota/rotation-order';

const names: Record<string, string> = { a: 'Asha', b: 'Ben', c: 'Chloë' };
const nameOf = (id: string) => names[id] ?? id;

describe('orderByPositions', () => {
  test('when each person has a different number, then they are put in that order', () => {
    expect(orderByPositions(['a', 'b', 'c'], ['3', ' 1 ', '2'], nameOf)).toEqual({
      ok: true,
      memberIds: ['b', 'c', 'a'],
    });
  });

  test.each([
    [['1', '1', '2'], 'Asha and Ben both have 1: give each person a different number.'],
    [['1', '4', '2'], 'Ben: give a whole number from 1 to 3 ("4" is not one).'],
    [['1', '', '2'], 'Ben: give a whole number from 1 to 3.'],
    [['1', '2.5', '3'], 'Ben: give a whole number from 1 to 3 ("2.5" is not one).'],
    [['0', '2', '3'], 'Asha: give a whole number from 1 to 3 ("0" is not one).'],
  ])(
    'when the numbers are %j, then it says what to change and keeps what was typed',
    (typed, problem) => {
      const result = orderByPositions(['a', 'b', 'c'], typed, nameOf);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problems).toContain(problem);
      expect(result.positions).toEqual(typed.map((t) => t.trim()));
    },
  );
});

describe('mergeMemberIds', () => {
  test.each([
    ['nobody is added', ['a', 'b'], [], ['a', 'b']],
    ['new people are added', ['a', 'b'], ['c', 'd'], ['a', 'b', 'c', 'd']],
    ['someone added was already chosen', ['a', 'b'], ['b', 'c'], ['a', 'b', 'c']],
    ['an added id differs only in case', ['a', 'b'], ['B'], ['a', 'b']],
    ['nobody was chosen', [], ['c'], ['c']],
  ])(
    'when %s, then the chosen keep their order and the added follow once',
    (_c, chosen, added, all) => {
      expect(mergeMemberIds(chosen, added)).toEqual(all);
    },
  );
});
