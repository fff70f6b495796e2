import { alertRowView, alertWeeks, hsaComplianceView } from '../../src/api/tab-views';
import { acknowledgeHsa, newHsaResponse, raiseAlert, type Alert } from '../../src/domain/alerts';

const actor = { id: 'a1', name: 'Asha Patel', source: 'teams' as const };
const alert = (id: string, raisedAt: string, patch: Partial<Alert> = {}): Alert => ({
  ...raiseAlert(
    { source: 'incident', dedupKey: id, title: `Alert ${id}`, severity: 'high' },
    { id, actor, at: new Date(raisedAt) },
  ).alert,
  ...patch,
});

test('when alerts were acknowledged and resolved, then each UK week shows the counts and median times', () => {
  // Monday 23 Nov 2026 is the start of "this week"; 16 Nov the week before.
  const now = new Date('2026-11-28T12:00:00Z');
  const weeks = alertWeeks(
    [
      alert('A', '2026-11-23T09:00:00Z', {
        acknowledgedAt: '2026-11-23T09:10:00Z',
        resolvedAt: '2026-11-23T11:00:00Z',
        state: 'resolved',
      }),
      alert('B', '2026-11-24T09:00:00Z', { acknowledgedAt: '2026-11-24T09:30:00Z' }),
      alert('C', '2026-11-25T09:00:00Z'),
      alert('D', '2026-11-17T09:00:00Z', {
        acknowledgedAt: '2026-11-17T10:00:00Z',
        resolvedAt: '2026-11-18T09:00:00Z',
        state: 'resolved',
      }),
      // Sunday 22 Nov 23:30 UK time still belongs to the week before.
      alert('E', '2026-11-22T23:30:00Z'),
    ],
    now,
    3,
  );
  expect(weeks).toEqual([
    {
      weekOf: '2026-11-23',
      weekOfUk: '23 Nov 2026',
      raised: 3,
      acknowledged: 2,
      medianMinutesToAcknowledge: 20,
      resolved: 1,
      medianMinutesToResolve: 120,
    },
    {
      weekOf: '2026-11-16',
      weekOfUk: '16 Nov 2026',
      raised: 2,
      acknowledged: 1,
      medianMinutesToAcknowledge: 60,
      resolved: 1,
      medianMinutesToResolve: 1440,
    },
    {
      weekOf: '2026-11-09',
      weekOfUk: '9 Nov 2026',
      raised: 0,
      acknowledged: 0,
      medianMinutesToAcknowledge: undefined,
      resolved: 0,
      medianMinutesToResolve: undefined,
    },
  ]);
});

test('when an organisation acknowledged an HSA after 48 hours, then it shows as acknowledged late, not in time', () => {
  const hsa = raiseAlert(
    {
      source: 'hsa',
      dedupKey: 'CC-4800',
      title: 'HSA',
      severity: 'High',
      publishedAt: '2026-11-20T09:00:00Z',
    },
    { id: 'A-H', actor, at: new Date('2026-11-20T09:05:00Z') },
  ).alert;
  const late = acknowledgeHsa(
    newHsaResponse('A-H', 'RXC'),
    actor,
    new Date('2026-11-22T10:00:00Z'),
  );
  if (!late.ok) throw new Error(late.message);
  const view = hsaComplianceView(
    [hsa],
    [{ code: 'RXC', name: 'Trust', isOes: true, createdAt: '', createdBy: '' }],
    [late.response],
    new Date('2026-11-22T12:00:00Z'),
  );
  expect(view.hsas[0]!.cells[0]).toMatchObject({
    orgCode: 'RXC',
    acknowledged: true,
    acknowledgedInTime: false,
    acknowledgedAtUk: '22 Nov 2026, 10:00',
    overdue: [],
  });
});

test('when an HSA’s alert is resolved, then the board row says so, and finished HSAs go in the history', () => {
  const raise = (id: string, dedupKey: string) =>
    raiseAlert(
      {
        source: 'hsa',
        dedupKey,
        title: 'HSA',
        severity: 'High',
        publishedAt: '2026-11-20T09:00:00Z',
      },
      { id, actor, at: new Date('2026-11-20T09:05:00Z') },
    ).alert;
  const resolved: Alert = { ...raise('A-1', 'CC-4801'), state: 'resolved' };
  const done = raise('A-2', 'CC-4802');
  const view = hsaComplianceView(
    [resolved],
    [{ code: 'RXC', name: 'Trust', isOes: true, createdAt: '', createdBy: '' }],
    [],
    new Date('2026-11-22T12:00:00Z'),
    [done],
  );
  expect(view.hsas.map((r) => [r.hsaId, r.resolved])).toEqual([['CC-4801', true]]);
  expect(view.history.map((r) => [r.hsaId, r.resolved])).toEqual([['CC-4802', false]]);
});

test('when an alert waits for someone, then the tab names its state as the cards do', () => {
  const rows = [
    alert('T', '2026-11-23T09:00:00Z'),
    alert('A', '2026-11-23T09:00:00Z', { state: 'acknowledged' }),
    alert('S', '2026-11-23T09:00:00Z', { state: 'snoozed' }),
  ].map(alertRowView);
  expect(rows.map((r) => [r.key, r.state, r.stateLabel])).toEqual([
    ['T', 'triggered', 'Needs action'],
    ['A', 'acknowledged', 'Acknowledged'],
    ['S', 'snoozed', 'Snoozed'],
  ]);
});
