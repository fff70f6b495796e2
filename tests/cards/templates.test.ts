import { readdirSync } from 'fs';
import { TEMPLATES_DIR, renderCard } from '../../src/cards/render';
import {
  helpCard,
  memberFormCard,
  memberListCard,
  memberRemoveFormCard,
  noticeCard,
  organisationFormCard,
  organisationListCard,
  unknownCommandCard,
  welcomeCard,
} from '../../src/cards/views';
import { helpView } from '../../src/bot/commands';
import { auditLogCard } from '../../src/cards/audit-views';
import { auditEntry } from '../../src/domain/audit/audit-entry';
import type { Member } from '../../src/domain/people/member';
import type { Organisation } from '../../src/domain/people/organisation';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

const org: Organisation = {
  code: 'RXC',
  name: 'East Sussex Healthcare NHS Trust',
  isOes: true,
  createdAt: '2026-11-28T09:00:00Z',
  createdBy: 'Asha',
};
const member: Member = {
  aadObjectId: 'b2b2b2b2-0000-4000-8000-000000000002',
  name: "Zoë O'Brien, Ward 7 <b>",
  upn: 'zoe@example.nhs.uk',
  orgCode: 'RXC',
  role: 'lead',
  addedAt: '2026-11-28T09:00:00Z',
  addedBy: 'Asha',
};

/** One sample per template: every template in adaptiveCards/ must appear here. */
const samples: Record<string, () => unknown> = {
  welcome: () =>
    welcomeCard({
      teamName: 'ICS Cyber',
      installedBy: 'Asha Patel',
      installedAt: new Date('2026-11-28T09:00:00Z'),
    }),
  help: () => helpCard(helpView()),
  'unknown-command': () => unknownCommandCard('memebrs', 'members'),
  notice: () =>
    noticeCard('Please check the details', 'Some text', 'attention', [
      'Give a name.',
      'Give a code.',
    ]),
  'org-form': () =>
    organisationFormCard({ name: 'Trust', code: 'R#X', problems: ['The short code must be...'] }),
  'org-list': () => organisationListCard('ICS organisations', [org]),
  'member-form': () =>
    memberFormCard({
      people: [{ aadObjectId: member.aadObjectId, name: member.name, upn: member.upn }],
      organisations: [org],
    }),
  'member-list': () => memberListCard([member], [org]),
  'member-remove-form': () =>
    memberRemoveFormCard({ members: [member], problems: ['Choose a person from the list.'] }),
  'audit-log': () =>
    auditLogCard(
      [
        auditEntry({
          id: 'a1',
          at: '2026-11-28T09:00:00Z',
          action: 'member.changed',
          actor: { id: 'x', name: 'Asha Patel', source: 'teams' },
          subject: member.name,
          before: 'Member of RXC',
          after: 'Lead of RXC',
        }),
        auditEntry({
          id: 'a2',
          at: '2026-11-28T10:00:00Z',
          action: 'organisation.added',
          actor: { id: 'x', name: 'Asha Patel', source: 'teams' },
          subject: 'East Sussex Healthcare NHS Trust (RXC)',
          after: 'Operator of essential services under NIS',
        }),
      ],
      20,
    ),
};

describe('adaptive card templates', () => {
  // Top-level templates; each feature validates its own subfolder (adaptiveCards/<feature>/) in its tests.
  const names = readdirSync(TEMPLATES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));

  test('when a template is added, then it has a sample here', () => {
    expect(names.sort()).toEqual(Object.keys(samples).sort());
  });

  test.each(Object.keys(samples))(
    'when %s is expanded with sample data, then it is a valid card',
    (name) => {
      expect(validateCard(samples[name]!())).toEqual([]);
    },
  );

  test('when user text contains template syntax, then it is shown literally and not evaluated', () => {
    const text = cardText(
      memberListCard([{ ...member, name: 'Eve ${$root.members[0].name} ${1+1}' }], [org]),
    );
    expect(text).toContain('Eve ${$root.members[0].name} ${1+1}');
  });

  test('when there is no suggestion, then the unknown-command card has only the help button', () => {
    const card = unknownCommandCard('xyzzy', undefined) as unknown as { actions: unknown[] };
    expect(card.actions).toHaveLength(1);
    expect(validateCard(card)).toEqual([]);
  });

  test('when lists are empty, then the cards say so in plain words', () => {
    expect(cardText(organisationListCard('ICS organisations', []))).toContain(
      'No organisations yet',
    );
    expect(cardText(memberListCard([], []))).toContain('Nobody yet');
    expect(validateCard(renderCard('member-list', { members: [] }))).toEqual([]);
  });
});
