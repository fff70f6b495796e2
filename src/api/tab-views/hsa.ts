import type {
  HsaComplianceCell,
  HsaComplianceRow,
  HsaComplianceView,
  OwnHsaResponseView,
  OwnHsaRow,
  OwnHsaView,
} from '../../contract/hsa';
import type { HsaBoard, HsaBoardEntry } from '../../app/alerts/hsa-follow-ups';
import type { HsaResponseLine } from '../../app/alerts/hsa-response-lines';
import type { AlertSummary, HsaResponseForm } from '../../domain/alerts';
import {
  acknowledgedInTime,
  hasResponseClocks,
  isResponseFinished,
  newHsaResponse,
  overdueItems,
  type HsaResponse,
} from '../../domain/alerts/hsa-response';
import { HSA_FORM_NO_CHANGE } from '../../domain/alerts/hsa-response-changes';
import { checkNote } from '../../domain/alerts/note-text';
import type { Organisation } from '../../domain/people/organisation';
import { CtacError } from '../../domain/shared/errors';
import { formatUkDateTime } from '../../domain/shared/time';

/**
 * Each HSA some organisation has not finished against each organisation, and the finished ones
 * (`history`, in the order given). A response nobody has recorded counts as not acknowledged,
 * applicability unknown, remediation not started, so a silent organisation shows as overdue.
 */
export function hsaComplianceView(
  hsas: readonly AlertSummary[],
  orgs: readonly Organisation[],
  responses: readonly HsaResponse[],
  now: Date,
  history: readonly AlertSummary[] = [],
): HsaComplianceView {
  const byKey = new Map(responses.map((r) => [`${r.alertId}|${r.orgCode}`, r]));
  const row = (hsa: AlertSummary): HsaComplianceRow => ({
    alertId: hsa.id,
    hsaId: hsa.dedupKey,
    title: hsa.title,
    severity: hsa.severity,
    publishedAtUk: formatUkDateTime(hsa.publishedAt),
    resolved: hsa.state === 'resolved',
    cells: orgs.map((org): HsaComplianceCell => {
      const response = byKey.get(`${hsa.id}|${org.code}`) ?? newHsaResponse(hsa.id, org.code);
      const ackAt = response.acknowledgedAt;
      return {
        orgCode: org.code,
        acknowledged: !!ackAt,
        acknowledgedInTime: acknowledgedInTime(response, hsa),
        ...(ackAt && { acknowledgedAtUk: formatUkDateTime(ackAt) }),
        applicability: response.applicability,
        remediation: response.remediation,
        overdue: overdueItems(response, hsa, now).map((item) => item.message),
      };
    }),
  });
  return {
    organisations: orgs.map((o) => ({ code: o.code, name: o.name })),
    hsas: hsas
      .filter((a) => a.source === 'hsa')
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))
      .map(row),
    history: history.filter((a) => a.source === 'hsa').map(row),
  };
}

/** One organisation's response as its own members see it in the tab: state, deadlines, overdue. */
export function ownResponseView(
  line: Pick<HsaResponseLine, 'response' | 'due' | 'overdue'>,
): OwnHsaResponseView {
  const { response, due } = line;
  const uk = (at: Date | string | undefined) => (at ? formatUkDateTime(at) : undefined);
  const view: OwnHsaResponseView = {
    acknowledged: !!response.acknowledgedAt,
    applicability: response.applicability,
    remediation: response.remediation,
    overdue: line.overdue.map((item) => item.message),
    finished: isResponseFinished(response),
  };
  const optional: Partial<OwnHsaResponseView> = {
    acknowledgedAtUk: uk(response.acknowledgedAt),
    acknowledgedBy: response.acknowledgedBy?.name,
    lastUpdateAtUk: uk(response.lastUpdateAt),
    lastUpdateBy: response.lastUpdateBy?.name,
    lastNote: response.lastNote,
    acknowledgeByUk: uk(due.acknowledgeBy),
    nextUpdateByUk: uk(due.nextUpdateBy),
    patchByUk: uk(due.patchBy),
  };
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) (view as unknown as Record<string, unknown>)[key] = value;
  return view;
}

/**
 * The HSAs one organisation is asked to respond to, from the HSA board: those it has still to finish
 * (patched, mitigated or not affected), newest first, and those it has finished (the board's current
 * HSAs first, then its history). Only the organisation's own line of each HSA is shown.
 */
export function ownHsaView(board: HsaBoard, org: Pick<Organisation, 'code' | 'name'>): OwnHsaView {
  const rows = (entries: readonly HsaBoardEntry[]): OwnHsaRow[] =>
    entries.flatMap(({ alert, lines }) => {
      const line = lines.find((l) => l.orgCode === org.code);
      if (!line || alert.source !== 'hsa') return [];
      return [
        {
          alertId: alert.id,
          hsaId: alert.dedupKey,
          title: alert.title,
          severity: alert.severity,
          publishedAtUk: formatUkDateTime(alert.publishedAt),
          resolved: alert.state === 'resolved',
          clocks: hasResponseClocks(alert),
          response: ownResponseView(line),
        },
      ];
    });
  const current = rows(board.current);
  return {
    orgCode: org.code,
    orgName: org.name,
    outstanding: current.filter((r) => !r.response.finished),
    finished: [...current.filter((r) => r.response.finished), ...rows(board.history)],
  };
}

const HSA_REQUEST_FIELDS = ['applicability', 'remediation', 'note'];

/**
 * The tab's HSA response body as the card's form: a JSON object with at most `applicability`,
 * `remediation` and `note`, each text. Anything else (another field, such as an organisation, or a
 * value that is not text) and a note too long to keep are refused here, with every problem, so nothing
 * is half-written; the choices themselves are checked by the use case, before anything is read.
 */
export function parseHsaResponseRequest(body: unknown): HsaResponseForm {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new CtacError('bad_request', 'Send the response as a JSON object.');
  const fields = body as Record<string, unknown>;
  const problems: string[] = [];
  const unknown = Object.keys(fields).filter((k) => !HSA_REQUEST_FIELDS.includes(k));
  if (unknown.length)
    problems.push(
      `Only applicability, remediation and note can be sent, not ${unknown.map((k) => k.slice(0, 40)).join(', ')}: the response is always your own organisation's.`,
    );
  const text = (name: string, fallback: string): string => {
    const value = fields[name];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string') {
      problems.push(`${name} must be text.`);
      return fallback;
    }
    return value.trim() || fallback;
  };
  const form: HsaResponseForm = {
    applicability: text('applicability', HSA_FORM_NO_CHANGE),
    remediation: text('remediation', HSA_FORM_NO_CHANGE),
    note: text('note', ''),
  };
  if (form.note) {
    const checked = checkNote(form.note);
    if (!checked.ok && checked.code === 'note_too_long') problems.push(checked.message);
  }
  if (problems.length) throw new CtacError('validation', 'Please check the response.', problems);
  return form;
}
