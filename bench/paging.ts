/**
 * Paging (issue 16): how soon the person on call hears of an alert, and one alert paged to ten people.
 *
 * A. Signed webhook alerts, open loop at 20 a second for 10 s (quick: 5 s), into the app (its own
 *    process, its real jobs and send queue) and Azurite (another process). The primary rotation has one
 *    person with a Teams id and a saved 1:1 chat; each alert's first step pages them. Per alert: the
 *    time from its webhook request being sent to its 1:1 page being accepted by the local connector
 *    (which enforces Teams' per-conversation limits, so every page to the one primary shares one chat's
 *    budget). Floors in the same run: when the same alert was first visible in the ICS cyber channel
 *    (its own card or a storm digest line: the first thing the app sends for it), and what Teams'
 *    limits alone allow (each page sent the moment its alert was sent, as fast as one chat takes them).
 * B. One alert whose first step names ten members, each with a mobile number and a text after 1 minute
 *    (the earliest the contact form and the store allow; the app's clock is real in its own process):
 *    the time until all ten Teams pages are accepted and all ten texts reach the fake GOV.UK Notify.
 *    A few repeats, 15 s apart, p50 over them.
 *
 *   npm run build && node dist/bench/paging.js [--full]
 */
import { Agent, request } from 'http';
import { signWebhook } from '../src/api/alerts-webhook';
import { normalisePolicy } from '../src/domain/alerts/escalation-policy';
import type { Member } from '../src/domain/people/member';
import { normaliseRotation } from '../src/domain/rota/rotation';
import { TableEscalationPolicyStore } from '../src/store/alert-escalation-store';
import { TableContactRepository } from '../src/store/contact-repository';
import {
  TableConversationRepository,
  TableMemberRepository,
} from '../src/store/directory-repositories';
import { TableRotationRepository } from '../src/store/rota-repositories';
import type { TableStore } from '../src/store/tables';
import { FAKE_NOTIFY_KEY, FAKE_SMS_TEMPLATE, FakeNotify } from '../tests/helpers/fake-notify';
import { startAzuriteProcess } from './alerts-storm';
import { figure, fullSizes, percentile, report, TeamsLimitConnector } from './lib';
import { BENCH_CHANNEL, saveBenchChannel, startBenchApp, storeAt } from './stack';

const SECRET = 'bench-secret';
const RATE_PER_SECOND = 20;
/** The earliest a text may follow a Teams page: the store reads 0 as the default of 5 minutes. */
const TEXT_AFTER_MINUTES = 1;
const TEN = 10;
const REPEAT_GAP_MS = 15_000;

/** Teams' per-conversation limits, as the local connector enforces them: [messages, per ms]. */
const TEAMS_LIMITS: [number, number][] = [
  [7, 1_000],
  [8, 2_000],
  [60, 30_000],
  [1_800, 3_600_000],
];

const agent = new Agent({ keepAlive: true, maxSockets: 1000 });

/** Posts one signed alert, signed as it is sent; answers the status and the alert id CTAC gave it. */
function postAlert(
  port: number,
  alert: Record<string, unknown>,
): Promise<{ status: number; id?: string }> {
  const body = JSON.stringify(alert);
  const ts = String(Math.floor(Date.now() / 1000));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/alerts',
        method: 'POST',
        agent,
        timeout: 120_000,
        headers: {
          'content-type': 'application/json',
          'x-ctac-timestamp': ts,
          'x-ctac-signature': signWebhook(SECRET, ts, body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let id: string | undefined;
          try {
            id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string }).id;
          } catch {
            id = undefined;
          }
          resolve({ status: res.statusCode ?? 0, ...(id ? { id } : {}) });
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end(body);
  });
}

const person = (n: number, name: string): Member => ({
  aadObjectId: `0000000${n % 10}-0000-4000-8000-${String(n).padStart(12, '0')}`,
  name,
  upn: `p${n}@example.nhs.uk`,
  orgCode: '',
  role: 'member',
  teamsUserId: `29:pager-${n}`,
  addedAt: '2026-11-01T09:00:00Z',
  addedBy: 'bench',
});
const chatOf = (m: Member) => `a:chat-${m.teamsUserId!.slice(3)}`;

