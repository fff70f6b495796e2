import type { Role } from '../../../src/domain/people/member';
import type { EventSource } from '../../../src/domain/shared/actor';
import { CtacError } from '../../../src/domain/shared/errors';
import { onCallAt } from '../../../src/domain/rota/on-call-now';
import {
  acceptSwap,
  applySwapDirectly,
  approveSwap,
  cancelSwap,
  declineSwap,
  proposeSwap,
  swapOverrides,
  type SwapContext,
  type SwapInput,
  type SwapRequest,
  type SwapTransition,
} from '../../../src/domain/rota/swap-request';
import { actor, at, BOB, JANE, LEAD, PRIYA, rotation } from './fixtures';

// Jane has the primary shift on Mon 23 Nov 2026, Bob on Tue 24 Nov; Jane offers Monday for Tuesday.
const MONDAY = { start: '2026-11-23T09:00:00Z', end: '2026-11-24T09:00:00Z' };
const TUESDAY = { start: '2026-11-24T09:00:00Z', end: '2026-11-25T09:00:00Z' };
const input: SwapInput = {
  layer: 'primary',
  rotationId: 'rot-primary',
  fromMemberId: JANE,
  toMemberId: BOB,
  shift: MONDAY,
  inReturn: TUESDAY,
  note: 'Dentist on Monday',
};
const BEFORE = at('2026-11-20T10:00:00Z');

const ctx = (
  id: string,
  role: Role = 'member',
  when: Date = BEFORE,
  source: EventSource = 'teams',
): SwapContext => ({ actor: actor(id, source), role, at: when });
const changed = (t: SwapTransition) => {
  if (!t.changed) throw new Error('expected a change');
  return t;
};
const proposed = (): SwapRequest => changed(proposeSwap('swap-1', input, ctx(JANE))).swap;
const later = (minutes: number) => new Date(BEFORE.getTime() + minutes * 60_000);

function refusal(run: () => unknown): CtacError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(CtacError);
    return e as CtacError;
  }
  throw new Error('expected a refusal');
}

describe('proposing a swap', () => {
  test('when Jane offers her shift, then the swap is proposed and the event says who, from where and when', () => {
    const { swap, event } = changed(proposeSwap('swap-1', input, ctx(JANE)));
    expect(swap).toEqual({
      id: 'swap-1',
      layer: 'primary',
      rotationId: 'rot-primary',
      fromMemberId: JANE,
      toMemberId: BOB,
      shift: { start: at(MONDAY.start), end: at(MONDAY.end) },
      inReturn: { start: at(TUESDAY.start), end: at(TUESDAY.end) },
      note: 'Dentist on Monday',
      status: 'proposed',
      proposedBy: JANE,
      createdAt: BEFORE,
      updatedAt: BEFORE,
    });
    expect(event).toEqual({
      kind: 'swap_proposed',
      swapId: 'swap-1',
      actor: actor(JANE),
      source: 'teams',
      at: BEFORE,
      to: 'proposed',
    });
  });

  test("when a lead proposes on Jane's behalf, then it is allowed and records the lead as proposer", () => {
    expect(changed(proposeSwap('swap-1', input, ctx(LEAD, 'lead'))).swap.proposedBy).toBe(LEAD);
  });

  test("when Bob offers Jane's shift, then he is refused", () => {
    const e = refusal(() => proposeSwap('swap-1', input, ctx(BOB)));
    expect([e.code, e.message]).toEqual([
      'forbidden',
      'You can only offer your own shifts for a swap.',
    ]);
  });

  test.each([
    ['with herself', { toMemberId: JANE }, ['Choose someone else to swap with.']],
    [
      'with no layer and no one to swap with',
      { layer: 'both', toMemberId: undefined },
      ['The layer must be primary or secondary.', 'Choose who to swap with.'],
    ],
    [
      'for a shift that has already ended',
      {
        shift: { start: '2026-11-19T09:00:00Z', end: '2026-11-20T09:00:00Z' },
        inReturn: undefined,
      },
      ['The shift has already ended.'],
    ],
    [
      'for a shift that ends before it starts',
      { shift: { start: MONDAY.end, end: MONDAY.start } },
      ['The end of the shift must be after its start.'],
    ],
    [
      'taking back an overlapping shift',
      { inReturn: { start: '2026-11-23T21:00:00Z', end: '2026-11-24T09:00:00Z' } },
      ['The two shifts overlap; choose a different shift in return.'],
    ],
    [
      'with no times at all',
      { shift: undefined, inReturn: 'Tuesday' },
      ['Give the start and end of the shift.', 'Give the start and end of the shift in return.'],
    ],
  ])('when Jane proposes a swap %s, then every problem is listed', (_case, change, problems) => {
    const e = refusal(() => proposeSwap('swap-1', { ...input, ...change }, ctx(JANE)));
    expect([e.code, e.problems]).toEqual(['validation', problems]);
  });
});

