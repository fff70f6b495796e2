import type { Role } from '../../../src/domain/people/member';
import { whoToTellAboutGap } from '../../../src/domain/rota/gap-notices';

describe('whoToTellAboutGap', () => {
  test.each<[string, [string, Role][], string[]]>([
    [
      'there are members, leads and admins',
      [
        ['m', 'member'],
        ['l', 'lead'],
        ['a', 'admin'],
      ],
      ['l', 'a'],
    ],
    [
      'there are only members',
      [
        ['m', 'member'],
        ['n', 'member'],
      ],
      [],
    ],
    ['there is nobody', [], []],
  ])('when %s, then the leads and admins are told', (_case, people, told) => {
    expect(whoToTellAboutGap(people.map(([id, role]) => ({ id, role })))).toEqual(told);
  });
});
