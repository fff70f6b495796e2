import type { AlertDigestRepository } from '../../../src/app/alerts/alert-digests';
import { DIGEST_JOIN_GATHER_MS } from '../../../src/app/alerts/alert-digests';
import type { EnqueueOptions, OutboxMessage, QueuedSend } from '../../../src/app/outbox';
import { DIGEST_HOLD_MS } from '../../../src/bot/alerts/storm-digests';
import {
  DIGEST_REPLY_GATHER_MS,
  TeamsAlertNotifier,
  type TeamsAlertNotifierDeps,
} from '../../../src/bot/alerts/teams-alert-notifier';
import { raiseAlert, type Alert } from '../../../src/domain/alerts';
import { FakeClock } from '../../../src/domain/shared/clock';
import { HandTimers, settle } from '../../helpers/hand-timers';
import { webhook } from './builders';

const CHANNEL = '19:ics-cyber@thread.tacv2';

/** The digests in memory, counting the writes. */
class MemoryDigests implements AlertDigestRepository {
  readonly members = new Map<string, string[]>();
  writes = 0;
  async add(digestId: string, alertId: string): Promise<void> {
    await this.addMany(digestId, [alertId]);
  }
  async addMany(digestId: string, alertIds: readonly string[]): Promise<void> {
    this.writes++;
    this.members.set(digestId, [...(this.members.get(digestId) ?? []), ...alertIds]);
  }
  async digestOf(alertId: string): Promise<string | undefined> {
    return [...this.members].find(([, ids]) => ids.includes(alertId))?.[0];
  }
  async alerts(digestId: string): Promise<string[]> {
    return [...(this.members.get(digestId) ?? [])];
  }
}

/** `drawsWhenSent`: the queue draws digests afresh when sent (as the app's does), from kept copies. */
function setUp({ drawsWhenSent = false } = {}) {
  const clock = new FakeClock('2026-12-03T05:00:00Z');
  const timers = new HandTimers();
  const digests = new MemoryDigests();
  const alerts = new Map<string, Alert>();
  const copies = new Map<string, Alert>();
  const rows: QueuedSend[] = [];
  let n = 0;
  let lookups = 0;
  let reads = 0;
  let rowReads = 0;
  const queue: TeamsAlertNotifierDeps['queue'] = {
    drawsDigestsWhenSent: drawsWhenSent,
    newId: () => `00000000000000${++n}`.slice(-15) + `_digest`,
    enqueue: async (message: OutboxMessage, opts: EnqueueOptions = {}) => {
      const id = opts.id ?? `row-${++n}`;
      rows.push({
        id,
        conversationKey: CHANNEL,
        message,
        state: 'queued',
        attempts: 0,
        notBefore: (opts.notBefore ?? clock.now()).toISOString(),
        enqueuedAt: clock.now().toISOString(),
        alertId: opts.alertId,
        digest: opts.digest,
        etag: '*',
      } as QueuedSend);
      return id;
    },
    get: async (id) => {
      rowReads++;
      return rows.find((r) => r.id === id);
    },
    findPostForAlert: async () => {
      lookups++;
      return undefined;
    },
    recentPosts: async () => [],
    reviseQueued: async (row, content) => {
      if (row.state !== 'queued' || row.message.kind !== 'channelPost') return false;
      row.message = { ...row.message, content };
      return true;
    },
  };
  const notifier = new TeamsAlertNotifier({
    queue,
    digests,
    conversations: {
      cyberChannel: async () => ({ id: CHANNEL }),
    } as unknown as TeamsAlertNotifierDeps['conversations'],
    alerts: {
      get: async (id) => {
        reads++;
        return alerts.has(id) ? { alert: alerts.get(id)!, etag: '*' } : undefined;
      },
      // The copies this process made: the alerts as raised.
      recent: (id) => (copies.has(id) ? { alert: copies.get(id)!, etag: 'copy' } : undefined),
    },
    recordPosted: async () => undefined,
    clock,
    timers,
    onCallNames: async () => [],
    member: async () => undefined,
    logger: { warn: () => undefined, error: () => undefined },
  });
  const raise = (i: number, title = `Storm alert ${i}: suspicious sign-ins`): Alert => {
    const { alert } = raiseAlert(
      { source: 'incident', dedupKey: `STORM-${i}`, title, severity: 'high' },
      { id: `A${String(i).padStart(4, '0')}`, actor: webhook, at: clock.now() },
    );
    alerts.set(alert.id, alert);
    copies.set(alert.id, alert);
    return alert;
  };
  const posts = () => rows.filter((r) => r.message.kind === 'channelPost');
  const digestPosts = () => posts().filter((r) => r.digest);
  const shown = (row: QueuedSend) =>
    JSON.stringify(row.message).match(/"title":"Show card"/g)?.length ?? 0;
  return {
    clock,
    timers,
    digests,
    rows,
    notifier,
    raise,
    posts,
    digestPosts,
    shown,
    alerts,
    lookups: () => lookups,
    reads: () => reads,
    rowReads: () => rowReads,
  };
}

