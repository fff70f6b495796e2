import { DIGEST_JOIN_GATHER_MS, DigestJoinGathering } from '../../../src/app/alerts/alert-digests';
import { HandTimers, settle } from '../../helpers/hand-timers';

function setUp(fail?: (batch: string[]) => boolean) {
  const timers = new HandTimers();
  const batches: string[][] = [];
  let release: (() => void) | undefined;
  let holdWrites = false;
  const gathering = new DigestJoinGathering<string>(async (items) => {
    batches.push(items);
    if (holdWrites) await new Promise<void>((resolve) => (release = resolve));
    if (fail?.(items)) throw new Error('the store refused');
  }, timers);
  return {
    timers,
    batches,
    gathering,
    holdWrites: () => (holdWrites = true),
    finishWrite: () => {
      holdWrites = false;
      release?.();
    },
  };
}

describe('digest join gathering', () => {
  test('when alerts join within the gathering time, then nothing is written until it ends, then all of them in one batch, in order', async () => {
    const { timers, batches, gathering } = setUp();
    const joined = ['A1', 'A2', 'A3'].map((id) => gathering.add(id));
    timers.advance(DIGEST_JOIN_GATHER_MS - 1);
    await settle();
    expect(batches).toEqual([]);
    timers.advance(1);
    await Promise.all(joined);
    expect(batches).toEqual([['A1', 'A2', 'A3']]);
    expect(timers.pending).toBe(0);
  });

  test('when alerts join while a batch is being written, then they wait for it and go together in the next batch, with no timer of their own', async () => {
    const { timers, batches, gathering, holdWrites, finishWrite } = setUp();
    holdWrites();
    const first = gathering.add('A1');
    timers.advance(DIGEST_JOIN_GATHER_MS);
    await settle();
    expect(batches).toEqual([['A1']]);
    const later = ['A2', 'A3', 'A4'].map((id) => gathering.add(id));
    expect(timers.pending).toBe(0);
    let laterDone = false;
    void Promise.all(later).then(() => (laterDone = true));
    finishWrite();
    await first;
    await Promise.all(later);
    expect(laterDone).toBe(true);
    expect(batches).toEqual([['A1'], ['A2', 'A3', 'A4']]);
  });

  test('when a batch cannot be written, then only its alerts are refused, and the next batch is written', async () => {
    const { timers, batches, gathering } = setUp((batch) => batch.includes('BAD'));
    const refused = [gathering.add('A1'), gathering.add('BAD')];
    timers.advance(DIGEST_JOIN_GATHER_MS);
    for (const r of refused) await expect(r).rejects.toThrow('the store refused');
    const next = gathering.add('A2');
    timers.advance(DIGEST_JOIN_GATHER_MS);
    await next;
    expect(batches).toEqual([['A1', 'BAD'], ['A2']]);
  });

  test('when the gathering is flushed, then what waits is written at once and its timer writes nothing more', async () => {
    const { timers, batches, gathering } = setUp();
    const joined = gathering.add('A1');
    await gathering.flush();
    await joined;
    timers.advance(DIGEST_JOIN_GATHER_MS);
    await settle();
    expect(batches).toEqual([['A1']]);
  });
});
