import { HsaResponses } from '../../../src/app/alerts/hsa-responses';
import type { Member } from '../../../src/domain/people/member';
import { tabDeepLink } from '../../../src/domain/shared/tab-links';
import { HsaReminderJob } from '../../../src/jobs/hsa-reminder-job';
import {
  HSA_RESPONSE_TABLES,
  TableHsaResponseRepository,
} from '../../../src/store/alert-hsa-response-repository';
import { TableOrganisationRepository } from '../../../src/store/directory-repositories';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';
import { alertWorld, as, incident, people, RecordingNotifier, webhookActor } from './fixtures';

let store: TableStore;
let stop: () => Promise<void>;
beforeEach(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables(Object.values(HSA_RESPONSE_TABLES));
});
afterEach(() => stop());

const kim: Member = {
  aadObjectId: '00000000-0000-0000-0000-000000000009',
  name: 'Kim Hughes',
  upn: 'kim@example.gov.uk',
  orgCode: 'ESCC',
  role: 'member',
  addedAt: '2026-11-01T09:00:00.000Z',
  addedBy: 'test',
};

class MentionNotifier extends RecordingNotifier {
  mentions: { alertId: string; text: string; ids: string[] }[] = [];
  async replyInThreadMentioning(alert: { id: string }, text: string, ids: string[]) {
    this.mentions.push({ alertId: alert.id, text, ids });
  }
}

async function hsaWorld(
  notifier = new RecordingNotifier(),
  tabLink?: ConstructorParameters<typeof HsaResponses>[0]['tabLink'],
) {
  // The alert service starts following up each HSA it takes in, as the app wires it.
  const wired: { responses?: HsaResponses } = {};
  const w = await alertWorld(store, { followUpHsa: (alert, o) => wired.responses!.follow(alert, o) });
  const orgs = new TableOrganisationRepository(store);
  for (const [code, name] of [
    ['RXH', 'University Hospitals Sussex'],
    ['ESCC', 'East Sussex County Council'],
  ])
    await orgs.create({
      code,
      name,
      isOes: false,
      createdAt: '2026-11-01T09:00:00Z',
      createdBy: 'test',
    });
  await w.members.put(kim);
  const responses = new HsaResponses({
    alerts: w.alerts,
    responses: new TableHsaResponseRepository(store),
    organisations: orgs,
    members: w.members,
    directory: w.directory,
    notifier,
    clock: w.clock,
    ...(tabLink && { tabLink }),
  });
  wired.responses = responses;
  const hsa = (
    await w.service.ingest(
      {
        source: 'hsa',
        dedupKey: 'CC-9003',
        title: 'Critical remote code execution in Example VPN Gateway',
        severity: 'High',
        publishedAt: '2026-11-27T09:00:00Z',
      },
      webhookActor,
    )
  ).alert;
  return { ...w, hsa, responses, notifier };
}

test('when a member responds for their organisation, then only that organisation’s line changes and the card follows', async () => {
  const w = await hsaWorld();
  expect((await w.responses.respond(as(people.sam), w.hsa.id, { kind: 'acknowledge' })).ok).toBe(
    true,
  );
  const patched = await w.responses.respond(as(people.alex), w.hsa.id, {
    kind: 'remediation',
    value: 'patched',
  });
  expect(patched).toMatchObject({
    ok: true,
    response: { applicability: 'affected', remediation: 'patched' },
  });

  const lines = await w.responses.lines(w.hsa.id);
  expect(
    lines.map((l) => [l.orgCode, l.response.acknowledgedBy?.name ?? '-', l.response.remediation]),
  ).toEqual([
    ['ESCC', '-', 'not started'],
    ['RXH', 'Sam Patel', 'patched'],
  ]);
  // High: patch within 14 days of publication, acknowledge within 48 hours.
  const escc = lines[0];
  expect(escc.due.acknowledgeBy?.toISOString()).toBe('2026-11-29T09:00:00.000Z');
  expect(escc.due.patchBy?.toISOString()).toBe('2026-12-11T09:00:00.000Z');
  expect(w.notifier.of('refresh').filter((c) => c.alertId === w.hsa.id)).toHaveLength(2);
});

test('when two people from one organisation acknowledge at once, then one acknowledgement is kept and the other hears who', async () => {
  const w = await hsaWorld();
  const outcomes = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      w.responses.respond(as(i % 2 ? people.sam : people.alex), w.hsa.id, { kind: 'acknowledge' }),
    ),
  );
  expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  for (const o of outcomes.filter((o) => !o.ok))
    expect(o).toMatchObject({
      code: 'already_acknowledged',
      message: expect.stringMatching(
        /^RXH already acknowledged this HSA: (Sam Patel|Alex Jones) at 28 Nov 2026, 09:00\.$/,
      ),
    });
  const events = await new TableHsaResponseRepository(store).events(w.hsa.id);
  expect(events.map((e) => [e.orgCode, e.kind])).toEqual([['RXH', 'acknowledged']]);
});

