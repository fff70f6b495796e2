import { ContactBook } from '../../../src/app/contacts';
import type { PageSender } from '../../../src/app/paging';
import { TestPage, type TeamsDelivery } from '../../../src/app/test-page';
import { Directory } from '../../../src/app/directory';
import type { Member } from '../../../src/domain/people/member';
import { FakeClock } from '../../../src/domain/shared/clock';
import { CtacError } from '../../../src/domain/shared/errors';
import { CONTACT_TABLE, TableContactRepository } from '../../../src/store/contact-repository';
import { TableMemberRepository } from '../../../src/store/directory-repositories';
import type { TableStore } from '../../../src/store/tables';
import { startTestStore } from '../../helpers/azurite';

let store: TableStore;
let stop: () => Promise<void>;
const clock = new FakeClock('2026-11-28T09:03:00Z');

const person = (n: number, name: string, role: Member['role'] = 'member'): Member => ({
  aadObjectId: `a1a1a1a1-0000-4000-8000-00000000000${n}`,
  name,
  upn: `${name.split(' ')[0]!.toLowerCase()}@nhs.net`,
  orgCode: 'RXC',
  role,
  addedAt: '2026-11-01T09:00:00Z',
  addedBy: 'Asha Patel',
});
const asha = person(1, 'Asha Patel', 'lead');
const ben = person(2, 'Ben Okafor');
const chloe = person(3, 'Chloë Davies');

beforeAll(async () => {
  ({ store, stop } = await startTestStore());
  await store.createTables([CONTACT_TABLE]);
  const members = new TableMemberRepository(store);
  for (const m of [asha, ben, chloe]) await members.put(m);
});
afterAll(async () => stop());

const book = () => {
  const members = new TableMemberRepository(store);
  return new ContactBook({
    directory: { require: Directory.prototype.require },
    members,
    contacts: new TableContactRepository(store),
    clock,
  });
};

