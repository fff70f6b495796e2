import type { Actor } from '../../../src/domain/shared/actor';
import type { Leave } from '../../../src/domain/rota/leave';
import {
  normaliseRotation,
  type Rotation,
  type RotationInput,
} from '../../../src/domain/rota/rotation';
import type { CoverOverride, RotaOverride } from '../../../src/domain/rota/rota-override';

/** Entra object ids of the people in these tests. */
export const JANE = '11111111-1111-4111-8111-111111111111';
export const BOB = '22222222-2222-4222-8222-222222222222';
export const PRIYA = '33333333-3333-4333-8333-333333333333';
export const TOM = '44444444-4444-4444-8444-444444444444';
export const LEAD = '55555555-5555-4555-8555-555555555555';

export const NAMES: Record<string, string> = {
  [JANE]: 'Jane Smith',
  [BOB]: 'Bob Jones',
  [PRIYA]: 'Priya Patel',
  [TOM]: 'Tom Evans',
  [LEAD]: 'Lee Lead',
};

export const actor = (id: string, source: Actor['source'] = 'teams'): Actor => ({
  id,
  name: NAMES[id] ?? id,
  source,
});

export const at = (iso: string): Date => new Date(iso);

export function rotation(overrides: Partial<RotationInput> = {}): Rotation {
  return normaliseRotation({
    id: 'rot-primary',
    name: 'CTAC primary',
    layer: 'primary',
    memberIds: [JANE, BOB],
    shiftLength: 'daily',
    handoverTime: '09:00',
    startDate: '2026-11-23',
    ...overrides,
  });
}

let sequence = 0;
const created = at('2026-11-01T00:00:00Z');

/** Overrides and leave made by a lead; each later call counts as created later. */
export function cover(
  memberId: string,
  coveredMemberId: string,
  start: string,
  end: string,
  extra: Partial<Pick<CoverOverride, 'layer' | 'createdAt'>> = {},
): CoverOverride {
  sequence += 1;
  return {
    id: `cover-${sequence}`,
    kind: 'cover',
    memberId,
    coveredMemberId,
    start: at(start),
    end: at(end),
    createdBy: LEAD,
    createdAt: new Date(created.getTime() + sequence * 1000),
    ...extra,
  };
}

export function add(
  memberId: string,
  layer: 'primary' | 'secondary',
  start: string,
  end: string,
): RotaOverride {
  sequence += 1;
  return {
    id: `add-${sequence}`,
    kind: 'add',
    memberId,
    layer,
    start: at(start),
    end: at(end),
    createdBy: LEAD,
    createdAt: new Date(created.getTime() + sequence * 1000),
  };
}

export function remove(
  memberId: string,
  start: string,
  end: string,
  layer?: 'primary' | 'secondary',
): RotaOverride {
  sequence += 1;
  return {
    id: `remove-${sequence}`,
    kind: 'remove',
    memberId,
    start: at(start),
    end: at(end),
    createdBy: LEAD,
    createdAt: new Date(created.getTime() + sequence * 1000),
    ...(layer ? { layer } : {}),
  };
}

export function leave(memberId: string, start: string, end: string): Leave {
  sequence += 1;
  return {
    id: `leave-${sequence}`,
    memberId,
    start: at(start),
    end: at(end),
    createdBy: memberId,
    createdAt: created,
  };
}
