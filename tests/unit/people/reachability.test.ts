import {
  reachability,
  reasonsInWords,
  type ReachFacts,
} from '../../../src/domain/people/reachability';

const base: ReachFacts = {
  inTeam: true,
  hasChat: false,
  hasTeamsId: false,
  hasMobile: false,
  notifyConfigured: false,
};

test.each<[string, Partial<ReachFacts>, boolean, string]>([
  ['a saved chat', { hasChat: true }, true, 'text messages not set up (GOV.UK Notify)'],
  [
    'a saved chat, not in the team',
    { hasChat: true, inTeam: false },
    true,
    'text messages not set up (GOV.UK Notify)',
  ],
  [
    'in the team with a Teams id',
    { hasTeamsId: true },
    true,
    'text messages not set up (GOV.UK Notify)',
  ],
  [
    'in the team, no id, no chat',
    {},
    false,
    'no chat with CTAC yet; text messages not set up (GOV.UK Notify)',
  ],
  [
    'not in the team, with an id',
    { inTeam: false, hasTeamsId: true },
    false,
    'not in the team; text messages not set up (GOV.UK Notify)',
  ],
  [
    'not in the team, no id',
    { inTeam: false },
    false,
    'not in the team; no chat with CTAC yet; text messages not set up (GOV.UK Notify)',
  ],
  [
    'roster unknown (a job), with an id',
    { inTeam: undefined, hasTeamsId: true },
    true,
    'text messages not set up (GOV.UK Notify)',
  ],
  [
    'roster unknown, no id',
    { inTeam: undefined },
    false,
    'no chat with CTAC yet; text messages not set up (GOV.UK Notify)',
  ],
  [
    'Notify set up, no mobile',
    { notifyConfigured: true, hasTeamsId: true },
    true,
    'no mobile number',
  ],
  [
    'Notify set up with a mobile',
    { notifyConfigured: true, hasMobile: true },
    false,
    'no chat with CTAC yet',
  ],
])('when %s, then Teams reachable is %s and the reasons are "%s"', (_what, facts, teams, words) => {
  const r = reachability({ ...base, ...facts });
  expect(r.teams).toBe(teams);
  expect(reasonsInWords(r)).toBe(words);
});

test('when Notify is set up and the person has a mobile but no chat, then they are still reachable (by text)', () => {
  const r = reachability({ ...base, notifyConfigured: true, hasMobile: true });
  expect(r).toMatchObject({ teams: false, text: true, reachable: true });
});

test('when nothing reaches them, then they are not reachable', () => {
  expect(reachability(base).reachable).toBe(false);
});
