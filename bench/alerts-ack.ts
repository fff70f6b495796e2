/**
 * Acknowledge latency: the Action.Execute invoke (`adaptiveCard/action`, verb `alert.acknowledge`)
 * round trip through the real HTTP stack (POST /api/messages, anonymous outside production) into the
 * app and Azurite, 20 concurrent members each acknowledging their own alerts, against two baselines
 * measured in the same run on the same machine:
 *   echo:  a minimal botbuilder bot answering the invoke with a static card;
 *   floor: that bot plus one point read and one ETag-conditional write to Azurite.
 * The app, each baseline and Azurite run in their own processes; the client (this process) also runs
 * the local connector the app's card updates go to (it answers 200 within Teams' limits). Each alert's
 * card is already in the channel, so every acknowledgement also updates that message for everyone.
 * Target: p99 at most 1.25x the floor's, throughput at least 0.8x the floor's.
 *
 *   npm run build && node dist/bench/alerts-ack.js [--full]     (quick: 20 x 15; full: 20 x 50)
 *
 * BENCH_STORAGE_CONNECTION_STRING: the app and the baselines use that Table Storage account instead of
 * Azurite here, in tables of their own (deleted at the end), as in bench/alerts-storm.ts.
 */
import { fromRoot } from '../src/paths';
import { ALERT_TABLES } from '../src/store/alert-rows';
import { TableStore } from '../src/store/tables';
import { azuriteConnectionString } from '../src/store/embedded-azurite';
import { benchStorage, storageAccount, tablePrefixEnv, type BenchStorage } from './alerts-storm';
import {
  acknowledgeInChannel,
  postedAlertSeeder,
  saveBenchChannel,
  seedMembers,
  startBenchApp,
} from './stack';
import {
  closedLoop,
  CountingProxy,
  figure,
  summarise,
  type LoopResult,
  freePort,
  fullSizes,
  ms,
  report,
  spawnNode,
  TeamsLimitConnector,
  processCpuMs,
} from './lib';

const WORKERS = 20;

async function main() {
  const perWorker = Number(process.env['BENCH_ACK_PER_WORKER'] ?? (fullSizes() ? 50 : 15));
  const storage = await benchStorage();
  try {
    await measure(storage, perWorker);
  } finally {
    // Also when the run fails: a shared account keeps no bench tables.
    await storage.stop();
  }
}

