import {
  ACK_LINK_LIFETIME_MS,
  ackLinkExpiresAt,
  ackPageFor,
  useAckLink,
  type AckAlertFacts,
  type AckLink,
  type AckPage,
} from '../../../src/domain/alerts/ack-link';

const issued = '2026-11-28T09:00:00.000Z';
const link: AckLink = {
  memberId: 'a1a1a1a1-0000-4000-8000-000000000001',
  alertId: 'A7K3Q9XM',
  channel: 'sms',
  createdAt: issued,
};
const sam = { id: 'sam', name: 'Sam Patel', source: 'teams' as const };
const alert = (overrides: Partial<AckAlertFacts> = {}): AckAlertFacts => ({
  id: 'A7K3Q9XM',
  title: 'Ransomware detected on a file server',
  severity: 'high',
  state: 'triggered',
  ...overrides,
});
const at = (iso: string) => new Date(iso);
const justBefore = new Date(new Date(issued).getTime() + ACK_LINK_LIFETIME_MS - 1).toISOString();
const exactly = new Date(new Date(issued).getTime() + ACK_LINK_LIFETIME_MS).toISOString();

type Row = [string, AckLink | undefined, AckAlertFacts | undefined, string, AckPage['kind']];
const rows: Row[] = [
  ['a fresh link to a triggered alert', link, alert(), '2026-11-28T09:05:00Z', 'valid'],
  ['a snoozed alert', link, alert({ state: 'snoozed' }), '2026-11-28T10:00:00Z', 'valid'],
  ['a link one millisecond before 24 hours', link, alert(), justBefore, 'valid'],
  ['a link at exactly 24 hours', link, alert(), exactly, 'expired'],
  ['a link a week old', link, alert(), '2026-12-05T09:00:00Z', 'expired'],
  [
    'a resolved (closed) alert',
    link,
    alert({ state: 'resolved' }),
    '2026-11-28T09:05:00Z',
    'expired',
  ],
  [
    'a used link',
    useAckLink(link, at('2026-11-28T09:03:00Z')),
    alert({ state: 'acknowledged' }),
    '2026-11-28T09:05:00Z',
    'used',
  ],
  [
    'a used link that has also expired',
    useAckLink(link, at('2026-11-28T09:03:00Z')),
    alert(),
    '2026-12-01T09:00:00Z',
    'used',
  ],
  [
    'an alert someone else acknowledged',
    link,
    alert({
      state: 'acknowledged',
      acknowledgedBy: sam,
      acknowledgedAt: '2026-11-28T09:02:00.000Z',
    }),
    '2026-11-28T09:05:00Z',
    'acknowledged',
  ],
  ['no link with this token (forged)', undefined, alert(), '2026-11-28T09:05:00Z', 'not_found'],
  ['a link whose alert is gone', link, undefined, '2026-11-28T09:05:00Z', 'not_found'],
  [
    'a link bound to another alert',
    link,
    alert({ id: 'OTHER' }),
    '2026-11-28T09:05:00Z',
    'not_found',
  ],
];
test.each(rows.map(([name, given, facts, now, kind]) => ({ name, given, facts, now, kind })))(
  'when the page is for $name, then it is $kind',
  ({ given, facts, now, kind }) => {
    expect(ackPageFor(given, facts, at(now)).kind).toBe(kind);
  },
);

test('when a link is valid, then the page has the alert and the channel it came by', () => {
  expect(ackPageFor({ ...link, channel: 'email' }, alert(), at('2026-11-28T09:05:00Z'))).toEqual({
    kind: 'valid',
    alert: alert(),
    channel: 'email',
  });
});

test('when someone else has the alert, then the page says who and when', () => {
  const page = ackPageFor(
    link,
    alert({
      state: 'acknowledged',
      acknowledgedBy: sam,
      acknowledgedAt: '2026-11-28T09:02:00.000Z',
    }),
    at('2026-11-28T09:05:00Z'),
  );
  expect(page).toMatchObject({ kind: 'acknowledged', by: sam, at: '2026-11-28T09:02:00.000Z' });
});

test('when a link is issued, then it lasts 24 hours and using it keeps what it is bound to', () => {
  expect(ackLinkExpiresAt(link).toISOString()).toBe('2026-11-29T09:00:00.000Z');
  expect(useAckLink(link, at('2026-11-28T09:03:00Z'))).toEqual({
    ...link,
    usedAt: '2026-11-28T09:03:00.000Z',
  });
});
