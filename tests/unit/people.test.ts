import { hasRole, normaliseMember } from '../../src/domain/people/member';
import { normaliseOrganisation } from '../../src/domain/people/organisation';
import { CtacError } from '../../src/domain/shared/errors';

const problemsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CtacError) return e.problems;
  }
  return [];
};

describe('organisations', () => {
  test('when the details are good, then the code is upper-cased and the name tidied', () => {
    expect(
      normaliseOrganisation({
        code: ' rxc ',
        name: 'East  Sussex\u0007 Healthcare',
        isOes: 'true',
      }),
    ).toEqual({
      code: 'RXC',
      name: 'East Sussex Healthcare',
      isOes: true,
    });
  });

  test('when everything is wrong, then every problem is listed at once', () => {
    expect(
      problemsOf(() => normaliseOrganisation({ code: 'R/X#?', name: 'x'.repeat(500) })),
    ).toHaveLength(2);
    expect(problemsOf(() => normaliseOrganisation({}))).toHaveLength(2);
  });
});

describe('members and roles', () => {
  test('when roles are compared, then admin includes lead and lead includes member', () => {
    expect(hasRole({ role: 'admin' }, 'lead')).toBe(true);
    expect(hasRole({ role: 'lead' }, 'member')).toBe(true);
    expect(hasRole({ role: 'member' }, 'lead')).toBe(false);
    expect(hasRole(undefined, 'member')).toBe(false);
  });

  test('when the person, organisation and role are all wrong, then all three are listed', () => {
    expect(
      problemsOf(() =>
        normaliseMember({ aadObjectId: 'not-a-guid', name: 'Ben', role: 'overlord' }),
      ),
    ).toHaveLength(3);
  });
});
