import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, as, incident, people, webhookActor } from './fixtures';

/*
 * Escalation pages by rota layer (issue 16): the medium policy's first step targets the primary layer,
 * its second the secondary. "Escalate now" fires each step in turn.
 */

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
});
afterEach(() => stop());

const { sam, alex, lee, ada } = people;
const leads = [lee.aadObjectId, ada.aadObjectId].sort();

async function mediumAlert(w: Awaited<ReturnType<typeof alertWorld>>) {
  const { alert } = await w.service.ingest(incident({ severity: 'medium' }), webhookActor);
  return alert;
}

test('when two people are primary, then the secondary step pages the secondary, not the second primary', async () => {
  const w = await alertWorld(store);
  w.onCall.layers = { primary: [sam.aadObjectId, alex.aadObjectId], secondary: [lee.aadObjectId] };
  const alert = await mediumAlert(w);
  await w.service.escalateNow(as(sam), alert.id);
  expect(w.notifier.pagedTo()).toEqual([sam.aadObjectId, alex.aadObjectId]);
  const second = await w.service.escalateNow(as(sam), alert.id);
  expect(w.notifier.pagedTo().slice(2)).toEqual([lee.aadObjectId]);
  expect(second.ok && second.alert.timeline.at(-1)).toMatchObject({
    kind: 'paged',
    recipients: [{ id: lee.aadObjectId, name: 'Lee Evans' }],
  });
  expect(w.notifier.of('message')).toEqual([]);
});

test('when the primary layer has a gap, then the primary step pages the secondary and each lead is told 1:1', async () => {
  const w = await alertWorld(store);
  w.onCall.layers = { primary: [], secondary: [alex.aadObjectId] };
  const alert = await mediumAlert(w);
  await w.service.escalateNow(as(sam), alert.id);
  expect(w.notifier.pagedTo()).toEqual([alex.aadObjectId]);
  const told = w.notifier.of('message');
  expect(told.map((m) => m.to).sort()).toEqual(leads);
  for (const message of told)
    expect(message.text).toBe(
      'Nobody is on call in the primary layer of the rota for "Ransomware detected on a file server": the secondary was paged instead. Check the rota.',
    );
});

test('when the secondary layer has a gap, then the secondary step pages the leads and tells them why', async () => {
  const w = await alertWorld(store);
  w.onCall.layers = { primary: [sam.aadObjectId], secondary: [] };
  const alert = await mediumAlert(w);
  await w.service.escalateNow(as(sam), alert.id);
  expect(w.notifier.of('message')).toEqual([]);
  await w.service.escalateNow(as(sam), alert.id);
  expect(w.notifier.pagedTo().slice(1).sort()).toEqual(leads);
  expect(w.notifier.of('message').map((m) => m.text)).toEqual([
    expect.stringContaining('Nobody is on call in the secondary layer of the rota'),
    expect.stringContaining('Nobody is on call in the secondary layer of the rota'),
  ]);
});

test('when nobody is on call anywhere, then the primary step pages the leads', async () => {
  const w = await alertWorld(store);
  w.onCall.layers = { primary: [], secondary: [] };
  const alert = await mediumAlert(w);
  await w.service.escalateNow(as(sam), alert.id);
  expect(w.notifier.pagedTo().sort()).toEqual(leads);
  expect(w.notifier.of('message').map((m) => m.text)).toEqual([
    expect.stringContaining('Nobody is on call in either layer of the rota'),
    expect.stringContaining('Nobody is on call in either layer of the rota'),
  ]);
});

test('when telling a lead about a gap fails, then the page still goes and is recorded', async () => {
  const w = await alertWorld(store);
  w.onCall.layers = { primary: [], secondary: [alex.aadObjectId] };
  w.notifier.messageMember = () => Promise.reject(new Error('queue unavailable'));
  const alert = await mediumAlert(w);
  const outcome = await w.service.escalateNow(as(sam), alert.id);
  expect(w.notifier.pagedTo()).toEqual([alex.aadObjectId]);
  expect(outcome.ok && outcome.alert.timeline.at(-1)).toMatchObject({ kind: 'paged' });
});