async function measure(storage: BenchStorage, perWorker: number) {
  const connector = await TeamsLimitConnector.start();
  const store = new TableStore(
    { kind: 'connectionString', connectionString: storage.connectionString },
    storage.prefix,
  );
  await store.createTables(['BenchFloor', ...Object.values(ALERT_TABLES)]);

  // BENCH_STORAGE_PROXY=1: the app's storage goes through a counting proxy (a diagnostic run: it
  // reports the storage requests per acknowledgement, and its latencies are not comparable).
  if (process.env['BENCH_STORAGE_PROXY'] && storage.pid === undefined)
    throw new Error(
      'BENCH_STORAGE_PROXY counts the requests to an Azurite here, not to an account',
    );
  const proxy = process.env['BENCH_STORAGE_PROXY']
    ? await CountingProxy.start(Number(/:(\d+)\//.exec(storage.connectionString)![1]))
    : undefined;
  const app = await startBenchApp(
    proxy ? azuriteConnectionString(proxy.port) : storage.connectionString,
    tablePrefixEnv(storage.prefix),
  );
  const appPort = app.port;
  const echoPort = await freePort();
  const echo = await spawnNode(
    fromRoot('dist/bench/baseline-bot.js'),
    ['echo', String(echoPort)],
    {},
    echoPort,
  );
  const floorPort = await freePort();
  const floor = await spawnNode(
    fromRoot('dist/bench/baseline-bot.js'),
    ['floor', String(floorPort), storage.connectionString, storage.prefix],
    {},
    floorPort,
  );

  const alertFloorPort = await freePort();
  const alertFloor = await spawnNode(
    fromRoot('dist/bench/baseline-bot.js'),
    ['alert-floor', String(alertFloorPort), storage.connectionString, storage.prefix],
    {},
    alertFloorPort,
  );

  const people = await seedMembers(store, WORKERS);
  await saveBenchChannel(store, connector.url);

  // Each member's alerts, already posted to the channel (as the webhook and send queue would have).
  const seedAlert = await postedAlertSeeder(store);
  const ids: string[][] = people.map(() => []);
  const keyOf = new Map<string, string>();
  const floorTable = store.table('BenchFloor');
  let n = 0;
  const seedOne = async (w: number, i: number) => {
    const id = `BENCH${String(++n).padStart(5, '0')}`;
    await seedAlert(id, `ACK-${w}-${i}`, `Bench alert ${w}-${i}`);
    await floorTable.upsertEntity({ partitionKey: id, rowKey: id, state: 'triggered' });
    ids[w]!.push(id);
    keyOf.set(id, `ACK-${w}-${i}`);
  };
  await Promise.all(
    people.map(async (_, w) => {
      for (let i = 0; i < perWorker * 3; i++) await seedOne(w, i);
    }),
  );

  const invoke = (port: number) => async (w: number, alertId: string) => {
    const person = people[w]!;
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        // The data the card's button carries (src/cards/alerts.ts): the id, and where it is kept.
        ...acknowledgeInChannel(alertId, {
          verb: 'alert.acknowledge',
          alertId,
          src: 'incident',
          key: keyOf.get(alertId),
        }),
        id: `invoke-${alertId}-${port}`,
        timestamp: new Date().toISOString(),
        serviceUrl: connector.url,
        channelId: 'msteams',
        from: { id: person.teamsUserId, aadObjectId: person.aadObjectId, name: person.name },
        recipient: { id: '28:ctac', name: 'CTAC' },
      }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`invoke answered ${res.status}: ${text.slice(0, 200)}`);
    return text;
  };
  const echoInvoke = invoke(echoPort);
  const floorInvoke = invoke(floorPort);
  const alertFloorInvoke = invoke(alertFloorPort);
  const appInvoke = invoke(appPort);

  // Warm up each (a few rounds each, on alerts not measured), then measure: echo, floor, app.
  await closedLoop(WORKERS, 2, async (w, i) => {
    const id = ids[w]![perWorker * 2 + i]!;
    await echoInvoke(w, id);
    await floorInvoke(w, id);
    await alertFloorInvoke(w, id);
    await appInvoke(w, id);
  });
  // Rounds interleaved (echo, floor, app; echo, floor, app; ...) so a change in the machine's other
  // load falls on all three alike.
  let wrongCards = 0;
  // More, shorter rounds at the full size: the machine's other load shifts less within each.
  const rounds = Number(process.env['BENCH_ACK_ROUNDS'] ?? (fullSizes() ? 5 : 3));
  const per = Math.max(1, Math.floor(perWorker / rounds));
  // Each bot's measured invokes (and the app's acknowledgements): every round, every worker.
  const measuredInvokes = WORKERS * per * rounds;
  const runs = {
    echo: [] as LoopResult[],
    floor: [] as LoopResult[],
    alertFloor: [] as LoopResult[],
    app: [] as LoopResult[],
  };
  // CPU each process spent during each bot's rounds: the bot, Azurite (none for an account), and
  // this client (which also answers the app's card updates as the connector).
  const storageCpu = () => (storage.pid === undefined ? 0 : processCpuMs(storage.pid));
  const cpu = {
    echo: { bot: 0, azurite: 0, client: 0 },
    floor: { bot: 0, azurite: 0, client: 0 },
    alertFloor: { bot: 0, azurite: 0, client: 0 },
    app: { bot: 0, azurite: 0, client: 0 },
  };
  const botPid = { echo: echo.pid, floor: floor.pid, alertFloor: alertFloor.pid, app: app.pid };
  // With the storage proxy: the app's storage requests while its rounds ran (answers, card updates
  // and any job that ran meanwhile).
  const duringApp = new Map<string, number>();
  const measured = async (kind: keyof typeof runs, run: () => Promise<LoopResult>) => {
    const clientCpu = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const before = [processCpuMs(botPid[kind]), storageCpu(), clientCpu()];
    if (kind === 'app') proxy?.reset();
    runs[kind].push(await run());
    if (kind === 'app' && proxy)
      for (const [k, v] of proxy.counts) duringApp.set(k, (duringApp.get(k) ?? 0) + v);
    cpu[kind].bot += processCpuMs(botPid[kind]) - before[0]!;
    cpu[kind].azurite += storageCpu() - before[1]!;
    cpu[kind].client += clientCpu() - before[2]!;
  };
  for (let r = 0; r < rounds; r++) {
    const offset = r * per;
    await measured('echo', () =>
      closedLoop(WORKERS, per, (w, i) => echoInvoke(w, ids[w]![offset + i]!).then(() => {})),
    );
    await measured('floor', () =>
      closedLoop(WORKERS, per, (w, i) => floorInvoke(w, ids[w]![offset + i]!).then(() => {})),
    );
    await measured('alertFloor', () =>
      closedLoop(WORKERS, per, (w, i) => alertFloorInvoke(w, ids[w]![offset + i]!).then(() => {})),
    );
    await measured('app', () =>
      closedLoop(WORKERS, per, async (w, i) => {
        const text = await appInvoke(w, ids[w]![perWorker + offset + i]!);
        if (
          !text.includes(`Acknowledged by ${people[w]!.name}`) &&
          !text.includes('You acknowledged')
        )
          wrongCards++;
      }),
    );
  }
  if (proxy) {
    console.log('storage requests while the app was measured, per acknowledgement:');
    for (const [k, v] of [...duringApp].sort((a, b) => b[1] - a[1]))
      console.log(`  ${k}: ${(v / measuredInvokes).toFixed(2)}`);
    await new Promise((r) => setTimeout(r, 3000));
    proxy.reset();
    const sample = 20;
    process.env['BENCH_PROXY_TRACE'] = '1';
    await appInvoke(0, ids[0]![perWorker * 2 + 3]!);
    await new Promise((r) => setTimeout(r, 3000));
    delete process.env['BENCH_PROXY_TRACE'];
    proxy.reset();
    for (let w = 0; w < sample; w++) await appInvoke(w, ids[w]![perWorker * 2 + 2]!);
    await new Promise((r) => setTimeout(r, 5000));
    console.log(
      `storage requests per acknowledgement (incl. its background card update): ${(proxy.total / sample).toFixed(1)}`,
    );
    for (const [k, v] of [...proxy.counts].sort((a, b) => b[1] - a[1]))
      console.log(`  ${k}: ${(v / sample).toFixed(2)}`);
  }
  const echoRun = summarise(runs.echo);
  const floorRun = summarise(runs.floor);
  const alertFloorRun = summarise(runs.alertFloor);
  const appRun = summarise(runs.app);
  // The card updates for everyone go out through the send queue after the answers.
  const updatesBefore = connector.messages.size;

  const onAccount = storageAccount() !== undefined;
  const perInvoke = (kind: keyof typeof cpu, who: keyof (typeof cpu)['app']) =>
    who === 'azurite' && onAccount ? '-' : `${(cpu[kind][who] / measuredInvokes).toFixed(1)} ms`;
  const row = (name: string, r: typeof appRun, kind: keyof typeof cpu) =>
    `| ${name} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.perSecond.toFixed(0)}/s | ${perInvoke(kind, 'bot')} | ${perInvoke(kind, 'azurite')} | ${perInvoke(kind, 'client')} |`;
  const against = (floorName: string, f: typeof appRun) => {
    const p99 = appRun.p99 / f.p99;
    const throughput = appRun.perSecond / f.perSecond;
    return `Against ${floorName}: p50 ${(appRun.p50 / f.p50).toFixed(2)}x, p99 ${p99.toFixed(2)}x (target at most 1.25x: ${p99 <= 1.25 ? 'met' : 'not met'}), throughput ${throughput.toFixed(2)}x (target at least 0.8x: ${throughput >= 0.8 ? 'met' : 'not met'}).`;
  };
  // On these two cores the bench is bound by CPU: throughput follows the CPU the three processes spend
  // together, which moves less between runs than the throughput itself.
  const cpuTogether = (kind: keyof typeof cpu) =>
    (cpu[kind].bot + cpu[kind].azurite + cpu[kind].client) / measuredInvokes;
  const p99Ratio = appRun.p99 / alertFloorRun.p99;
  const throughputRatio = appRun.perSecond / alertFloorRun.perSecond;
  figure(
    {
      measure: `acknowledge, ${WORKERS} at once: p99 against the storage floor on the alert's row${onAccount ? ' (on a Table Storage account)' : ''}`,
      value: `${ms(appRun.p99)} (floor ${ms(alertFloorRun.p99)})`,
      goal: 'at most 1.25x the floor',
      ratio: p99Ratio,
      met: p99Ratio <= 1.25,
    },
    {
      measure: `acknowledge, ${WORKERS} at once: throughput against the same floor${onAccount ? ' (on a Table Storage account)' : ''}`,
      value: `${appRun.perSecond.toFixed(0)}/s (floor ${alertFloorRun.perSecond.toFixed(0)}/s)`,
      goal: 'at least 0.8x the floor',
      ratio: throughputRatio,
      met: throughputRatio >= 0.8,
    },
  );
  report(`## Acknowledge latency (Action.Execute invoke over HTTP, ${WORKERS} concurrent, ${appRun.count} acknowledgements and as many invokes of each baseline, in ${rounds} interleaved rounds)

| bot | p50 | p99 | throughput | CPU per invoke: bot | Azurite | client and connector |
| --- | --- | --- | --- | --- | --- | --- |
${row('echo bot (static card)', echoRun, 'echo')}
${row('storage floor, small row (echo + 1 read + 1 conditional write of a row in a table of its own)', floorRun, 'floor')}
${row("storage floor, the alert's row (the same, on the alert's own row in the app's Alerts table)", alertFloorRun, 'alertFloor')}
${row('CTAC acknowledge', appRun, 'app')}

${against("the storage floor on the alert's own row", alertFloorRun)}
${against('the storage floor on a small row', floorRun)} Echo to small-row floor: p50 ${(floorRun.p50 / echoRun.p50).toFixed(2)}x.
${onAccount ? 'Storage: the Table Storage account in BENCH_STORAGE_CONNECTION_STRING, in tables of their own (deleted after the run), so no storage CPU is counted here.\n' : ''}CPU per invoke, the bot${onAccount ? '' : ', Azurite'} and the client together: CTAC ${cpuTogether('app').toFixed(2)} ms, the floor on the alert's row ${cpuTogether('alertFloor').toFixed(2)} ms (${(cpuTogether('app') / cpuTogether('alertFloor')).toFixed(2)}x; throughput at 0.8x of the floor needs about 1.25x).
Answers without the acknowledged card: ${wrongCards}. Channel messages updated by the send queue by the end of the run: ${updatesBefore}; connector 429s: ${connector.throttled}.`);

  await Promise.all([app.stop(), echo.stop(), floor.stop(), alertFloor.stop()]);
  await connector.stop();
  await proxy?.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
