import { teamsPageFailure } from '../../../src/bot/alerts/teams-alert-notifier';

/* Why Teams did not take a page, from the outbox's failure and whether a chat was saved (issue 16). */
test.each([
  { status: 404, detail: 'planned 404', hadChat: false, reason: 'not-in-team' },
  { status: 404, detail: 'planned 404', hadChat: true, reason: 'not-found' },
  {
    status: 404,
    detail: 'This person has no 1:1 chat with CTAC yet and their Teams id is unknown.',
    hadChat: false,
    reason: 'no-chat',
  },
  { status: 404, detail: 'CTAC is not installed in a team yet.', hadChat: false, reason: 'error' },
  { status: 403, detail: 'Forbidden', hadChat: true, reason: 'forbidden' },
  { status: 429, detail: 'Too many requests', hadChat: true, reason: 'throttled' },
  { status: 500, detail: 'Server error', hadChat: true, reason: 'error' },
  { status: undefined, detail: 'ECONNRESET', hadChat: true, reason: 'error' },
])(
  'when Teams answers $status ($detail) and a chat was saved: $hadChat, then the page failed as $reason',
  ({ status, detail, hadChat, reason }) => {
    expect(teamsPageFailure({ ...(status ? { statusCode: status } : {}), detail }, hadChat)).toBe(
      reason,
    );
  },
);
