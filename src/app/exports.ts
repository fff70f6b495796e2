import { createHash, randomBytes } from 'crypto';
import {
  isExerciseAlert,
  newHsaResponse,
  responsesExpected,
  type Alert,
  type AlertEvent,
  type HsaFollowUp,
  type HsaResponse,
  type HsaResponseEvent,
} from '../domain/alerts';
import {
  exportLinkExpiresAt,
  exportLinkState,
  EXPORT_LINK_LIFETIME_MS,
  type ExportLink,
} from '../domain/exports/export-link';
import {
  exportFileName,
  exportRangeInstants,
  parseExportRequest,
  type ExportRange,
  type ExportRequest,
} from '../domain/exports/export-request';
import type { Member, Role } from '../domain/people/member';
import { ukCalendarDate } from '../domain/risk/calendar-date';
import type { RotaOverride } from '../domain/rota/rota-override';
import type { Leave } from '../domain/rota/leave';
import type { SwapEvent } from '../domain/rota/swap-request';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import { formatUkDateTime } from '../domain/shared/time';
import type { AuditLog } from './audit-log';
import { auditTrailSheet } from './export-audit-trail';
import type { Directory } from './directory';
import {
  CSV_MEDIA_TYPE,
  sheetCsv,
  sheetsXlsx,
  XLSX_MEDIA_TYPE,
  type ExportSheet,
} from './export-files';
import type { Conditional, MemberRepository, OrganisationRepository } from './ports';
import { auditLogCsv, decisionLogCsv, riskRegisterCsv } from './register-csv';
import type { DecisionLog } from './risks/decision-log';
import type { RiskRepository } from './risks/ports';
import type { RiskRegister } from './risks/risk-register';
import { HSA_RESPONSES_HEADER, alertSheets, fallbackDetail, hsaRow } from './export-sheets';

/** A stored link with the ETag its claim must match. */
export interface StoredExportLink {
  link: ExportLink;
  etag: string;
}

/** Export links, keyed by the SHA-256 of their token: a copy of the table downloads nothing. */
export interface ExportLinkStore {
  /** Stores a new link; `exists` if the hash is taken. */
  create(tokenHash: string, link: ExportLink): Promise<Conditional<void>>;
  get(tokenHash: string): Promise<StoredExportLink | undefined>;
  /** Replaces the link only if unchanged since `etag`; a lost race is a `conflict`. */
  replace(tokenHash: string, link: ExportLink, etag: string): Promise<Conditional<string>>;
  /** Deletes every link made before `createdBefore` (ISO 8601); answers how many went. */
  removeCreatedBefore(createdBefore: string): Promise<number>;
}

/** Alerts raised in a time span, each with its whole timeline. */
export interface AlertArchive {
  raisedBetween(start: Date, end: Date): Promise<Alert[]>;
}

/** Organisations' responses to one HSA and the changes to them. */
export interface HsaResponseArchive {
  list(alertId: string): Promise<{ response: HsaResponse }[]>;
  events(alertId: string): Promise<HsaResponseEvent[]>;
  getFollowUp(alertId: string): Promise<HsaFollowUp | undefined>;
}

/** The rota's recorded changes: overrides, leave and swaps, found by the times they cover. */
export interface RotaChangeArchive {
  overrides(start: Date, end: Date): Promise<RotaOverride[]>;
  leave(start: Date, end: Date): Promise<Leave[]>;
  swapEvents(start: Date, end: Date): Promise<SwapEvent[]>;
}

export interface ExportsDeps {
  links: ExportLinkStore;
  directory: Pick<Directory, 'require'>;
  members: Pick<MemberRepository, 'get' | 'list'>;
  organisations: Pick<OrganisationRepository, 'list'>;
  alerts: AlertArchive;
  hsa: HsaResponseArchive;
  rota: RotaChangeArchive;
  register: Pick<RiskRegister, 'listAll'>;
  /** Each risk with its history, for the audit trail. */
  risks: Pick<RiskRepository, 'listAll' | 'get'>;
  decisions: Pick<DecisionLog, 'listAll'>;
  auditLog: Pick<AuditLog, 'all'>;
  /**
   * An alert's timeline entry in words, as the alert card says it (cards/alerts.ts describeEvent), so every
   * kind of event reads the same in the export as on the card; undefined for entries the card leaves out.
   */
  describeAlertEvent: (event: AlertEvent) => string | undefined;
  /** The board pack of a quarter as PDF or Excel (issue 20), made for the lead who asked. */
  boardPack?: (
    caller: Member,
    quarter: string,
    format: 'pdf' | 'xlsx',
  ) => Promise<{ contentType: string; body: Buffer }>;
  clock: Clock;
  /** The app's public address (CTAC_PUBLIC_URL), which the links start with. */
  baseUrl: () => string;
  /** 32 random bytes; tests may choose them. */
  randomBytes?: () => Buffer;
}

