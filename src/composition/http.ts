import type { Server } from 'http';
import type { AddressInfo } from 'net';
import type { JWTVerifyGetKey } from 'jose';
import { ackRoutes } from '../api/ack-routes';
import { alertsWebhookRouter } from '../api/alerts-webhook';
import { auditRouter } from '../api/audit-routes';
import { entraVerifier, type TokenVerifier } from '../api/auth-bearer';
import { createDevIssuer, type DevIssuer } from '../api/auth-dev-issuer';
import { noIssuerVerifier } from '../api/auth-no-issuer';
import { calendarRoutes } from '../api/calendar-routes';
import { exportRoutes } from '../api/export-routes';
import { figuresRouter } from '../api/figures-routes';
import { createHttpApp } from '../api/http-app';
import { exercisesRouter } from '../api/exercises-routes';
import { proceduresRouter } from '../api/procedures-routes';
import { registersRouter } from '../api/registers-routes';
import { suppliersRouter } from '../api/suppliers-routes';
import { devHostRouter, tabAssetsRouter } from '../api/tab-assets';
import { tabRouter } from '../api/tab-routes';
import type { Exports } from '../app/exports';
import type { CtacBot } from '../bot/ctac-bot';
import type { Config } from '../config';
import { AlertViewTable } from '../store/alert-views';
import { fromRoot } from '../paths';
import type { AlertsArea } from './alerts';
import type { AppContext } from './context';
import { composeFigures } from './figures';
import type { PeopleArea } from './directory';
import type { ExercisesArea } from './exercises';
import type { ProceduresArea } from './procedures';
import type { RisksArea } from './risks';
import type { RotaArea } from './rota';
import type { SuppliersArea } from './suppliers';

/** The app listening: its address, and how to close it. */
export interface HttpArea {
  url: string;
  port: number;
  /** With CTAC_DEV_HOST only: signs bearer tokens the API accepts (tests, local tab). */
  devIssuer?: DevIssuer;
  close(): Promise<void>;
}

export interface HttpParts {
  people: PeopleArea;
  alerts: AlertsArea;
  rota: RotaArea;
  risks: RisksArea;
  procedures?: ProceduresArea;
  /** The critical supplier register and DSPT statuses (issue 20). */
  suppliers?: SuppliersArea;
  /** Exercise mode and reviews (issue 21). */
  exercises?: ExercisesArea;
  /** Exports through one-time links (issue 20). */
  exports?: Exports;
  bot: CtacBot;
  /** Tests only: Entra ID's signing keys for tab tokens, so nothing is fetched from Entra. */
  entraKeys?: JWTVerifyGetKey;
}

/** The HTTP surface: the bot, the tab and its API, calendar feeds and the alerts webhook; then listens. */
export async function startHttp(
  { config, store, clock, logger, adapter }: AppContext,
  { people, alerts, rota, risks, procedures, suppliers, exercises, exports, bot, entraKeys }: HttpParts,
): Promise<HttpArea> {
  const { directory, members, audit } = people;
  const alertViews = new AlertViewTable(store);
  // Bearer tokens for the API (src/api/auth-bearer.ts): the development issuer with CTAC_DEV_HOST only
  // (config allows it only on loopback and without BOT_ID), else Entra ID when there is a bot to ask it
  // about, else none at all.
  const devIssuer = config.devHost ? await createDevIssuer() : undefined;
  const tokenVerifier: TokenVerifier = devIssuer
    ? devIssuer.verifier
    : config.bot.appId && config.bot.tenantId
      ? entraVerifier({
          tenantId: config.bot.tenantId,
          audience: apiAudience(config),
          keys: entraKeys,
        })
      : noIssuerVerifier;

  const app = createHttpApp({
    logger,
    handleBotRequest: (req, res) => adapter.process(req, res, (context) => bot.run(context)),
    checkStore: () => store.ping(),
    clock,
    botAppId: config.bot.appId,
    allowLocalFraming: config.env !== 'production',
    localOnly: config.devHost,
    anonymousBot: config.bot.anonymous,
    tabDir: fromRoot('src', 'tab', 'public'),
    routes: [
      registersRouter({
        verifier: tokenVerifier,
        directory,
        register: risks.register,
        decisions: risks.decisions,
        suppliers: suppliers?.suppliers,
        clock,
      }),
      ...(procedures
        ? [
            proceduresRouter({
              verifier: tokenVerifier,
              directory,
              procedures: procedures.procedures,
              clock,
            }),
          ]
        : []),
      ...(exercises
        ? [
            exercisesRouter({
              verifier: tokenVerifier,
              directory,
              exercises: exercises.exercises,
              reviews: exercises.reviews,
              clock,
            }),
          ]
        : []),
      // The leads' tab (issue 6): its API, its bundled scripts and, with CTAC_DEV_HOST, the development host.
      tabAssetsRouter(fromRoot('dist-tab')),
      ...(suppliers
        ? [
            suppliersRouter({
              verifier: tokenVerifier,
              directory,
              suppliers: suppliers.suppliers,
              dspt: suppliers.dspt,
              clock,
            }),
          ]
        : []),
      // Before the tab's router, whose bearer check covers every /api/tab address.
      ...(exports ? [exportRoutes({ verifier: tokenVerifier, directory, exports, logger })] : []),
      // Quarter figures and the board pack (issue 20), for leads.
      figuresRouter({
        verifier: tokenVerifier,
        directory,
        figures: composeFigures({ store, clock }, people, alerts),
        clock,
      }),
      tabRouter({
        verifier: tokenVerifier,
        directory,
        register: risks.register,
        decisions: risks.decisions,
        alerts: alerts.service,
        // Resolved alerts too, for the weekly times to acknowledge and resolve.
        alertHistory: {
          resolvedSince: (from) => alerts.repository.resolvedSince(from),
          // The same, a week at a time in brief: what the weekly figures read (src/store/alert-views.ts).
          resolvedWeeks: (from) => alertViews.resolvedWeeks(from),
        },
        rota: rota.rota,
        clock,
        hsaResponses: alerts.hsaResponses,
      }),
      ...(devIssuer ? [devHostRouter(fromRoot('dist-tab'), devIssuer, () => members.list())] : []),
      auditRouter({ verifier: tokenVerifier, directory, audit, clock }),
      calendarRoutes(rota.calendarFeeds, logger),
      // Acknowledge from the phone: the token in the link is the credential, so no bearer auth here.
      ackRoutes({ links: alerts.ackLinks, logger, publicUrl: config.publicUrl }),
      alertsWebhookRouter({
        secret: config.webhookSecret,
        accept: (incoming, actor, request) => alerts.inbox.accept(incoming, actor, request),
        clock,
        logger,
      }),
    ],
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}`;
  logger.info({ url, anonymousBot: config.bot.anonymous }, 'CTAC is listening');
  return {
    url,
    port,
    devIssuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The audience of the tab's SSO tokens: `api://<public host>/<bot id>`, the app's identifier URI. Never the
 * bare bot id: app-only tokens for the bot carry that.
 */
function apiAudience(config: Config): string | undefined {
  const appId = config.bot.appId ?? '';
  return config.publicUrl && appId ? `api://${new URL(config.publicUrl).host}/${appId}` : undefined;
}