test('when the caller is not a member, has no organisation, names an incident or forges a change, then nothing changes', async () => {
  const w = await hsaWorld();
  await expect(
    w.responses.respond(as(undefined), w.hsa.id, { kind: 'acknowledge' }),
  ).rejects.toMatchObject({
    code: 'not_a_member',
  });
  const orgless = { ...people.ada, orgCode: '' };
  await expect(
    w.responses.respond(as(orgless), w.hsa.id, { kind: 'acknowledge' }),
  ).rejects.toMatchObject({
    code: 'forbidden',
  });
  const { alert: incidentAlert } = await w.service.ingest(incident(), webhookActor);
  await expect(
    w.responses.respond(as(people.sam), incidentAlert.id, { kind: 'acknowledge' }),
  ).rejects.toMatchObject({ code: 'bad_request' });
  const forged = await w.responses.respond(as(people.sam), w.hsa.id, {
    kind: 'delete',
  } as unknown as { kind: 'acknowledge' });
  expect(forged).toMatchObject({ ok: false, code: 'invalid_value' });
  const badValue = await w.responses.respond(as(people.sam), w.hsa.id, {
    kind: 'remediation',
    value: 'sorted' as 'patched',
  });
  expect(badValue).toMatchObject({ ok: false, code: 'invalid_value' });
  expect(await new TableHsaResponseRepository(store).events(w.hsa.id)).toEqual([]);
});

test('when an organisation has not acknowledged after 48 hours, then its members are reminded once in the thread', async () => {
  const notifier = new MentionNotifier();
  const w = await hsaWorld(notifier);
  await w.responses.respond(as(people.sam), w.hsa.id, { kind: 'acknowledge' });
  const job = new HsaReminderJob({ responses: w.responses, clock: w.clock });
  expect(await job.tick(new Date('2026-11-29T08:59:00Z'))).toBe(0);
  expect(await job.tick(new Date('2026-11-29T09:01:00Z'))).toBe(1);
  expect(notifier.mentions).toEqual([
    {
      alertId: w.hsa.id,
      ids: [kim.aadObjectId],
      text: "Reminder for CC-9003: ESCC: acknowledging the HSA was due by 29 Nov 2026, 09:00. Please update your organisation's response on the card.",
    },
  ]);
  // Again, and from a second instance: no more reminders for the same item.
  const second = new HsaReminderJob({ responses: w.responses, clock: w.clock });
  expect(
    await Promise.all([
      job.tick(new Date('2026-11-29T10:00:00Z')),
      second.tick(new Date('2026-11-29T10:00:00Z')),
    ]),
  ).toEqual([0, 0]);
});

test('when the Teams app id is known, then a reminder links to the HSA in the CTAC tab', async () => {
  const notifier = new MentionNotifier();
  const w = await hsaWorld(notifier, (target) => tabDeepLink('app-id', target));
  await w.responses.respond(as(people.sam), w.hsa.id, { kind: 'acknowledge' });
  expect(await w.responses.remindOverdue(new Date('2026-11-29T09:01:00Z'))).toBe(1);
  const link = tabDeepLink('app-id', { kind: 'hsa', id: w.hsa.id });
  expect(notifier.mentions.map((m) => m.text)).toEqual([
    `Reminder for CC-9003: ESCC: acknowledging the HSA was due by 29 Nov 2026, 09:00. Please update your organisation's response on the card or in the CTAC tab: ${link}`,
  ]);
});

test('when the notifier cannot mention people, then the reminder names them in the text', async () => {
  const w = await hsaWorld();
  await w.responses.remindOverdue(new Date('2026-11-29T09:01:00Z'));
  const texts = w.notifier.of('reply').map((c) => c.text);
  expect(texts).toContainEqual(
    expect.stringMatching(/^Kim Hughes: Reminder for CC-9003: ESCC: acknowledging/),
  );
  expect(texts).toContainEqual(
    expect.stringMatching(
      /^Sam Patel, Alex Jones, Lee Evans, Ada Okafor: Reminder for CC-9003: RXH/,
    ),
  );
});

