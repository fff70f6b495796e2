import { spawnSync } from 'child_process';
import { fromRoot } from '../../src/paths';

/*
 * The house plan (docs/architecture.md, eslint.config.mjs): each layer imports only what it may. Every probe is
 * an import written as if it were in the file at its path; one ESLint run lints them all with the project's
 * config. Each forbidden probe fails once its layer's rule is taken out of the config.
 */

type Probe = [filePath: string, importLine: string];

interface ProbeResult {
  restricted: string[];
  fatal: string[];
}

/** Lints each probe with the project's ESLint config, in one process, and returns what each reports. */
function lintAll(probes: readonly Probe[]): ProbeResult[] {
  const script = `
    const { ESLint } = require('eslint');
    const probes = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const [filePath, code] of probes) {
        const [report] = await eslint.lintText(code, { filePath });
        out.push({
          restricted: report.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message),
          fatal: report.messages.filter((m) => m.fatal).map((m) => m.message),
        });
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const input = JSON.stringify(
    probes.map(([filePath, line]) => [filePath, `${line}\nexport const probe = 1;\n`]),
  );
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: fromRoot(),
    input,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`eslint failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as ProbeResult[];
}

const forbidden: Probe[] = [
  // The domain is pure: no SDK, no I/O, nothing outside the domain.
  ['src/domain/alerts/probe.ts', "import { TurnContext } from 'botbuilder';"],
  ['src/domain/rota/probe.ts', "import { TableClient } from '@azure/data-tables';"],
  ['src/domain/probe.ts', "import { readFileSync } from 'fs';"],
  ['src/domain/rota/probe.ts', "import type { RotaNotifier } from '../../app/rota/ports';"],
  ['src/domain/risk/probe.ts', "import { keys } from '../../store/keys';"],
  ['src/domain/people/probe.ts', "import { renderCard } from '../../cards/render';"],
  ['src/domain/people/probe.ts', "import type { RiskRowView } from '../../contract/risks';"],
  ['src/domain/shared/probe.ts', "import { loadConfig } from '../../config';"],
  // The app: the domain and its own ports, no SDK, no adapter, no config.
  ['src/app/probe.ts', "import express from 'express';"],
  ['src/app/probe.ts', "import { DefaultAzureCredential } from '@azure/identity';"],
  ['src/app/alerts/probe.ts', "import { AlertRepository } from '../../store/alert-repository';"],
  ['src/app/rota/probe.ts', "import type { BotTurn } from '../../bot/bot-feature';"],
  ['src/app/risks/probe.ts', "import { riskListCard } from '../../cards/risk-views';"],
  ['src/app/probe.ts', "import { GraphPeople } from '../graph/graph-people';"],
  ['src/app/probe.ts', "import { ScheduledJob } from '../jobs/scheduled-job';"],
  ['src/app/probe.ts', "import { logger } from '../logger';"],
  ['src/app/probe.ts', "import { loadConfig } from '../config';"],
  ['src/app/probe.ts', "import { telemetry } from '../telemetry';"],
  // The contract: shapes only, from domain types.
  ['src/contract/probe.ts', "import { rotaView } from '../api/tab-views/rota';"],
  ['src/contract/probe.ts', "import type { Directory } from '../app/directory';"],
  ['src/contract/probe.ts', "import type { Request } from 'express';"],
  // Cards: the domain and view types.
  ['src/cards/probe.ts', "import type { RotaService } from '../app/rota/rota-service';"],
  ['src/cards/probe.ts', "import type { StoredRiskPolicy } from '../app/risks/ports';"],
  ['src/cards/probe.ts', "import { tables } from '../store/tables';"],
  ['src/cards/probe.ts', "import { readCardFields } from '../bot/card-fields';"],
  ['src/cards/probe.ts', "import { CardFactory } from 'botbuilder';"],
  // Driven adapters implement app ports and never reach each other.
  ['src/store/probe.ts', "import { TeamsSender } from '../bot/teams-sender';"],
  ['src/store/probe.ts', "import { GraphPeople } from '../graph/graph-people';"],
  ['src/store/probe.ts', "import { renderCard } from '../cards/render';"],
  ['src/store/probe.ts', "import { JobLoop } from '../jobs/job-loop';"],
  ['src/graph/probe.ts', "import { tables } from '../store/tables';"],
  ['src/graph/probe.ts', "import { createAdapter } from '../bot/adapter';"],
  ['src/notify/probe.ts', "import { tables } from '../store/tables';"],
  ['src/notify/probe.ts', "import { TeamsSender } from '../bot/teams-sender';"],
  ['src/telemetry/probe.ts', "import { tables } from '../store/tables';"],
  // Driving adapters call use cases and never reach each other or the driven adapters.
  ['src/bot/probe.ts', "import { AlertRepository } from '../store/alert-repository';"],
  ['src/bot/rota/probe.ts', "import { GraphPeople } from '../../graph/graph-people';"],
  ['src/bot/probe.ts', "import { JobLoop } from '../jobs/job-loop';"],
  ['src/bot/probe.ts', "import { tabRoutes } from '../api/tab-routes';"],
  ['src/bot/probe.ts', "import type { RotaView } from '../contract/rota';"],
  ['src/bot/alerts/probe.ts', "import { wireBot } from '../../composition/bot';"],
  ['src/bot/probe.ts', "import { start } from '../server';"],
  ['src/api/probe.ts', "import { createAdapter } from '../bot/adapter';"],
  ['src/api/probe.ts', "import { tables } from '../store/tables';"],
  ['src/api/tab-views/probe.ts', "import { renderCard } from '../../cards/render';"],
  ['src/api/probe.ts', "import { JobLoop } from '../jobs/job-loop';"],
  ['src/jobs/probe.ts', "import { tables } from '../store/tables';"],
  ['src/jobs/probe.ts', "import { TeamsSender } from '../bot/teams-sender';"],
  ['src/jobs/probe.ts', "import { alertCard } from '../cards/alerts';"],
  ['src/jobs/probe.ts', "import { GraphPeople } from '../graph/graph-people';"],
  ['src/jobs/probe.ts', "import { telemetry } from '../telemetry';"],
  // The tab: the contract and the domain, nothing of the server.
  ['src/tab/views/probe.ts', "import type { RotaView } from '../../api/tab-views';"],
  ['src/tab/views/probe.ts', "import { rotaView } from '../../api/tab-views/rota';"],
  ['src/tab/probe.ts', "import type { Directory } from '../app/directory';"],
  ['src/tab/views/probe.ts', "import { tables } from '../../store/tables';"],
  ['src/tab/views/probe.ts', "import type { BotTurn } from '../../bot/bot-feature';"],
  ['src/tab/views/probe.ts', "import { alertCard } from '../../cards/alerts';"],
  ['src/tab/probe.ts', "import { loadConfig } from '../config';"],
  ['src/tab/probe.ts', "import { TurnContext } from 'botbuilder';"],
  // What the adapters share imports no layer.
  ['src/config.ts', "import type { Directory } from './app/directory';"],
  ['src/logger.ts', "import { tables } from './store/tables';"],
];

