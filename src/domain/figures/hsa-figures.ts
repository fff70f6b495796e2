import {
  acknowledgedInTime,
  hasResponseClocks,
  hsaResponseDueDates,
  newHsaResponse,
  overdueItems,
  type HsaResponse,
} from '../alerts/hsa-response';
import type { AlertSummary } from '../alerts/alert';
import { inQuarter, type Quarter } from './quarter';
import { median, percent, rounded } from './stats';

/** An HSA as the figures need it, with every organisation's stored response (silent ones have none). */
export interface HsaForFigures {
  alert: Pick<AlertSummary, 'id' | 'dedupKey' | 'title' | 'publishedAt' | 'severityRank'>;
  responses: readonly HsaResponse[];
}

/** One organisation's HSA compliance over a quarter. */
export interface OrganisationHsaFigures {
  orgCode: string;
  orgName: string;
  /** High Severity Alerts published in the quarter (each starts this organisation's clocks). */
  hsas: number;
  /** Of those, the ones whose 48 hours have passed or that it has acknowledged: what the percentage is of. */
  acknowledgementsDue: number;
  acknowledgedWithin48Hours: number;
  acknowledgedWithin48HoursPercent?: number;
  /**
   * Of those, the ones it has not said it is not affected by, whose 14 days have passed or that it has
   * patched or mitigated already: what the percentage is of.
   */
  patchesDue: number;
  patchedOrMitigatedWithin14Days: number;
  patchedOrMitigatedWithin14DaysPercent?: number;
  /** Of those HSAs, how many it is overdue on now (acknowledgement, update or patch). */
  overdueNow: number;
  /** Median days from publication to patched, over the HSAs it has patched (one decimal place). */
  medianDaysToPatch?: number;
}

/** How an organisation stands on one HSA, in the words of the card. */
export type HsaOrganisationState =
  'Not acknowledged' | 'Acknowledged' | 'Not affected' | 'In progress' | 'Mitigated' | 'Patched';

/** One HSA of the quarter with every organisation's state. */
export interface HsaStateRow {
  alertId: string;
  dedupKey: string;
  title: string;
  publishedAt: string;
  states: { orgCode: string; state: HsaOrganisationState; overdue: boolean }[];
}

export interface HsaQuarterFigures {
  byOrganisation: OrganisationHsaFigures[];
  byHsa: HsaStateRow[];
}

const DAY_MS = 86_400_000;

/** The organisation's state on the HSA, as the card would put it. */
export function hsaOrganisationState(response: HsaResponse): HsaOrganisationState {
  if (response.applicability === 'not affected') return 'Not affected';
  if (response.remediation === 'patched') return 'Patched';
  if (response.remediation === 'mitigated') return 'Mitigated';
  if (response.remediation === 'in progress') return 'In progress';
  return response.acknowledgedAt ? 'Acknowledged' : 'Not acknowledged';
}

/** When the organisation first patched or mitigated, whichever came first. */
const fixedAt = (response: HsaResponse): number | undefined => {
  const times = [response.patchedAt, response.mitigatedAt].flatMap((t) =>
    t ? [Date.parse(t)] : [],
  );
  return times.length ? Math.min(...times) : undefined;
};

/**
 * HSA compliance per organisation for the High Severity Alerts published in the quarter (UK time), and
 * every organisation's state on each. Only HSAs with clocks (High) count; an organisation that has said
 * nothing counts as not acknowledged. A percentage is of the HSAs whose deadline has passed or whose step
 * is done, so an HSA published yesterday counts against nobody yet.
 */
export function hsaQuarterFigures(
  quarter: Quarter,
  hsas: readonly HsaForFigures[],
  orgs: readonly { code: string; name: string }[],
  now: Date,
): HsaQuarterFigures {
  const inScope = hsas
    .filter((h) => hasResponseClocks(h.alert) && inQuarter(quarter, h.alert.publishedAt))
    .sort(
      (a, b) =>
        a.alert.publishedAt.localeCompare(b.alert.publishedAt) ||
        a.alert.dedupKey.localeCompare(b.alert.dedupKey),
    );
  const sortedOrgs = [...orgs].sort((a, b) => a.code.localeCompare(b.code));
  const responseOf = (hsa: HsaForFigures, orgCode: string): HsaResponse =>
    hsa.responses.find((r) => r.orgCode === orgCode) ?? newHsaResponse(hsa.alert.id, orgCode);

  const byOrganisation = sortedOrgs.map((org): OrganisationHsaFigures => {
    let acknowledgementsDue = 0;
    let acknowledged = 0;
    let patchesDue = 0;
    let patched = 0;
    let overdueNow = 0;
    const daysToPatch: number[] = [];
    for (const hsa of inScope) {
      const response = responseOf(hsa, org.code);
      const due = hsaResponseDueDates(response, hsa.alert);
      if (response.acknowledgedAt || (due.acknowledgeBy && now > due.acknowledgeBy)) {
        acknowledgementsDue++;
        if (acknowledgedInTime(response, hsa.alert)) acknowledged++;
      }
      const fixed = fixedAt(response);
      if (due.patchBy && (fixed !== undefined || now > due.patchBy)) {
        patchesDue++;
        if (fixed !== undefined && fixed <= due.patchBy.getTime()) patched++;
      }
      if (overdueItems(response, hsa.alert, now).length) overdueNow++;
      if (response.remediation === 'patched' && response.patchedAt)
        daysToPatch.push(
          (Date.parse(response.patchedAt) - Date.parse(hsa.alert.publishedAt)) / DAY_MS,
        );
    }
    return {
      orgCode: org.code,
      orgName: org.name,
      hsas: inScope.length,
      acknowledgementsDue,
      acknowledgedWithin48Hours: acknowledged,
      acknowledgedWithin48HoursPercent: percent(acknowledged, acknowledgementsDue),
      patchesDue,
      patchedOrMitigatedWithin14Days: patched,
      patchedOrMitigatedWithin14DaysPercent: percent(patched, patchesDue),
      overdueNow,
      medianDaysToPatch: rounded(median(daysToPatch), 1),
    };
  });

  const byHsa = inScope.map((hsa): HsaStateRow => ({
    alertId: hsa.alert.id,
    dedupKey: hsa.alert.dedupKey,
    title: hsa.alert.title,
    publishedAt: hsa.alert.publishedAt,
    states: sortedOrgs.map((org) => {
      const response = responseOf(hsa, org.code);
      return {
        orgCode: org.code,
        state: hsaOrganisationState(response),
        overdue: overdueItems(response, hsa.alert, now).length > 0,
      };
    }),
  }));
  return { byOrganisation, byHsa };
}
