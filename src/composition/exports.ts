import { type AlertArchive, Exports } from '../app/exports';
import type { Alert } from '../domain/alerts';
import { describeEvent } from '../cards/alerts';
import { ExportLinkCleanupJob } from '../jobs/export-link-cleanup-job';
import { TableHsaResponseRepository } from '../store/alert-hsa-response-repository';
import { TableOrganisationRepository } from '../store/directory-repositories';
import { TableExportLinkStore } from '../store/export-link-store';
import { TableRiskRepository } from '../store/risk-repository';
import { TableLeaveRepository, TableOverrideRepository } from '../store/rota-repositories';
import { TableSwapRepository } from '../store/rota-swap-repository';
import { boardPackPdf, PDF_MEDIA_TYPE } from '../api/board-pack/pdf';
import { boardPackXlsx, XLSX_MEDIA_TYPE } from '../api/board-pack/xlsx';
import { figuresView } from '../api/tab-views/figures';
import type { AlertsArea } from './alerts';
import type { AppContext } from './context';
import type { PeopleArea } from './directory';
import { composeFigures } from './figures';
import type { RisksArea } from './risks';

/** Exports and evidence through one-time links (issue 20). */
export interface ExportsArea {
  exports: Exports;
  cleanupJob: ExportLinkCleanupJob;
}

export function composeExports(
  { store, clock, logger }: AppContext,
  people: PeopleArea,
  alerts: Pick<AlertsArea, 'repository'>,
  risks: Pick<RisksArea, 'register' | 'decisions'>,
  links: { baseUrl: () => string },
): ExportsArea {
  const swaps = new TableSwapRepository(store);
  const overrides = new TableOverrideRepository(store);
  const leave = new TableLeaveRepository(store);
  const archive: AlertArchive = {
    // The week index gives the alerts raised since `start`; each is then read whole (its timeline), 8 at a
    // time, as the tab's alert list does.
    async raisedBetween(start, end) {
      const times = (await alerts.repository.raisedSince(start, clock.now())).filter(
        (t) => t.raisedAt < end.toISOString(),
      );
      const out: Alert[] = [];
      for (let i = 0; i < times.length; i += 8) {
        const read = await Promise.all(
          times.slice(i, i + 8).map((t) => alerts.repository.get(t.id)),
        );
        for (const stored of read) if (stored) out.push(stored.alert);
      }
      return out;
    },
  };
  const figures = composeFigures({ store, clock }, people, alerts);
  const exports = new Exports({
    links: new TableExportLinkStore(store),
    directory: people.directory,
    members: people.members,
    organisations: new TableOrganisationRepository(store),
    alerts: archive,
    hsa: new TableHsaResponseRepository(store),
    rota: {
      overrides: (start, end) => overrides.listOverlapping(start, end),
      leave: (start, end) => leave.listOverlapping(start, end),
      async swapEvents(start, end) {
        const inEffect = await swaps.listInEffect(start, end);
        return (await Promise.all(inEffect.map((s) => swaps.events(s.id)))).flat();
      },
    },
    register: risks.register,
    risks: new TableRiskRepository(store),
    decisions: risks.decisions,
    auditLog: people.audit,
    describeAlertEvent: describeEvent,
    // The board pack (issue 20): the same figures and renderers as its register routes.
    boardPack: async (caller, quarter, format) => {
      const view = figuresView(await figures.quarter(caller, quarter));
      return format === 'pdf'
        ? { contentType: PDF_MEDIA_TYPE, body: await boardPackPdf(view) }
        : { contentType: XLSX_MEDIA_TYPE, body: await boardPackXlsx(view) };
    },
    clock,
    baseUrl: links.baseUrl,
  });
  return { exports, cleanupJob: new ExportLinkCleanupJob({ exports, clock, logger }) };
}