/** A made export, ready to send. */
export interface ExportFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

/** What opening an export link gives. */
export type ExportOpening =
  | { kind: 'file'; file: ExportFile }
  | { kind: 'not_found' }
  | { kind: 'used' }
  | { kind: 'expired' }
  /** The person who asked may no longer export this (their role changed, or they left CTAC). */
  | { kind: 'refused'; message: string };

/** How long an export link's row is kept after it expired, so a late click still gets the "expired" page. */
export const EXPORT_LINK_KEPT_AFTER_EXPIRY_MS = 24 * 60 * 60 * 1000;

/** 32 random bytes in base64url: 43 characters. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The key a token is stored under. */
export const exportTokenHash = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

/** The role each kind needs: the evidence and the registers are for leads, the admin audit log for admins. */
const ROLE_FOR: Record<ExportRequest['kind'], Role> = {
  alerts: 'lead',
  'hsa-responses': 'lead',
  audit: 'lead',
  risks: 'lead',
  decisions: 'lead',
  'audit-log': 'admin',
  'board-pack': 'lead',
};

/**
 * Exports and evidence (issue 20): the tab asks for an export (`request`) and gets a one-time link that
 * works for five minutes; opening it (`open`) claims it on its ETag, so two clicks download once, and makes
 * the file then. Who asked comes from their tab token's oid, never from the body, and their role is checked
 * both when the link is made and when it is opened. The token is the only credential the link carries (the
 * system browser has no Teams token): only its hash is stored.
 */
export class Exports {
  constructor(private readonly deps: ExportsDeps) {}

  /** A link for the caller to open within five minutes: `<CTAC_PUBLIC_URL>/api/exports/<token>`. */
  async request(
    caller: Member | undefined,
    body: unknown,
  ): Promise<{ url: string; expiresAt: string }> {
    const asked = parseExportRequest(body);
    const member = this.deps.directory.require(caller, ROLE_FOR[asked.kind], 'export this');
    for (let attempt = 0; attempt < 3; attempt++) {
      const token = (this.deps.randomBytes?.() ?? randomBytes(32)).toString('base64url');
      const link: ExportLink = {
        memberId: member.aadObjectId.toLowerCase(),
        kind: asked.kind,
        format: asked.format,
        ...(asked.range && { range: asked.range }),
        ...(asked.quarter && { quarter: asked.quarter }),
        createdAt: this.deps.clock.now().toISOString(),
      };
      const created = await this.deps.links.create(exportTokenHash(token), link);
      if (created.ok)
        return {
          url: `${this.deps.baseUrl().replace(/\/+$/, '')}/api/exports/${token}`,
          expiresAt: exportLinkExpiresAt(link),
        };
    }
    throw new Error('Three random tokens in a row were taken: the random source is broken.');
  }

  /**
   * Serves a link once: claimed on its ETag before the file is made (a second click, or another instance,
   * gets `used`), and given back if making the file fails, so a failure does not use it up.
   */
  async open(token: string): Promise<ExportOpening> {
    if (!TOKEN.test(token)) return { kind: 'not_found' };
    const hash = exportTokenHash(token);
    const stored = await this.deps.links.get(hash);
    if (!stored) return { kind: 'not_found' };
    const now = this.deps.clock.now();
    const state = exportLinkState(stored.link, now);
    if (state !== 'valid') return { kind: state };
    const member = await this.deps.members.get(stored.link.memberId);
    let caller: Member;
    try {
      caller = this.deps.directory.require(member, ROLE_FOR[stored.link.kind], 'export this');
    } catch (e) {
      return { kind: 'refused', message: e instanceof Error ? e.message : 'Not allowed.' };
    }
    const claimed = await this.deps.links.replace(
      hash,
      { ...stored.link, usedAt: now.toISOString() },
      stored.etag,
    );
    if (!claimed.ok) return { kind: 'used' };
    try {
      return { kind: 'file', file: await this.make(caller, stored.link, now) };
    } catch (e) {
      await this.deps.links.replace(hash, stored.link, claimed.value).catch(() => undefined);
      throw e;
    }
  }

  /** Deletes the links that expired more than a day ago; answers how many went. */
  removeOld(now: Date = this.deps.clock.now()): Promise<number> {
    const before = now.getTime() - EXPORT_LINK_LIFETIME_MS - EXPORT_LINK_KEPT_AFTER_EXPIRY_MS;
    return this.deps.links.removeCreatedBefore(new Date(before).toISOString());
  }

