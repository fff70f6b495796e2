/** The admins' risk settings forms: the risk appetite and the risk bands. */
import type { Organisation } from '../domain/people/organisation';
import {
  bandLabel,
  DEFAULT_RISK_BANDS,
  POSSIBLE_SCORES,
  type RiskBandTable,
  type RiskPolicy,
} from '../domain/risk';
import { formatUkDateTime } from '../domain/shared/time';
import { renderCard, type AdaptiveCard } from './render';

/**
 * The risk policy as the settings forms show it: what is in force, who last changed it and the version a save
 * must still match (the app's stored policy has this shape).
 */
export interface RiskPolicyFormView {
  policy: RiskPolicy;
  /** Undefined while nobody has saved a policy. */
  etag?: string;
  updatedAt?: string;
  updatedBy?: string;
}

export function appetiteFormCard(view: {
  stored: RiskPolicyFormView;
  organisations: readonly Organisation[];
  problems?: string[];
  /** What the admin typed, re-shown after a problem. */
  values?: Record<string, string>;
}): AdaptiveCard {
  const { appetite } = view.stored.policy;
  const typed = view.values;
  const number = (text: string | undefined, fallback: number | undefined) => {
    if (typed === undefined) return fallback;
    const n = Number(text);
    return text && Number.isFinite(n) ? n : undefined;
  };
  return renderCard('risks/appetite-form', {
    lastChange: view.stored.updatedBy
      ? `Last changed by ${view.stored.updatedBy}, ${formatUkDateTime(view.stored.updatedAt ?? '')}.`
      : 'Not set yet: the ICS-wide default of 12 applies (every extreme risk is escalated).',
    problems: view.problems ?? [],
    icsWide: number(typed?.['icsWide'], appetite.icsWide) ?? appetite.icsWide,
    organisations: view.organisations.map((o) => {
      const value = number(typed?.[`org_${o.code}`], appetite.organisations[o.code]);
      return {
        inputId: `org_${o.code}`,
        label: `${o.name} (${o.code})`,
        hasValue: value !== undefined,
        value: value ?? 0,
      };
    }),
    etag: view.stored.etag ?? '',
  });
}

/** Rows on the bands form; more bands than this would not make a readable 5x5 matrix. */
export const BAND_FORM_ROWS = 6;

/** One row of the bands form as typed. */
export interface BandFormRow {
  name: string;
  min: string;
  max: string;
}

/** "Low 1-3, Moderate 4-6, High 8-12, Extreme 15-25". */
export const bandsSummary = (bands: RiskBandTable): string =>
  bands.map((b) => `${bandLabel(b)} ${b.min === b.max ? b.min : `${b.min}-${b.max}`}`).join(', ');

/** Runs of the scores a 5x5 matrix cannot produce, for the form's hint: "7, 11, 13-14, 17-19, 21-24". */
const impossibleScores = (): string => {
  const missing = Array.from({ length: 25 }, (_, i) => i + 1).filter(
    (s) => !POSSIBLE_SCORES.includes(s),
  );
  const runs: string[] = [];
  for (let i = 0; i < missing.length;) {
    let j = i;
    while (j + 1 < missing.length && missing[j + 1] === missing[j]! + 1) j++;
    runs.push(i === j ? `${missing[i]}` : `${missing[i]}-${missing[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
};

/**
 * The admins' risk bands form: one row per band (name, lowest and highest score), prefilled with the bands in
 * force, or with what the admin typed when it comes back with problems.
 */
export function bandsFormCard(view: {
  stored: RiskPolicyFormView;
  problems?: string[];
  /** What the admin typed, re-shown after a problem. */
  values?: readonly BandFormRow[];
}): AdaptiveCard {
  const typed: BandFormRow[] =
    view.values?.map((r) => ({ ...r })) ??
    view.stored.policy.bands.map((b) => ({ name: b.name, min: String(b.min), max: String(b.max) }));
  const rows = [...typed];
  while (rows.length < BAND_FORM_ROWS) rows.push({ name: '', min: '', max: '' });
  const score = (text: string) => {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
  };
  return renderCard('risks/bands-form', {
    intro: `A risk's band comes from its score (likelihood times consequence). Every possible score must fall in exactly one band. A 5x5 matrix never scores ${impossibleScores()}, so a band may end at 6 and the next start at 8. Leave a row empty to drop it. The NHS default is ${bandsSummary(DEFAULT_RISK_BANDS)}.`,
    current: `In force now: ${bandsSummary(view.stored.policy.bands)}.${
      view.stored.updatedBy
        ? ` Risk settings last changed by ${view.stored.updatedBy}, ${formatUkDateTime(view.stored.updatedAt ?? '')}.`
        : ''
    }`,
    problems: view.problems ?? [],
    rows: rows.slice(0, Math.max(BAND_FORM_ROWS, typed.length)).map((r, i) => {
      const min = score(r.min);
      const max = score(r.max);
      return {
        label: `Band ${i + 1}`,
        nameId: `band${i + 1}_name`,
        minId: `band${i + 1}_min`,
        maxId: `band${i + 1}_max`,
        name: r.name,
        hasMin: min !== undefined,
        min: min ?? 0,
        hasMax: max !== undefined,
        max: max ?? 0,
      };
    }),
    etag: view.stored.etag ?? '',
  });
}
