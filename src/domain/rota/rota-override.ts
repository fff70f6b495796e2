import { cleanLine } from '../shared/clean-text';
import { CtacError } from '../shared/errors';
import { normaliseMemberId } from './member-id';
import { MAX_NOTE, readRange } from './range-input';
import { isRotaLayer, type RotaLayer } from './rota-layer';

/** Kinds of override, all for a time range [start, end): they win over what the rotation says. */
export type OverrideKind = 'cover' | 'add' | 'remove';

interface OverrideBase {
  id: string;
  start: Date;
  end: Date;
  /** Entra object id of whoever made the change. */
  createdBy: string;
  /** When two covers for the same person overlap, the later one wins. */
  createdAt: Date;
  /** Set when the override comes from an agreed swap. */
  swapId?: string;
  note?: string;
}

/** `memberId` takes `coveredMemberId`'s place (in `layer`, or in any layer when not set). */
export interface CoverOverride extends OverrideBase {
  kind: 'cover';
  memberId: string;
  coveredMemberId: string;
  layer?: RotaLayer;
}

/** `memberId` is on call in `layer` as well as whoever the rotation says. */
export interface AddOverride extends OverrideBase {
  kind: 'add';
  memberId: string;
  layer: RotaLayer;
}

/** `memberId` is taken off call (in `layer`, or in any layer when not set). */
export interface RemoveOverride extends OverrideBase {
  kind: 'remove';
  memberId: string;
  layer?: RotaLayer;
}

/** A change to the rota for a time range. */
export type RotaOverride = CoverOverride | AddOverride | RemoveOverride;

/** What a form, command or API sends for an override. */
export interface OverrideInput {
  kind?: unknown;
  memberId?: unknown;
  coveredMemberId?: unknown;
  layer?: unknown;
  /** A Date or an ISO 8601 string with an offset. */
  start?: unknown;
  end?: unknown;
  note?: unknown;
}

/** Who made the override and when; supplied by the application, not the person typing. */
export interface OverrideMeta {
  id: string;
  createdBy: string;
  createdAt: Date;
  swapId?: string;
}

/** Checks an override, collecting every problem at once; throws `CtacError('validation')`. */
export function normaliseOverride(input: OverrideInput, meta: OverrideMeta): RotaOverride {
  const problems: string[] = [];
  const kind = typeof input.kind === 'string' ? input.kind.trim().toLowerCase() : '';
  if (kind !== 'cover' && kind !== 'add' && kind !== 'remove')
    problems.push('The change must be cover, add or remove.');

  const memberId = normaliseMemberId(input.memberId);
  if (!memberId) problems.push('Choose the person from the list.');

  let coveredMemberId: string | undefined;
  if (kind === 'cover') {
    coveredMemberId = normaliseMemberId(input.coveredMemberId);
    if (!coveredMemberId) problems.push('Choose the person being covered.');
    else if (coveredMemberId === memberId) problems.push('A person cannot cover themselves.');
  }

  const rawLayer = typeof input.layer === 'string' ? input.layer.trim().toLowerCase() : input.layer;
  const hasLayer = rawLayer !== undefined && rawLayer !== null && rawLayer !== '';
  if (hasLayer && !isRotaLayer(rawLayer)) problems.push('The layer must be primary or secondary.');
  else if (!hasLayer && kind === 'add') problems.push('Say which layer to add the person to.');
  const layer = isRotaLayer(rawLayer) ? rawLayer : undefined;

  const range = readRange(input.start, input.end, problems);
  const note = typeof input.note === 'string' ? cleanLine(input.note) : '';
  if (note.length > MAX_NOTE) problems.push(`The note must be at most ${MAX_NOTE} characters.`);

  if (problems.length) throw new CtacError('validation', 'Please check the rota change.', problems);
  const base = {
    ...meta,
    start: range!.start,
    end: range!.end,
    memberId: memberId!,
    ...(note ? { note } : {}),
  };
  if (kind === 'cover')
    return { ...base, kind, coveredMemberId: coveredMemberId!, ...(layer ? { layer } : {}) };
  if (kind === 'add') return { ...base, kind, layer: layer! };
  return { ...base, kind: 'remove', ...(layer ? { layer } : {}) };
}

/** Whether an override applies to a layer (no layer means every layer). */
export const appliesToLayer = (override: RotaOverride, layer: RotaLayer): boolean =>
  override.layer === undefined || override.layer === layer;