/** Members with a saved 1:1 chat with CTAC (its messages going to the connector). */
async function seedPeople(store: TableStore, connectorUrl: string, people: Member[]) {
  const members = new TableMemberRepository(store);
  const conversations = new TableConversationRepository(store);
  for (const m of people) {
    await members.put(m);
    await conversations.save({
      kind: 'personal',
      id: m.aadObjectId.toLowerCase(),
      reference: {
        serviceUrl: connectorUrl,
        channelId: 'msteams',
        bot: { id: '28:ctac', name: 'CTAC' },
        conversation: { id: chatOf(m), isGroup: false, conversationType: 'personal' },
        user: { id: m.teamsUserId!, name: m.name },
      },
      updatedAt: new Date().toISOString(),
    });
  }
}

/**
 * The earliest each message could be accepted in one conversation under Teams' limits if each were
 * sent the moment it was ready: `ready` in order; a message waits until, for every limit, the one
 * `limit` places before it left the window.
 */
export function teamsLimitSchedule(ready: number[]): number[] {
  const accepted: number[] = [];
  for (const [i, t] of ready.entries()) {
    let at = Math.max(t, accepted[i - 1] ?? t);
    for (const [limit, window] of TEAMS_LIMITS)
      if (i >= limit) at = Math.max(at, accepted[i - limit]! + window);
    accepted.push(at);
  }
  return accepted;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const stats = (values: number[]) => {
  const s = sorted(values);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1]! };
};
const seconds = (v: number) => `${(v / 1000).toFixed(1)} s`;
const wait = (msToWait: number) => new Promise((r) => setTimeout(r, msToWait));