describe('storm digests: joins gathered and written together, each digest one message', () => {
  test('when 100 alerts arrive together, then their lines are written in one batch per digest, each digest is queued once, as full as fits, and waits a moment in the outbox for more', async () => {
    const { clock, timers, digests, rows, notifier, raise, posts, digestPosts, shown } = setUp();
    const joined = Array.from({ length: 100 }, (_, i) => notifier.postToChannel(raise(i)));
    await settle();
    // The first five get their own card at once; the rest wait for the gathering.
    expect(posts()).toHaveLength(5);
    expect(digests.writes).toBe(0);
    timers.advance(DIGEST_JOIN_GATHER_MS);
    await Promise.all(joined);
    // 95 lines: full digests and the rest in a last one, one write and one post each.
    const sizes = digestPosts().map(shown);
    const full = sizes[0]!;
    expect(full).toBeGreaterThan(25);
    expect(sizes).toHaveLength(Math.ceil(95 / full));
    expect(sizes.slice(0, -1).every((n) => n === full)).toBe(true);
    expect(sizes.reduce((a, b) => a + b)).toBe(95);
    expect(digests.writes).toBe(sizes.length);
    const holdUntil = new Date(clock.now().getTime() + DIGEST_HOLD_MS).toISOString();
    for (const post of digestPosts()) expect(post.notBefore).toBe(holdUntil);
    // Every alert is on exactly one card, and nothing is sent twice.
    const all = [...digests.members.values()].flat();
    expect(new Set(all).size).toBe(95);
    expect(all).toHaveLength(95);
    expect(rows.filter((r) => r.message.kind === 'update')).toHaveLength(0);
  });

  test('when alerts join a digest whose post still waits to go out, then they are added to that post; once it is out, one update shows all that joined together', async () => {
    const { timers, rows, notifier, raise, digestPosts, shown } = setUp();
    const first = Array.from({ length: 7 }, (_, i) => notifier.postToChannel(raise(i)));
    await settle();
    timers.advance(DIGEST_JOIN_GATHER_MS);
    await Promise.all(first);
    expect(digestPosts().map(shown)).toEqual([2]);

    // Still waiting for its turn: a late joiner changes the post itself.
    const late = notifier.postToChannel(raise(7));
    await settle();
    timers.advance(DIGEST_JOIN_GATHER_MS);
    await late;
    expect(digestPosts().map(shown)).toEqual([3]);
    expect(rows.filter((r) => r.message.kind === 'update')).toHaveLength(0);

    // Out now: three more joining together cost one update.
    const post = digestPosts()[0]!;
    post.state = 'sent';
    post.delivered = { conversationId: `${CHANNEL};messageid=m1`, activityId: 'm1' };
    const three = [8, 9, 10].map((i) => notifier.postToChannel(raise(i)));
    await settle();
    timers.advance(DIGEST_JOIN_GATHER_MS);
    await Promise.all(three);
    const updates = rows.filter((r) => r.message.kind === 'update');
    expect(updates).toHaveLength(1);
    expect(JSON.stringify(updates[0]!.message)).toContain('Alert storm: 6 new alerts');
  });

  test('when an alert is paged while its line on a digest is still being gathered, then its card refresh waits for the line and looks for no card of its own', async () => {
    const { timers, notifier, raise, digestPosts, shown, lookups } = setUp();
    const storm = Array.from({ length: 7 }, (_, i) => raise(i));
    const joined = storm.map((alert) => notifier.postToChannel(alert));
    await settle();
    let refreshed = false;
    const refresh = notifier.refreshCard(storm[6]!).then(() => {
      refreshed = true;
    });
    await settle();
    expect(refreshed).toBe(false);
    timers.advance(DIGEST_JOIN_GATHER_MS);
    await Promise.all([...joined, refresh]);
    expect(lookups()).toBe(0);
    expect(digestPosts().map(shown)).toEqual([2]);
  });

  test('when the notifier is flushed, then the gathered joins are written and queued without waiting for the gathering to end', async () => {
    const { notifier, raise, digestPosts, shown } = setUp();
    const joined = Array.from({ length: 8 }, (_, i) => notifier.postToChannel(raise(i)));
    await settle();
    await notifier.flushDigests();
    await Promise.all(joined);
    expect(digestPosts().map(shown)).toEqual([3]);
  });
});

