import type { Member } from '../domain/people/member';
import type { Clock } from '../domain/shared/clock';
import { formatUkDateTime } from '../domain/shared/time';
import type { ContactRepository } from './contacts';
import type { Directory } from './directory';
import { PAGE_FAILURE_TEXT, type PageOutcome, type PageSender } from './paging';

/** A 1:1 Teams message through the outbox, and where its delivery stands. */
export interface PersonalMessages {
  /** Queues a message to the member's chat with CTAC; answers the outbox row's id. */
  send(memberId: string, text: string): Promise<string>;
  delivery(id: string): Promise<TeamsDelivery>;
}

export type TeamsDelivery =
  { state: 'sent'; at: Date } | { state: 'failed'; detail: string } | { state: 'pending' };

/** What happened on one channel of a test page. */
export type ChannelResult =
  | { kind: 'delivered'; at: Date; to?: string }
  | { kind: 'failed'; why: string; to?: string }
  /** Queued for Teams but not confirmed while we waited (the outbox keeps trying). */
  | { kind: 'queued'; at: Date }
  /** The member has not given a number or address for it. */
  | { kind: 'not_set' }
  /** GOV.UK Notify is not set up for this channel. */
  | { kind: 'not_configured' };

export interface TestPageReport {
  at: Date;
  teams: ChannelResult;
  text: ChannelResult;
  email: ChannelResult;
}

export interface TestPageDeps {
  directory: Pick<Directory, 'require'>;
  contacts: Pick<ContactRepository, 'get'>;
  teams: PersonalMessages;
  /** Absent when GOV.UK Notify is not configured. */
  sender?: PageSender;
  clock: Clock;
  /** Waits between looks at the Teams delivery (injected: tests do not wait). */
  sleep: (ms: number) => Promise<void>;
  /** How long to wait for Teams to confirm the message (default 10 s). */
  teamsWaitMs?: number;
  /** The app's address, for the link in texts and emails. */
  appUrl?: () => string;
}

const POLL_MS = 250;

/**
 * `test page` (any member): pages the caller on every channel they have set, at once, so they can
 * check before a shift that a real page would reach them; answers what was delivered where.
 */
export class TestPage {
  constructor(private readonly deps: TestPageDeps) {}

  async run(actor: Member | undefined): Promise<TestPageReport> {
    const me = this.deps.directory.require(actor, 'member', 'send yourself a test page');
    const at = this.deps.clock.now();
    const contact = await this.deps.contacts.get(me.aadObjectId);
    const message = `This is the test page you asked for at ${formatUkDateTime(at)} (UK time). Nothing needs doing: if you can read this, CTAC can reach you here.`;
    const request = {
      reference: `test-${me.aadObjectId.toLowerCase()}-${at.getTime()}`,
      personalisation: { subject: 'CTAC test page', message, link: this.deps.appUrl?.() ?? '' },
    };
    const sender = this.deps.sender;
    const [teams, text, email] = await Promise.all([
      this.teams(me, `CTAC test page. ${message}`),
      !sender?.textEnabled
        ? notConfigured()
        : contact?.mobile
          ? sender.sendText(contact.mobile, request).then((o) => result(o, contact.mobile!))
          : notSet(),
      !sender?.emailEnabled
        ? notConfigured()
        : contact?.email
          ? sender.sendEmail(contact.email, request).then((o) => result(o, contact.email!))
          : notSet(),
    ]);
    return { at, teams, text, email };
  }

  private async teams(me: Member, text: string): Promise<ChannelResult> {
    const id = await this.deps.teams.send(me.aadObjectId.toLowerCase(), text);
    const wait = this.deps.teamsWaitMs ?? 10_000;
    for (let waited = 0; ; waited += POLL_MS) {
      const d = await this.deps.teams.delivery(id);
      if (d.state === 'sent') return { kind: 'delivered', at: d.at };
      if (d.state === 'failed') return { kind: 'failed', why: d.detail };
      if (waited >= wait) return { kind: 'queued', at: this.deps.clock.now() };
      await this.deps.sleep(POLL_MS);
    }
  }
}

const notConfigured = async (): Promise<ChannelResult> => ({ kind: 'not_configured' });
const notSet = async (): Promise<ChannelResult> => ({ kind: 'not_set' });

function result(outcome: PageOutcome, to: string): ChannelResult {
  return outcome.kind === 'delivered'
    ? { kind: 'delivered', at: outcome.at, to }
    : { kind: 'failed', why: PAGE_FAILURE_TEXT[outcome.reason], to };
}