async function main() {
  const full = fullSizes();
  const stormSeconds = Number(process.env['BENCH_PAGING_SECONDS'] ?? (full ? 10 : 5));
  const repeats = full ? 5 : 3;
  const count = RATE_PER_SECOND * stormSeconds;
  const deliverTimeoutMs = Number(
    process.env['BENCH_PAGING_TIMEOUT_MS'] ?? (full ? 300_000 : 180_000),
  );

  const azurite = await startAzuriteProcess();
  const connector = await TeamsLimitConnector.start();
  const notify = await FakeNotify.start();
  // When each text reached the fake Notify (its own record has no time).
  const textAt = new Map<string, number>();
  const record = notify.messages.push.bind(notify.messages);
  notify.messages.push = (...messages) => {
    for (const m of messages) textAt.set(m.id, Date.now());
    return record(...messages);
  };

  const app = await startBenchApp(azurite.connectionString, {
    CTAC_WEBHOOK_SECRET: SECRET,
    NOTIFY_API_KEY: FAKE_NOTIFY_KEY,
    NOTIFY_BASE_URL: notify.url,
    NOTIFY_SMS_TEMPLATE_ID: FAKE_SMS_TEMPLATE,
  });
  const store = storeAt(azurite.connectionString);
  await saveBenchChannel(store, connector.url);

  // The rota: one primary (a daily rotation of one person, from yesterday); high alerts use the
  // default policy, whose first step pages the primary at once.
  const primary = person(1, 'Primary Person');
  const ten = Array.from({ length: TEN }, (_, i) => person(100 + i, `Pager ${i + 1}`));
  await seedPeople(store, connector.url, [primary, ...ten]);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await new TableRotationRepository(store).create(
    normaliseRotation({
      id: 'primary',
      name: 'CTAC primary',
      layer: 'primary',
      memberIds: [primary.aadObjectId],
      shiftLength: 'daily',
      handoverTime: '09:00',
      startDate: yesterday,
    }),
  );
  // Critical alerts (measure B): one step naming the ten, at once.
  await new TableEscalationPolicyStore(store).set(
    'critical',
    normalisePolicy({
      name: 'Ten people at once',
      steps: [
        {
          delayMinutes: 0,
          targets: ten.map((m) => ({ kind: 'member', memberId: m.aadObjectId })),
        },
      ],
      repeat: 0,
    }),
  );
  const contacts = new TableContactRepository(store);
  for (const [i, m] of ten.entries())
    await contacts.put({
      memberId: m.aadObjectId.toLowerCase(),
      mobile: `+4477009${String(i).padStart(5, '0')}`,
      preferences: { teamsAtOnce: true, textAfterMinutes: TEXT_AFTER_MINUTES, emailCopy: false },
      updatedAt: new Date().toISOString(),
      updatedBy: 'bench',
    });

  // What the connector accepted: the first time each alert (by the number in its title) reached the
  // channel, and each chat.
  const inChannel = new Map<number, number>();
  const inChat = new Map<string, Map<number, number>>();
  connector.onDelivered = (body, at, conversation) => {
    for (const m of body.matchAll(/(?:Page bench alert|Ten-person alert) (\d+):/g)) {
      const n = Number(m[1]);
      if (conversation === BENCH_CHANNEL) {
        if (!inChannel.has(n)) inChannel.set(n, at);
      } else {
        const chat = inChat.get(conversation) ?? new Map<number, number>();
        if (!chat.has(n)) chat.set(n, at);
        inChat.set(conversation, chat);
      }
    }
  };

  // A: open loop, one alert every 50 ms.
  const sentAt: number[] = [];
  const statuses = new Map<number, number>();
  const sends: Promise<void>[] = [];
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / RATE_PER_SECOND - Date.now();
    if (due > 0) await wait(due);
    sentAt[i] = Date.now();
    sends.push(
      postAlert(app.port, {
        source: 'incident',
        id: `PAGE-${i}`,
        title: `Page bench alert ${i}: ransomware on a file server`,
        severity: 'high',
        summary: 'Encryption of shared drives seen by the EDR.',
      }).then(
        ({ status }) => void statuses.set(status, (statuses.get(status) ?? 0) + 1),
        () => void statuses.set(0, (statuses.get(0) ?? 0) + 1),
      ),
    );
  }
  await Promise.all(sends);
  const primaryChat = () => inChat.get(chatOf(primary)) ?? new Map<number, number>();
  while (
    (primaryChat().size < count || inChannel.size < count) &&
    Date.now() - started < deliverTimeoutMs
  )
    await wait(200);
  const pagesAccepted = primaryChat().size;
  const throttledInA = connector.throttled;
  const pageDelays: number[] = [];
  const channelDelays: number[] = [];
  for (let i = 0; i < count; i++) {
    const paged = primaryChat().get(i);
    if (paged !== undefined) pageDelays.push(paged - sentAt[i]!);
    const seen = inChannel.get(i);
    if (seen !== undefined) channelDelays.push(seen - sentAt[i]!);
  }
  const limitDelays = teamsLimitSchedule(sentAt).map((at, i) => at - sentAt[i]!);
  const page = stats(pageDelays);
  const channel = stats(channelDelays);
  const limit = stats(limitDelays);

  // B: one critical alert paging ten people, repeated, each repeat 15 s after the last.
  const base = count;
  const rounds = await Promise.all(
    Array.from({ length: repeats }, async (_, r) => {
      await wait(r * REPEAT_GAP_MS);
      const n = base + r;
      const t0 = Date.now();
      const answer = await postAlert(app.port, {
        source: 'incident',
        id: `TEN-${r}`,
        title: `Ten-person alert ${n}: domain controller compromised`,
        severity: 'critical',
      });
      const textsFor = () =>
        notify.messages.filter(
          (m) => m.type === 'sms' && !!answer.id && m.reference?.includes(answer.id),
        );
      const teamsTimes = () =>
        ten.map((m) => inChat.get(chatOf(m))?.get(n)).filter((t): t is number => t !== undefined);
      const deadline = t0 + 120_000 + TEXT_AFTER_MINUTES * 60_000;
      while ((teamsTimes().length < TEN || textsFor().length < TEN) && Date.now() < deadline)
        await wait(100);
      const teams = teamsTimes();
      const texts = textsFor().map((m) => textAt.get(m.id)!);
      return {
        teams: teams.length === TEN ? Math.max(...teams) - t0 : undefined,
        firstTeams: teams.length ? Math.min(...teams) - t0 : undefined,
        texts: texts.length === TEN ? Math.max(...texts) - t0 : undefined,
        both:
          teams.length === TEN && texts.length === TEN
            ? Math.max(...teams, ...texts) - t0
            : undefined,
        teamsCount: teams.length,
        textCount: texts.length,
      };
    }),
  );
  const done = <T>(values: (T | undefined)[]) => values.filter((v): v is T => v !== undefined);
  const allTeams = done(rounds.map((r) => r.teams));
  const firstTeams = done(rounds.map((r) => r.firstTeams));
  const allTexts = done(rounds.map((r) => r.texts));
  const median = (v: number[]) => (v.length ? percentile(sorted(v), 50) : NaN);
  const textWait = TEXT_AFTER_MINUTES * 60_000;

  figure({
    measure: `paging at ${RATE_PER_SECOND} alerts a second: first page p99 against Teams' limits on one chat`,
    value: `${seconds(page.p99)} (floor ${seconds(limit.p99)})`,
    goal: "the floor: Teams' limits alone",
    ratio: page.p99 / limit.p99,
  });
  report(`## Paging (issue 16: time to the first page at ${RATE_PER_SECOND} alerts a second, and one alert paged to ten people)

A: ${count} signed webhook alerts (high: the default policy pages the primary at once) in ${stormSeconds} s, open loop, one primary
with a Teams id and a saved 1:1 chat. Times are from each alert's webhook request being sent.

| measure | p50 | p99 | max |
| --- | --- | --- | --- |
| first page accepted in the primary's chat (${pagesAccepted} of ${count}) | ${seconds(page.p50)} | ${seconds(page.p99)} | ${seconds(page.max)} |
| floor: the alert first visible in the ICS cyber channel (its card or a digest line; ${channelDelays.length} of ${count}) | ${seconds(channel.p50)} | ${seconds(channel.p99)} | ${seconds(channel.max)} |
| floor: Teams' limits on one chat alone (each page sent the moment its alert was) | ${seconds(limit.p50)} | ${seconds(limit.p99)} | ${seconds(limit.max)} |
| page / channel | ${(page.p50 / channel.p50).toFixed(2)}x | ${(page.p99 / channel.p99).toFixed(2)}x | |
| page / Teams' limits | ${(page.p50 / limit.p50).toFixed(2)}x | ${(page.p99 / limit.p99).toFixed(2)}x | |

Webhook answers: ${[...statuses].map(([s, n]) => `${s || 'no answer'} x${n}`).join(', ')}. Connector 429s during A: ${throttledInA}.

B: one critical alert whose first step names ten members, each with a mobile number and a text after ${TEXT_AFTER_MINUTES} minute
(the earliest allowed: the form offers 1 minute and the store reads 0 as the default 5; the app's clock is real in its
own process, so the bench waits the minute). ${repeats} repeats, ${REPEAT_GAP_MS / 1000} s apart; ${allTeams.length} and ${allTexts.length} of them completed.

| measure (p50 over the repeats) | time |
| --- | --- |
| first of the ten Teams pages accepted | ${seconds(median(firstTeams))} |
| all ten Teams pages accepted | ${seconds(median(allTeams))} |
| all ten texts at GOV.UK Notify (fake) | ${seconds(median(allTexts))} (${seconds(median(allTexts) - textWait)} after the minute) |
| all ten pages, Teams and texts | ${seconds(median(done(rounds.map((r) => r.both))))} |

Per repeat (Teams all / texts all): ${rounds.map((r) => `${r.teams === undefined ? `${r.teamsCount}/10` : seconds(r.teams)} / ${r.texts === undefined ? `${r.textCount}/10` : seconds(r.texts)}`).join('; ')}.
The app, Azurite and this process (the webhook client, the connector with Teams' limits and the fake Notify) each run
in their own process; times are wall-clock on the same machine.`);

  await app.stop();
  await notify.stop();
  await connector.stop();
  await azurite.stop();
  process.exit(0);
}

if (require.main === module)
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