describe('storm digests drawn from the copies of their alerts made moments ago', () => {
  /** A digest of three queued (the first five alerts have cards of their own). */
  async function digestOfThree(drawsWhenSent: boolean) {
    const world = setUp({ drawsWhenSent });
    const joined = Array.from({ length: 8 }, (_, i) =>
      world.notifier.postToChannel(world.raise(i)),
    );
    await settle();
    world.timers.advance(DIGEST_JOIN_GATHER_MS);
    await Promise.all(joined);
    return { ...world, digest: world.digestPosts()[0]! };
  }

  test('when a digest is opened and then drawn to be sent, then its lines come from the copies and no alert is read', async () => {
    const { notifier, digest, reads } = await digestOfThree(true);
    const content = await notifier.digestNow(digest.id);
    expect(JSON.stringify(content)).toContain('Alert storm: 3 new alerts');
    expect(reads()).toBe(0);
    expect(notifier.digestDraws.drawnFrom(digest.id, 'A0006')?.etag).toBe('copy');
  });

  test('when alerts join a digest still waiting to go out, then its post is looked at once for them and nothing is drawn or read until it is sent', async () => {
    const { notifier, timers, raise, rowReads, reads, rows } = await digestOfThree(true);
    const before = rowReads();
    const late = [8, 9, 10].map((i) => notifier.postToChannel(raise(i)));
    await settle();
    timers.advance(DIGEST_JOIN_GATHER_MS);
    await Promise.all(late);
    expect(rowReads() - before).toBe(1);
    expect(reads()).toBe(0);
    expect(rows.filter((r) => r.message.kind === 'update')).toHaveLength(0);
  });

  test('when the queue does not draw digests when sent, then the digest queued is drawn from the alerts as stored', async () => {
    const { digest, reads } = await digestOfThree(false);
    expect(JSON.stringify(digest.message)).toContain('Alert storm: 3 new alerts');
    expect(reads()).toBe(3);
  });

  test('when an alert drawn on a sent digest was acknowledged elsewhere meanwhile, then the digest is drawn again from the alerts as stored; a change its line does not show sends nothing', async () => {
    const { notifier, digest, rows, alerts } = await digestOfThree(true);
    await notifier.digestNow(digest.id);
    digest.state = 'sent';
    digest.delivered = { conversationId: `${CHANNEL};messageid=m1`, activityId: 'm1' };
    const drawn = notifier.digestDraws.drawnFrom(digest.id, 'A0006')!.alert;
    const updates = () => rows.filter((r) => r.message.kind === 'update');

    // Paged meanwhile: the line is the same, so no update.
    const paged = { ...drawn, timeline: [...drawn.timeline] };
    await notifier.digestDraws.recorded(digest.id, [{ drawn, latest: paged }]);
    expect(updates()).toHaveLength(0);

    // Acknowledged meanwhile (by another instance): one update, drawn from the alert as stored.
    await notifier.digestNow(digest.id);
    const acked: Alert = {
      ...drawn,
      state: 'acknowledged',
      acknowledgedAt: '2026-12-03T05:00:30.000Z',
      acknowledgedBy: { id: 'jane', name: 'Jane Smith', source: 'teams' },
    };
    alerts.set('A0006', acked);
    await notifier.digestDraws.recorded(digest.id, [{ drawn, latest: acked }]);
    expect(updates()).toHaveLength(1);
    expect(JSON.stringify(updates()[0]!.message)).toContain('Acknowledged by Jane Smith');
  });

  test('when a digest drawn by another instance is recorded here, then it is drawn again, as nothing here proves its lines', async () => {
    const { notifier, digest, rows } = await digestOfThree(true);
    digest.state = 'sent';
    digest.delivered = { conversationId: `${CHANNEL};messageid=m1`, activityId: 'm1' };
    await notifier.digestDraws.recorded(digest.id, []);
    expect(rows.filter((r) => r.message.kind === 'update')).toHaveLength(1);
  });
});

describe('asks to the channel about a storm digest’s alerts', () => {
  test('when several alerts on one digest ask the channel, then one reply in its thread names each of them once the gathering ends; an alert with a card of its own replies at once', async () => {
    const { timers, rows, notifier, raise, digests } = setUp();
    const thread = `${CHANNEL};messageid=m9`;
    const onDigest = [1, 2, 3].map((i) => ({
      ...raise(i),
      channelPost: { conversationId: thread, activityId: 'm9' },
    }));
    await digests.addMany(
      'digest-1',
      onDigest.map((a) => a.id),
    );
    const single = {
      ...raise(4),
      channelPost: { conversationId: `${CHANNEL};messageid=m4`, activityId: 'm4' },
    };
    const ask = (severity: string) =>
      `Nobody on call has acknowledged this ${severity} alert yet. Can anyone in the channel pick it up?`;
    for (const a of onDigest) await notifier.replyInThread(a, ask('high'));
    await notifier.replyInThread(single, ask('low'));
    const replies = () => rows.filter((r) => r.message.kind === 'threadReply');
    expect(replies()).toHaveLength(1);
    expect(JSON.stringify(replies()[0]!.message)).toContain('messageid=m4');

    timers.advance(DIGEST_REPLY_GATHER_MS);
    await settle();
    expect(replies()).toHaveLength(2);
    const gathered = replies()[1]!.message;
    if (gathered.kind !== 'threadReply') throw new Error('not a reply');
    expect(gathered.conversationId).toBe(thread);
    const text = gathered.content.text ?? '';
    expect(text.match(/Nobody on call has acknowledged this high alert yet/g)).toHaveLength(1);
    for (const a of onDigest) expect(text).toContain(`${a.id}: ${a.title}`);
  });
});