describe('answering a swap', () => {
  test('when Bob accepts from the tab, then the swap is accepted and the event records it', () => {
    const { swap, event } = changed(acceptSwap(proposed(), ctx(BOB, 'member', later(5), 'tab')));
    expect(swap).toMatchObject({
      status: 'accepted',
      decidedBy: BOB,
      decidedAt: later(5),
      updatedAt: later(5),
    });
    expect(event).toEqual({
      kind: 'swap_accepted',
      swapId: 'swap-1',
      actor: actor(BOB, 'tab'),
      source: 'tab',
      at: later(5),
      from: 'proposed',
      to: 'accepted',
    });
  });

  test('when Bob declines with a reason, then the swap is declined and the reason is kept on the event', () => {
    const { swap, event } = changed(
      declineSwap(proposed(), ctx(BOB, 'member', later(5)), ' On a course\n  that day '),
    );
    expect(swap.status).toBe('declined');
    expect(event).toMatchObject({
      kind: 'swap_declined',
      from: 'proposed',
      to: 'declined',
      reason: 'On a course that day',
    });
  });

  test('when Jane cancels her own proposal, then it is cancelled', () => {
    expect(changed(cancelSwap(proposed(), ctx(JANE, 'member', later(1)))).event).toMatchObject({
      kind: 'swap_cancelled',
      to: 'cancelled',
      actor: actor(JANE),
    });
  });

  test('when a lead approves a proposed swap from the API, then it is approved without waiting for Bob', () => {
    const { swap, event } = changed(approveSwap(proposed(), ctx(LEAD, 'lead', later(2), 'api')));
    expect(swap).toMatchObject({ status: 'approved', decidedBy: LEAD });
    expect(event).toMatchObject({
      kind: 'swap_approved',
      source: 'api',
      from: 'proposed',
      to: 'approved',
    });
  });

  test('when an admin approves, then it counts as a lead', () => {
    expect(changed(approveSwap(proposed(), ctx(PRIYA, 'admin', later(2)))).swap.status).toBe(
      'approved',
    );
  });

  test('when a lead makes the swap directly, then it is approved at once with an "applied" event', () => {
    const { swap, event } = changed(applySwapDirectly('swap-2', input, ctx(LEAD, 'lead')));
    expect(swap).toMatchObject({
      status: 'approved',
      proposedBy: LEAD,
      decidedBy: LEAD,
      decidedAt: BEFORE,
    });
    expect(event).toMatchObject({ kind: 'swap_applied', to: 'approved' });
    expect(event.from).toBeUndefined();
  });

  test.each([
    [
      'Bob accepts twice',
      (s: SwapRequest) =>
        acceptSwap(changed(acceptSwap(s, ctx(BOB))).swap, ctx(BOB, 'member', later(9))),
    ],
    [
      'Bob accepts after a lead approved',
      (s: SwapRequest) => acceptSwap(changed(approveSwap(s, ctx(LEAD, 'lead'))).swap, ctx(BOB)),
    ],
    [
      'Bob declines twice',
      (s: SwapRequest) => declineSwap(changed(declineSwap(s, ctx(BOB))).swap, ctx(BOB)),
    ],
    [
      'Jane cancels twice',
      (s: SwapRequest) => cancelSwap(changed(cancelSwap(s, ctx(JANE))).swap, ctx(JANE)),
    ],
    [
      'a lead approves an accepted swap',
      (s: SwapRequest) => approveSwap(changed(acceptSwap(s, ctx(BOB))).swap, ctx(LEAD, 'lead')),
    ],
  ])(
    'when %s, then nothing changes and there is no new event (a repeat is not an error)',
    (_case, run) => {
      const result = run(proposed());
      expect(result.changed).toBe(false);
      expect(result).not.toHaveProperty('event');
    },
  );
});

