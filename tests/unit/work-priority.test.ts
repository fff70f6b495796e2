import { inBackground, isBackground, StorageGate } from '../../src/app/work-priority';

/** A storage request that answers when told to, noting that it started. */
const pending = () => {
  const started: string[] = [];
  const release = new Map<string, () => void>();
  const request = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      release.set(name, () => resolve(name));
    });
  const finish = async (name: string) => {
    release.get(name)!();
    // Let the gate hand the freed slot on.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { started, request, finish };
};

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

test('background work started with inBackground stays background through awaits, and other work is not', async () => {
  expect(isBackground()).toBe(false);
  const seen = await inBackground(async () => {
    await new Promise((r) => setTimeout(r, 1));
    return isBackground();
  });
  expect(seen).toBe(true);
  expect(isBackground()).toBe(false);
});

test('while someone waits on storage, background requests go a few at a time and the rest queue; the waiting request never queues', async () => {
  let now = 0;
  const gate = new StorageGate({ busy: 2, idle: 10, quietMs: 100, now: () => now });
  const { started, request, finish } = pending();
  // A webhook's insert is in flight.
  const foreground = gate.send(request('person'));
  const background = inBackground(() =>
    Array.from({ length: 5 }, (_, i) => gate.send(request(`bg${i}`))),
  );
  await flush();
  expect(started).toEqual(['person', 'bg0', 'bg1']);
  expect(gate.queued).toBe(3);
  // Another person's request goes at once, whatever is queued.
  const second = gate.send(request('person2'));
  await flush();
  expect(started).toContain('person2');
  // One background request ends: the next takes its slot, still two at a time.
  await finish('bg0');
  expect(started.filter((s) => s.startsWith('bg'))).toEqual(['bg0', 'bg1', 'bg2']);
  await finish('person');
  await finish('person2');
  // Nobody has waited for more than quietMs: the background opens up when a slot is next handed on.
  now += 150;
  await finish('bg1');
  expect(started.filter((s) => s.startsWith('bg'))).toEqual(['bg0', 'bg1', 'bg2', 'bg3', 'bg4']);
  for (const name of ['bg2', 'bg3', 'bg4']) await finish(name);
  await expect(Promise.all([foreground, second, ...background])).resolves.toHaveLength(7);
});

test('when nobody is waiting on storage, background requests go many at once', async () => {
  const gate = new StorageGate({ busy: 2, idle: 6, quietMs: 100, now: () => 1_000 });
  const { started, request } = pending();
  inBackground(() => Array.from({ length: 8 }, (_, i) => void gate.send(request(`bg${i}`))));
  await flush();
  expect(started).toHaveLength(6);
  expect(gate.queued).toBe(2);
});

test('a background request that fails frees its slot for the next', async () => {
  const gate = new StorageGate({ busy: 1, idle: 1, now: () => 0 });
  const failing = inBackground(() => gate.send(() => Promise.reject(new Error('storage down'))));
  const next = inBackground(() => gate.send(() => Promise.resolve('next')));
  await expect(failing).rejects.toThrow('storage down');
  await expect(next).resolves.toBe('next');
});

/**
 * Notes each turn of the event loop (a request arriving on a socket is read in such a turn) until
 * stopped: `log` gets 'turn' once a turn.
 */
const loopTurns = (log: string[]) => {
  let running = true;
  const tick = () => {
    log.push('turn');
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return () => {
    running = false;
  };
};

/** True when no two background pieces ran in the same turn of the event loop. */
const eachInATurnOfItsOwn = (log: string[]) =>
  log.every((entry, i) => entry === 'turn' || log[i + 1] === undefined || log[i + 1] === 'turn');

test('background work woken by storage answers at the same moment resumes one piece a turn, so a request arriving meanwhile is read between them', async () => {
  const gate = new StorageGate({ idle: 10, now: () => 0 });
  const log: string[] = [];
  const stop = loopTurns(log);
  await inBackground(() =>
    Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        await gate.send(() => Promise.resolve(i));
        log.push(`bg${i}`);
      }),
    ),
  );
  stop();
  expect(log.filter((e) => e !== 'turn')).toEqual(['bg1', 'bg2', 'bg3', 'bg4']);
  expect(eachInATurnOfItsOwn(log)).toBe(true);
});

test('a request for someone waiting resumes at once, not in a turn of its own', async () => {
  const gate = new StorageGate({ now: () => 0 });
  const log: string[] = [];
  const stop = loopTurns(log);
  await Promise.all(
    [1, 2, 3].map(async (i) => {
      await gate.send(() => Promise.resolve(i));
      log.push(`person${i}`);
    }),
  );
  stop();
  // All three in the turn they were answered in, before the loop turned at all.
  expect(log.slice(0, 3)).toEqual(['person1', 'person2', 'person3']);
});