const allowed: Probe[] = [
  ['src/domain/rota/probe.ts', "import type { Clock } from '../shared/clock';"],
  ['src/domain/rota/probe.ts', "import { DateTime } from 'luxon';"],
  ['src/app/rota/probe.ts', "import { onCallAt } from '../../domain/rota';"],
  ['src/app/rota/probe.ts', "import type { MemberRepository } from '../ports';"],
  ['src/contract/probe.ts', "import type { HsaResponse } from '../domain/alerts/hsa-response';"],
  ['src/cards/probe.ts', "import type { RotaWindow } from '../domain/rota';"],
  ['src/cards/probe.ts', "import type { RotaView } from '../contract/rota';"],
  ['src/cards/probe.ts', "import { fromRoot } from '../paths';"],
  ['src/store/probe.ts', "import type { Conditional } from '../app/ports';"],
  ['src/store/probe.ts', "import { TableClient } from '@azure/data-tables';"],
  ['src/graph/probe.ts', "import type { PeopleLookup } from '../app/rota/ports';"],
  ['src/graph/probe.ts', "import type { Config } from '../config';"],
  ['src/telemetry/probe.ts', "import type { Metrics } from '../app/metrics';"],
  ['src/telemetry/probe.ts', "import { metrics } from '@opentelemetry/api';"],
  ['src/bot/probe.ts', "import { TurnContext } from 'botbuilder';"],
  ['src/bot/rota/probe.ts', "import type { RotaService } from '../../app/rota/rota-service';"],
  ['src/bot/rota/probe.ts', "import { scheduleCard } from '../../cards/rota-views';"],
  ['src/api/probe.ts', "import express from 'express';"],
  ['src/api/tab-views/probe.ts', "import type { RotaView } from '../../contract/rota';"],
  ['src/api/probe.ts', "import type { Directory } from '../app/directory';"],
  ['src/jobs/probe.ts', "import { OutboxWorker } from '../app/outbox';"],
  ['src/jobs/probe.ts', "import type { Logger } from '../logger';"],
  ['src/tab/views/probe.ts', "import type { RotaView } from '../../contract/rota';"],
  [
    'src/tab/views/probe.ts',
    "import { ESCALATION_CHOICES } from '../../domain/risk/escalation-choice';",
  ],
  ['src/tab/views/probe.ts', "import { getJson } from '../api';"],
  ['src/tab/probe.ts', "import { TabApp } from './app';"],
  ['src/composition/probe.ts', "import { tables } from '../store/tables';"],
  ['src/composition/probe.ts', "import { createAdapter } from '../bot/adapter';"],
  ['src/server.ts', "import { GraphPeople } from './graph/graph-people';"],
  ['tests/probe.test.ts', "import { tables } from '../src/store/tables';"],
  ['scripts/probe.ts', "import { createAdapter } from '../src/bot/adapter';"],
  ['bench/probe.ts', "import { AlertRepository } from '../src/store/alert-repository';"],
];

describe('the house plan', () => {
  let forbiddenResults: ProbeResult[];
  let allowedResults: ProbeResult[];

  beforeAll(() => {
    const results = lintAll([...forbidden, ...allowed]);
    forbiddenResults = results.slice(0, forbidden.length);
    allowedResults = results.slice(forbidden.length);
  }, 60_000);

  test.each(forbidden.map((probe, i) => [...probe, i] as const))(
    'when %s has `%s`, then lint fails',
    (_filePath, _line, i) => {
      const result = forbiddenResults[i]!;
      expect(result.fatal).toEqual([]);
      expect(result.restricted).not.toEqual([]);
    },
  );

  test.each(allowed.map((probe, i) => [...probe, i] as const))(
    'when %s has `%s`, then lint allows it',
    (_filePath, _line, i) => {
      const result = allowedResults[i]!;
      expect(result.fatal).toEqual([]);
      expect(result.restricted).toEqual([]);
    },
  );

  test('when a layer breaks the plan, then the message says what that layer may import', () => {
    const at = forbidden.findIndex(([file]) => file === 'src/tab/probe.ts');
    expect(forbiddenResults[at]!.restricted.join('\n')).toMatch(
      /src\/tab may import only: domain, contract, tab\./,
    );
  });
});
