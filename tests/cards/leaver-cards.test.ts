import { readdirSync } from 'fs';
import { join } from 'path';
import {
  type LeaverPreview,
  leaverDoneCard,
  leaverPreviewCard,
  memberEditFormCard,
  organisationEditFormCard,
  organisationRemoveCard,
} from '../../src/cards/leaver-views';
import { TEMPLATES_DIR } from '../../src/cards/render';
import type { Member } from '../../src/domain/people/member';
import type { Organisation } from '../../src/domain/people/organisation';
import { validateCard } from '../helpers/card-validator';
import { cardText } from '../helpers/stack';

const org: Organisation = {
  code: 'RXC',
  name: 'East Sussex Healthcare NHS Trust',
  isOes: true,
  createdAt: '2026-11-01T09:00:00Z',
  createdBy: 'test',
};
const bob: Member = {
  aadObjectId: '22222222-2222-4222-8222-222222222222',
  name: 'Bob Jones',
  upn: 'bob@example.nhs.uk',
  orgCode: 'RXC',
  role: 'member',
  addedAt: '2026-11-01T09:00:00Z',
  addedBy: 'test',
};
const day = (d: number) => new Date(`2026-12-${String(d).padStart(2, '0')}T09:00:00Z`);
const preview = (gaps: number): LeaverPreview => ({
  member: bob,
  from: day(1),
  fromText: '01/12/2026 09:00',
  gaps: Array.from({ length: gaps }, (_, i) => ({
    layer: 'primary' as const,
    start: day(1 + i),
    end: day(2 + i),
    unavailable: [],
  })),
  policies: gaps ? [{ rank: 'high', name: 'High: Bob first' }] : [],
  seen: 'seen',
  weeks: 4,
});

test('when a removal is previewed, then the card names who, from when, the gaps (ten at most) and the policies, with a text field for the time', () => {
  const card = leaverPreviewCard(preview(14), ['The time changed.']);
  expect(validateCard(card)).toEqual([]);
  const text = cardText(card);
  expect(text).toContain('Remove Bob Jones from CTAC?');
  expect(text).toContain('bob@example.nhs.uk, Member of RXC');
  expect(text).toContain('Gaps this opens in the rota over the next 4 weeks (14):');
  expect(text).toContain('Primary: 1 Dec 2026, 09:00 to 2 Dec 2026, 09:00');
  expect(text).toContain('and 4 more');
  expect(text).toContain('high (High: Bob first)');
  expect(text).toContain('The time changed.');
  const json = JSON.stringify(card);
  expect(json).toContain('"id":"from"');
  expect(json).toContain('"value":"01/12/2026 09:00"');
  expect(json).toContain('"verb":"member.remove.confirm"');
  expect(json).toContain('"verb":"member.remove.cancel"');

  const none = leaverPreviewCard(preview(0));
  expect(validateCard(none)).toEqual([]);
  expect(cardText(none)).toContain('No gaps');
  expect(cardText(none)).not.toContain('Escalation policies');
});

test('when a removal is done, or was done already, then the card says what went', () => {
  const done = cardText(leaverDoneCard({ kind: 'removed', preview: preview(2) }, 'Ada Admin'));
  expect(done).toContain('Removed Bob Jones from CTAC');
  expect(done).toContain('off the rota from 1 Dec 2026, 09:00 (2 gaps to fill');
  expect(done).toContain('Taken out of the high escalation policy.');
  expect(done).toContain('Removed by Ada Admin.');
  const again = cardText(
    leaverDoneCard(
      { kind: 'already_removed', name: 'Bob Jones', removedAt: '2026-12-01T09:00:00Z' },
      'Ada Admin',
    ),
  );
  expect(again).toContain('Bob Jones is already removed');
  expect(again).toContain('1 Dec 2026, 09:00');
});

test('when members and organisations are edited or removed, then each card is valid', () => {
  const cards = [
    memberEditFormCard({ member: bob, organisations: [org], problems: ['Give a name.'] }),
    organisationEditFormCard({ organisation: org }),
    organisationRemoveCard({ organisation: org, blockers: [] }),
    organisationRemoveCard({ organisation: org, blockers: ['It has 2 members.'] }),
  ];
  for (const card of cards) expect(validateCard(card)).toEqual([]);
  expect(JSON.stringify(cards[0])).toContain('"value":"bob@example.nhs.uk"');
  expect(cardText(cards[3]!)).toContain('cannot be removed yet');
  expect(cardText(cards[3]!)).toContain('It has 2 members.');
});

test('every template in adaptiveCards/directory has a card here', () => {
  expect(readdirSync(join(TEMPLATES_DIR, 'directory')).sort()).toEqual([
    'leaver-preview.json',
    'member-edit-form.json',
    'org-edit-form.json',
    'org-remove.json',
  ]);
});