test('when a member sends the response form with several changes, then they are saved in one step with an event each, in order', async () => {
  const w = await hsaWorld();
  const result = await w.responses.respondWithForm(as(people.sam), w.hsa.id, {
    applicability: 'affected',
    remediation: 'in progress',
    note: 'Patching the VPN gateways tonight.',
  });
  expect(result).toEqual({ refusals: [] });
  const events = await new TableHsaResponseRepository(store).events(w.hsa.id);
  expect(events.map((e) => [e.orgCode, e.kind, e.acknowledged])).toEqual([
    ['RXH', 'applicability', true],
    ['RXH', 'remediation', false],
    ['RXH', 'update', false],
  ]);
  const rxh = (await w.responses.lines(w.hsa.id)).find((l) => l.orgCode === 'RXH')!;
  expect(rxh.response).toMatchObject({
    applicability: 'affected',
    remediation: 'in progress',
    lastNote: 'Patching the VPN gateways tonight.',
    acknowledgedBy: { name: 'Sam Patel' },
  });
  // One save, so the card is refreshed once.
  expect(w.notifier.of('refresh').filter((c) => c.alertId === w.hsa.id)).toHaveLength(1);
});

test('when the form repeats what is recorded, then nothing is saved and nobody is warned; a bad choice changes nothing', async () => {
  const w = await hsaWorld();
  await w.responses.respondWithForm(as(people.sam), w.hsa.id, {
    applicability: 'affected',
    remediation: 'nochange',
    note: '',
  });
  expect(
    await w.responses.respondWithForm(as(people.alex), w.hsa.id, {
      applicability: 'affected',
      remediation: 'nochange',
      note: '',
    }),
  ).toEqual({ refusals: [] });
  await expect(
    w.responses.respondWithForm(as(people.sam), w.hsa.id, {
      applicability: 'maybe',
      remediation: 'patched',
      note: 'Done.',
    }),
  ).rejects.toMatchObject({
    code: 'validation',
    problems: ['Choose whether you are affected from the list.'],
  });
  const events = await new TableHsaResponseRepository(store).events(w.hsa.id);
  expect(events.map((e) => e.kind)).toEqual(['applicability']);
  expect(w.notifier.of('refresh').filter((c) => c.alertId === w.hsa.id)).toHaveLength(1);
});

test('when a form note is too long, then the other changes are saved and the refusal is told', async () => {
  const w = await hsaWorld();
  const result = await w.responses.respondWithForm(as(people.sam), w.hsa.id, {
    applicability: 'nochange',
    remediation: 'patched',
    note: 'x'.repeat(2001),
  });
  expect(result.refusals).toEqual([expect.stringMatching(/^The note must be at most 2,000/)]);
  const events = await new TableHsaResponseRepository(store).events(w.hsa.id);
  expect(events.map((e) => e.kind)).toEqual(['remediation']);
});

test('when someone who is not a member sends the form, then it is refused before the HSA is read', async () => {
  const w = await hsaWorld();
  await expect(
    w.responses.respondWithForm(as(undefined), 'no-such-alert', {
      applicability: 'nochange',
      remediation: 'nochange',
      note: '',
    }),
  ).rejects.toMatchObject({ code: 'not_a_member' });
});

test('when the HSA’s channel alert is resolved, then organisations not finished are still reminded, until each has patched, mitigated or is not affected', async () => {
  const notifier = new MentionNotifier();
  const w = await hsaWorld(notifier);
  await w.responses.respond(as(people.sam), w.hsa.id, { kind: 'acknowledge' });
  // Resolving is triage done, before the job has ever looked at the HSA.
  expect((await w.service.resolve(as(people.sam), w.hsa.id, 'Triage done')).ok).toBe(true);
  const job = new HsaReminderJob({ responses: w.responses, clock: w.clock });
  expect(await job.tick(new Date('2026-11-29T09:01:00Z'))).toBe(1);
  expect(notifier.mentions.map((m) => m.text)).toEqual([
    expect.stringContaining('ESCC: acknowledging the HSA was due by 29 Nov 2026, 09:00.'),
  ]);

  // ESCC has mitigated: it is finished, so only RXH hears that its update is late.
  await w.responses.respond(as(kim), w.hsa.id, { kind: 'remediation', value: 'mitigated' });
  expect(await job.tick(new Date('2026-12-01T09:01:00Z'))).toBe(1);
  expect(notifier.mentions.at(-1)?.text).toContain('RXH: an update was due by 1 Dec 2026, 09:00.');

  // RXH is not affected: every organisation has finished, so no reminders, even for the patch.
  await w.responses.respond(as(people.sam), w.hsa.id, {
    kind: 'applicability',
    value: 'not affected',
  });
  expect(await job.tick(new Date('2026-12-20T09:00:00Z'))).toBe(0);
  const repository = new TableHsaResponseRepository(store);
  expect(await repository.followUps('unfinished')).toEqual([]);
  expect(await repository.followUps('finished')).toEqual([
    expect.objectContaining({ alertId: w.hsa.id, finishedAt: '2026-11-28T09:00:00.000Z' }),
  ]);
});

