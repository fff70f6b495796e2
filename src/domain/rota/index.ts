/** The on-call rota: rotations, overrides, leave, swaps, the schedule maths and UK date parsing. */
export * from './leave';
export * from './member-id';
export * from './on-call-now';
export * from './on-call-shift';
export * from './rota-layer';
export * from './rota-override';
export * from './rotation';
export * from './rotation-shifts';
export * from './rota-person';
export * from './rota-window';
export * from './schedule';
export * from './schedule-shifts';
export * from './swap-request';
export * from './swap-notices';
export * from './gap-notices';
export * from './uk-date-time';
export { MAX_NOTE, MAX_RANGE_DAYS } from './range-input';