describe('contact store and the contact book (Azurite)', () => {
  test('when a member saves their details, then they read back as saved, in +44 form', async () => {
    const saved = await book().save(ben, {
      mobile: '07700 900123',
      email: 'Ben@NHS.net',
      textAfterMinutes: 'off',
      emailCopy: 'true',
    });
    expect(saved).toEqual({
      memberId: ben.aadObjectId,
      mobile: '+447700900123',
      email: 'ben@nhs.net',
      preferences: { teamsAtOnce: true, textAfterMinutes: 'off', emailCopy: true },
      updatedAt: '2026-11-28T09:03:00.000Z',
      updatedBy: 'Ben Okafor',
    });
    expect(await new TableContactRepository(store).get(ben.aadObjectId.toUpperCase())).toEqual(
      saved,
    );
    expect(await book().hasMobile(ben.aadObjectId)).toBe(true);
    expect(await book().hasMobile(chloe.aadObjectId)).toBe(false);
  });

  test('when a member clears their number, then it is gone and the defaults stay typed', async () => {
    await book().save(ben, { mobile: '', email: '', textAfterMinutes: '5' });
    expect(await book().mine(ben)).toEqual(
      expect.not.objectContaining({ mobile: expect.anything() }),
    );
    expect((await book().mine(ben))?.preferences).toEqual({
      teamsAtOnce: true,
      textAfterMinutes: 5,
      emailCopy: false,
    });
  });

  test('when the details are wrong, then nothing is saved and every problem is listed', async () => {
    const before = await book().mine(chloe);
    const error = await book()
      .save(chloe, { mobile: '01273 123456', email: 'nope' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CtacError);
    expect((error as CtacError).problems).toHaveLength(2);
    expect(await book().mine(chloe)).toEqual(before);
  });

  test('when a lead opens the form, then they see who has no mobile number; a member does not', async () => {
    await book().save(asha, { mobile: '+44 7700 900111' });
    await book().save(ben, { mobile: '07700 900222' });
    const lead = await book().formFacts(asha);
    expect(lead.withoutMobile?.map((m) => m.name)).toEqual(['Chloë Davies']);
    expect(lead.mine.mobile).toBe('+447700900111');
    const member = await book().formFacts(chloe);
    expect(member.withoutMobile).toBeUndefined();
    expect(member.mine).toMatchObject({
      memberId: chloe.aadObjectId,
      preferences: { textAfterMinutes: 5 },
    });
  });

  test('when someone who is not a member asks, then they are refused', async () => {
    await expect(book().formFacts(undefined)).rejects.toMatchObject({ code: 'not_a_member' });
  });
});

describe('test page', () => {
  const recordingSender = (outcomes: Partial<Record<'text' | 'email', 'ok' | 'bad'>> = {}) => {
    const sent: { kind: string; to: string; personalisation: Record<string, string> }[] = [];
    const answer = (kind: 'text' | 'email') =>
      outcomes[kind] === 'bad'
        ? {
            kind: 'failed' as const,
            reason: 'invalid-number' as const,
            retryable: false,
            detail: '400',
            at: clock.now(),
          }
        : { kind: 'delivered' as const, notifyId: `${kind}-1`, at: clock.now() };
    const sender: PageSender = {
      textEnabled: true,
      emailEnabled: true,
      sendText: async (to, r) => (
        sent.push({ kind: 'text', to, personalisation: { ...r.personalisation } }),
        answer('text')
      ),
      sendEmail: async (to, r) => (
        sent.push({ kind: 'email', to, personalisation: { ...r.personalisation } }),
        answer('email')
      ),
    };
    return { sender, sent };
  };
  const teamsAfter = (looks: TeamsDelivery[]) => {
    const queued: string[] = [];
    return {
      queued,
      teams: {
        send: async (memberId: string, text: string) => (queued.push(`${memberId}: ${text}`), 'q1'),
        delivery: async () => looks.shift() ?? looks.at(-1) ?? { state: 'pending' as const },
      },
    };
  };
  const run = (opts: { sender?: PageSender; looks: TeamsDelivery[]; waitMs?: number }) => {
    const { teams, queued } = teamsAfter(opts.looks);
    const sleeps: number[] = [];
    const page = new TestPage({
      directory: { require: Directory.prototype.require },
      contacts: new TableContactRepository(store),
      teams,
      ...(opts.sender ? { sender: opts.sender } : {}),
      clock,
      sleep: async (ms) => void sleeps.push(ms),
      teamsWaitMs: opts.waitMs ?? 1000,
      appUrl: () => 'https://ctac.example.nhs.uk',
    });
    return { page, queued, sleeps };
  };

  test('when a member with a number and an email asks, then Teams, text and email are each sent and reported', async () => {
    await book().save(ben, { mobile: '07700 900222', email: 'ben@nhs.net' });
    const { sender, sent } = recordingSender();
    const sentAt = new Date('2026-11-28T09:03:05Z');
    const { page, queued, sleeps } = run({
      sender,
      looks: [{ state: 'pending' }, { state: 'sent', at: sentAt }],
    });
    const report = await page.run(ben);
    expect(report.teams).toEqual({ kind: 'delivered', at: sentAt });
    expect(report.text).toEqual({ kind: 'delivered', at: clock.now(), to: '+447700900222' });
    expect(report.email).toEqual({ kind: 'delivered', at: clock.now(), to: 'ben@nhs.net' });
    expect(queued[0]).toMatch(new RegExp(`^${ben.aadObjectId}: CTAC test page\\.`));
    expect(sent.map((s) => [s.kind, s.to])).toEqual([
      ['text', '+447700900222'],
      ['email', 'ben@nhs.net'],
    ]);
    expect(sent[0]!.personalisation).toEqual({
      subject: 'CTAC test page',
      message: expect.stringContaining('28 Nov 2026, 09:03'),
      link: 'https://ctac.example.nhs.uk',
    });
    expect(sleeps).toEqual([250]);
  });

  test('when Notify is not set up and Teams does not confirm in time, then the report says so', async () => {
    const { page, sleeps } = run({ looks: [{ state: 'pending' }], waitMs: 500 });
    const report = await page.run(chloe);
    expect(report.teams).toEqual({ kind: 'queued', at: clock.now() });
    expect(report.text).toEqual({ kind: 'not_configured' });
    expect(report.email).toEqual({ kind: 'not_configured' });
    expect(sleeps).toEqual([250, 250]);
  });

  test('when the member has no number, then the text is "not set", and a failed Teams message and a refused email are reported', async () => {
    const { sender } = recordingSender({ email: 'bad' });
    await book().save(chloe, { email: 'chloe@nhs.net' });
    const { page } = run({ sender, looks: [{ state: 'failed', detail: 'not found' }] });
    const report = await page.run(chloe);
    expect(report.teams).toEqual({ kind: 'failed', why: 'not found' });
    expect(report.text).toEqual({ kind: 'not_set' });
    expect(report.email).toEqual({
      kind: 'failed',
      why: 'GOV.UK Notify refused the number',
      to: 'chloe@nhs.net',
    });
  });
});