test('when the board is read, then it lists every HSA an organisation has not finished, resolved or not, and keeps the finished ones as history', async () => {
  const w = await hsaWorld();
  const finished = (
    await w.service.ingest(
      {
        source: 'hsa',
        dedupKey: 'CC-9004',
        title: 'Privilege escalation in Example Hypervisor',
        severity: 'High',
        publishedAt: '2026-11-28T08:00:00Z',
      },
      webhookActor,
    )
  ).alert;
  await w.service.resolve(as(people.sam), w.hsa.id, 'Triage done');
  await w.service.resolve(as(people.sam), finished.id, 'Triage done');
  await w.responses.respond(as(people.sam), finished.id, { kind: 'remediation', value: 'patched' });
  await w.responses.respond(as(kim), finished.id, { kind: 'applicability', value: 'not affected' });
  await w.responses.respond(as(kim), w.hsa.id, { kind: 'remediation', value: 'patched' });

  const board = await w.responses.board(new Date('2026-11-30T09:00:00Z'));
  expect(board.current.map((e) => [e.alert.dedupKey, e.alert.state])).toEqual([
    ['CC-9003', 'resolved'],
  ]);
  expect(
    board.current[0]!.lines.map((l) => [l.orgCode, l.response.remediation, l.overdue.length > 0]),
  ).toEqual([
    ['ESCC', 'patched', false],
    ['RXH', 'not started', true],
  ]);
  expect(board.history.map((e) => e.alert.dedupKey)).toEqual(['CC-9004']);

  // An organisation reopening its response brings the HSA back.
  await w.responses.respond(as(kim), finished.id, { kind: 'applicability', value: 'affected' });
  const again = await w.responses.board(new Date('2026-11-30T09:00:00Z'));
  expect(again.current.map((e) => e.alert.dedupKey)).toEqual(['CC-9004', 'CC-9003']);
  expect(again.history).toEqual([]);
});

test('when NHS England publishes an alert below High, then no organisation has clocks or reminders until a lead asks, and then responses without clocks', async () => {
  const notifier = new MentionNotifier();
  const w = await hsaWorld(notifier);
  const medium = (
    await w.service.ingest(
      {
        source: 'hsa',
        dedupKey: 'CC-9010',
        title: 'Information disclosure in Example Mail',
        severity: 'Medium',
        publishedAt: '2026-11-26T09:00:00Z',
      },
      webhookActor,
    )
  ).alert;
  // Posted for information: no lines, nothing to respond to, nobody reminded, not on the board.
  expect(await w.responses.lines(medium.id)).toEqual([]);
  await expect(
    w.responses.respond(as(people.sam), medium.id, { kind: 'acknowledge' }),
  ).rejects.toMatchObject({ code: 'bad_request' });
  const job = new HsaReminderJob({ responses: w.responses, clock: w.clock });
  await job.tick(new Date('2026-12-30T09:00:00Z'));
  expect(notifier.mentions.filter((m) => m.alertId === medium.id)).toEqual([]);
  expect(
    (await w.responses.board(new Date('2026-11-28T10:00:00Z'))).current.map((e) => e.alert.id),
  ).toEqual([w.hsa.id]);

  // A member may not ask; a lead may, once.
  await expect(w.responses.askForResponses(as(people.sam), medium.id)).rejects.toMatchObject({
    code: 'forbidden',
  });
  expect(await w.responses.askForResponses(as(people.lee), medium.id)).toEqual({
    message: 'Each organisation can now record its response on the card.',
  });
  expect(await w.responses.askForResponses(as(people.lee), medium.id)).toEqual({
    message: 'The organisations have been asked already.',
  });
  expect(await w.responses.askForResponses(as(people.lee), w.hsa.id)).toEqual({
    message: 'Every organisation responds to a High Severity Alert already.',
  });
  expect(w.notifier.of('refresh').filter((c) => c.alertId === medium.id)).toHaveLength(1);

  // Responses without clocks: no deadlines, nothing overdue, no reminders; on the board.
  await w.responses.respond(as(people.sam), medium.id, { kind: 'acknowledge' });
  const lines = await w.responses.lines(medium.id, new Date('2026-12-30T09:00:00Z'));
  expect(lines.map((l) => [l.orgCode, l.due, l.overdue])).toEqual([
    ['ESCC', {}, []],
    ['RXH', {}, []],
  ]);
  await job.tick(new Date('2026-12-31T09:00:00Z'));
  expect(notifier.mentions.filter((m) => m.alertId === medium.id)).toEqual([]);
  const board = await w.responses.board(new Date('2026-11-28T10:00:00Z'));
  expect(board.current.map((e) => e.alert.dedupKey)).toEqual(['CC-9003', 'CC-9010']);
});