describe('refusals', () => {
  const accepted = () => changed(acceptSwap(proposed(), ctx(BOB))).swap;
  const declined = () => changed(declineSwap(proposed(), ctx(BOB))).swap;
  const cancelled = () => changed(cancelSwap(proposed(), ctx(JANE))).swap;
  const table: [string, () => unknown, string, string][] = [
    [
      'Jane accepts her own swap',
      () => acceptSwap(proposed(), ctx(JANE)),
      'forbidden',
      'Only the member asked to take the shift can accept this swap.',
    ],
    [
      'Priya, who was not asked, accepts',
      () => acceptSwap(proposed(), ctx(PRIYA)),
      'forbidden',
      'Only the member asked to take the shift can accept this swap.',
    ],
    [
      'a lead presses Accept instead of Approve',
      () => acceptSwap(proposed(), ctx(LEAD, 'lead')),
      'forbidden',
      'Only the member asked to take the shift can accept this swap.',
    ],
    [
      'Jane declines her own swap',
      () => declineSwap(proposed(), ctx(JANE)),
      'forbidden',
      'Only the member asked to take the shift can decline this swap.',
    ],
    [
      "Bob cancels Jane's swap",
      () => cancelSwap(proposed(), ctx(BOB)),
      'forbidden',
      'Only the member who offered the shift, or a lead, can cancel this swap.',
    ],
    [
      'a member approves',
      () => approveSwap(proposed(), ctx(BOB)),
      'forbidden',
      'Only a lead can approve a swap.',
    ],
    [
      'a member applies a swap directly',
      () => applySwapDirectly('swap-2', input, ctx(JANE)),
      'forbidden',
      'Only a lead can change the rota directly.',
    ],
    [
      'Bob accepts a cancelled swap',
      () => acceptSwap(cancelled(), ctx(BOB)),
      'conflict',
      'This swap was cancelled, so it can no longer be accepted.',
    ],
    [
      'Bob accepts a swap he declined',
      () => acceptSwap(declined(), ctx(BOB)),
      'conflict',
      'This swap was declined, so it can no longer be accepted.',
    ],
    [
      'Bob declines a swap he accepted',
      () => declineSwap(accepted(), ctx(BOB)),
      'conflict',
      'This swap has already been accepted, so it can no longer be declined.',
    ],
    [
      'Jane cancels a swap Bob accepted',
      () => cancelSwap(accepted(), ctx(JANE)),
      'conflict',
      'This swap has already been accepted, so it can no longer be cancelled.',
    ],
    [
      'a lead approves a declined swap',
      () => approveSwap(declined(), ctx(LEAD, 'lead')),
      'conflict',
      'This swap was declined, so it can no longer be approved.',
    ],
    [
      'a lead approves a cancelled swap',
      () => approveSwap(cancelled(), ctx(LEAD, 'lead')),
      'conflict',
      'This swap was cancelled, so it can no longer be approved.',
    ],
    [
      'Bob accepts after the shift has ended',
      () => acceptSwap(proposed(), ctx(BOB, 'member', at(MONDAY.end))),
      'conflict',
      'The shift in this swap has already ended.',
    ],
    [
      'a lead approves after the shift has ended',
      () => approveSwap(proposed(), ctx(LEAD, 'lead', at('2026-11-30T00:00:00Z'))),
      'conflict',
      'The shift in this swap has already ended.',
    ],
  ];

  test.each(table)(
    'when %s, then it is refused with a clear error',
    (_case, run, code, message) => {
      const e = refusal(run);
      expect([e.code, e.message]).toEqual([code, message]);
    },
  );
});

describe('a swap in effect changes who is on call', () => {
  const r = [rotation({ startDate: '2026-11-23' })];

  test('when a swap is only proposed, then it makes no overrides and the rota is unchanged', () => {
    expect(swapOverrides(proposed())).toEqual([]);
    expect(
      onCallAt(r, swapOverrides(proposed()), [], at('2026-11-23T12:00:00Z')).primary.onCall[0]!
        .memberId,
    ).toBe(JANE);
  });

  test('when Bob accepts, then Bob covers Monday and Jane covers Tuesday', () => {
    const swap = changed(acceptSwap(proposed(), ctx(BOB, 'member', later(5)))).swap;
    const overrides = swapOverrides(swap);
    expect(overrides).toEqual([
      {
        kind: 'cover',
        id: 'swap-1:shift',
        swapId: 'swap-1',
        layer: 'primary',
        memberId: BOB,
        coveredMemberId: JANE,
        start: at(MONDAY.start),
        end: at(MONDAY.end),
        createdBy: BOB,
        createdAt: later(5),
      },
      {
        kind: 'cover',
        id: 'swap-1:in-return',
        swapId: 'swap-1',
        layer: 'primary',
        memberId: JANE,
        coveredMemberId: BOB,
        start: at(TUESDAY.start),
        end: at(TUESDAY.end),
        createdBy: BOB,
        createdAt: later(5),
      },
    ]);
    expect(onCallAt(r, overrides, [], at('2026-11-23T12:00:00Z')).primary.onCall).toEqual([
      { memberId: BOB, via: 'cover', coveringFor: JANE, overrideId: 'swap-1:shift' },
    ]);
    expect(onCallAt(r, overrides, [], at('2026-11-24T12:00:00Z')).primary.onCall).toEqual([
      { memberId: JANE, via: 'cover', coveringFor: BOB, overrideId: 'swap-1:in-return' },
    ]);
  });

  test('when a swap is declined or cancelled, then it makes no overrides', () => {
    expect(swapOverrides(changed(declineSwap(proposed(), ctx(BOB))).swap)).toEqual([]);
    expect(swapOverrides(changed(cancelSwap(proposed(), ctx(JANE))).swap)).toEqual([]);
  });
});