  /** The file a link names, as `caller` may see it. */
  async make(caller: Member, link: ExportLink, now: Date): Promise<ExportFile> {
    const request: ExportRequest = {
      kind: link.kind,
      format: link.format,
      ...(link.range && { range: link.range }),
      ...(link.quarter && { quarter: link.quarter }),
    };
    const fileName = exportFileName(request, ukCalendarDate(now));
    const csv = (text: string): ExportFile => ({
      fileName,
      contentType: CSV_MEDIA_TYPE,
      body: Buffer.from(text, 'utf8'),
    });
    switch (request.kind) {
      case 'board-pack': {
        if (!this.deps.boardPack || !request.quarter || request.format === 'csv')
          throw new CtacError('unavailable', 'The board pack is not available here.');
        return {
          fileName,
          ...(await this.deps.boardPack(caller, request.quarter, request.format)),
        };
      }
      case 'risks':
        return csv(
          riskRegisterCsv(await this.deps.register.listAll(caller), {
            organisationNames: await this.orgNames(),
          }),
        );
      case 'decisions':
        return csv(
          decisionLogCsv(await this.deps.decisions.listAll(caller), {
            organisationNames: await this.orgNames(),
          }),
        );
      case 'audit-log':
        return csv(auditLogCsv(await this.deps.auditLog.all(caller)));
      default: {
        const sheets = await this.sheets(caller, request.kind, request.range!);
        return request.format === 'xlsx'
          ? { fileName, contentType: XLSX_MEDIA_TYPE, body: await sheetsXlsx(sheets.xlsx) }
          : { fileName, contentType: CSV_MEDIA_TYPE, body: sheetCsv(sheets.csv) };
      }
    }
  }

  /** The sheets of a ranged export: the workbook's, and the one table its CSV holds. */
  async sheets(
    caller: Member,
    kind: 'alerts' | 'hsa-responses' | 'audit',
    range: ExportRange,
  ): Promise<{ xlsx: ExportSheet[]; csv: ExportSheet }> {
    const { start, end } = exportRangeInstants(range);
    switch (kind) {
      case 'alerts': {
        const alerts = await this.realAlerts(start, end);
        return alertSheets(alerts, (e) => this.eventDetail(e));
      }
      case 'hsa-responses': {
        const sheet = await this.hsaSheet(start, end);
        return { xlsx: [sheet], csv: sheet };
      }
      case 'audit': {
        const sheet = await auditTrailSheet(
          this.deps,
          (e) => this.eventDetail(e),
          caller,
          start,
          end,
        );
        return { xlsx: [sheet], csv: sheet };
      }
    }
  }

  /** Alerts raised in the span, oldest first; an exercise's alerts are never evidence of real cases. */
  private async realAlerts(start: Date, end: Date): Promise<Alert[]> {
    const alerts = await this.deps.alerts.raisedBetween(start, end);
    return alerts
      .filter((a) => !isExerciseAlert(a))
      .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id));
  }

  private async hsaSheet(start: Date, end: Date): Promise<ExportSheet> {
    const [alerts, orgs] = await Promise.all([
      this.realAlerts(start, end),
      this.deps.organisations.list(),
    ]);
    const rows: (string | number)[][] = [];
    for (const alert of alerts.filter((a) => a.source === 'hsa')) {
      const followUp = await this.deps.hsa.getFollowUp(alert.id);
      if (!responsesExpected(alert, followUp)) continue;
      const [stored, events] = await Promise.all([
        this.deps.hsa.list(alert.id),
        this.deps.hsa.events(alert.id),
      ]);
      const byOrg = new Map(stored.map((s) => [s.response.orgCode, s.response]));
      const codes = [...new Set([...orgs.map((o) => o.code), ...byOrg.keys()])].sort();
      for (const code of codes) {
        const response = byOrg.get(code) ?? newHsaResponse(alert.id, code);
        rows.push(hsaRow(alert, response, events, orgs));
      }
    }
    return { name: 'HSA responses', header: HSA_RESPONSES_HEADER, rows };
  }

  /** The card's words for an event without its time, or the export's own for those the card leaves out. */
  private eventDetail(event: AlertEvent): string {
    const described = this.deps.describeAlertEvent(event);
    if (described === undefined) return fallbackDetail(event);
    const prefix = `${formatUkDateTime(event.at)}: `;
    return described.startsWith(prefix) ? described.slice(prefix.length) : described;
  }

  private async orgNames(): Promise<Record<string, string>> {
    return Object.fromEntries((await this.deps.organisations.list()).map((o) => [o.code, o.name]));
  }
}
