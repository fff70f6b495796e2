/*
 * The lines of an HSA's card and board: each ICS organisation's response with its deadlines and what is
 * overdue now, by organisation code. Pure: made from what was read.
 */
import {
  hsaResponseDueDates,
  newHsaResponse,
  overdueItems,
  type AlertSummary,
  type HsaResponse,
  type HsaResponseDueDates,
  type OverdueItem,
} from '../../domain/alerts';
import type { Organisation } from '../../domain/people/organisation';

/** One organisation's line on the HSA card: its response, deadlines and what is overdue now. */
export interface HsaResponseLine {
  orgCode: string;
  orgName: string;
  response: HsaResponse;
  due: HsaResponseDueDates;
  overdue: OverdueItem[];
}

/** Every organisation's line on the HSA, by code; one that has said nothing is not acknowledged. */
export function linesFrom(
  alert: AlertSummary,
  orgs: readonly Organisation[],
  responses: readonly HsaResponse[],
  now: Date,
): HsaResponseLine[] {
  const byOrg = new Map(responses.map((r) => [r.orgCode, r]));
  return orgs
    .map((org) => {
      const response = byOrg.get(org.code) ?? newHsaResponse(alert.id, org.code);
      return {
        orgCode: org.code,
        orgName: org.name,
        response,
        due: hsaResponseDueDates(response, alert),
        overdue: overdueItems(response, alert, now),
      };
    })
    .sort((a, b) => a.orgCode.localeCompare(b.orgCode));
}
