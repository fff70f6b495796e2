import {
  DEFAULT_PAGING_PREFERENCES,
  normaliseContact,
  type ContactDetails,
  type ContactInput,
} from '../domain/people/contact';
import { hasRole, type Member } from '../domain/people/member';
import type { Clock } from '../domain/shared/clock';
import type { Directory } from './directory';
import type { MemberRepository } from './ports';

/** Members' contact details (src/store/contact-repository.ts). */
export interface ContactRepository {
  get(memberId: string): Promise<ContactDetails | undefined>;
  put(details: ContactDetails): Promise<void>;
  list(): Promise<ContactDetails[]>;
  /** Forgets a member's details (they left CTAC): no text or email can go to them after. */
  remove(memberId: string): Promise<void>;
}

export interface ContactBookDeps {
  directory: Pick<Directory, 'require'>;
  members: Pick<MemberRepository, 'list'>;
  contacts: ContactRepository;
  clock: Clock;
}

/** What the `contact` form shows: the caller's details, and for a lead who has no mobile number. */
export interface ContactFormFacts {
  mine: ContactDetails;
  /** Leads only: members with no mobile number, by name (undefined for other members). */
  withoutMobile?: Member[];
}

/**
 * `contact` (any member): one's own mobile number, email address and how one wants to be paged. Only
 * the member themselves sets their details; leads see who has no mobile number, not the numbers.
 */
export class ContactBook {
  constructor(private readonly deps: ContactBookDeps) {}

  /** The caller's details (defaults when none are saved yet) and, for a lead, who has no number. */
  async formFacts(actor: Member | undefined): Promise<ContactFormFacts> {
    const me = this.deps.directory.require(actor, 'member', 'set contact details');
    const mine = (await this.deps.contacts.get(me.aadObjectId)) ?? this.blank(me);
    if (!hasRole(me, 'lead')) return { mine };
    return { mine, withoutMobile: await this.withoutMobile() };
  }

  /** Saves what the caller typed; a validation CtacError lists every problem at once. */
  async save(actor: Member | undefined, input: ContactInput): Promise<ContactDetails> {
    const me = this.deps.directory.require(actor, 'member', 'set contact details');
    const details: ContactDetails = {
      memberId: me.aadObjectId.toLowerCase(),
      ...normaliseContact(input),
      updatedAt: this.deps.clock.now().toISOString(),
      updatedBy: me.name,
    };
    await this.deps.contacts.put(details);
    return details;
  }

  /** The caller's saved details, if any. */
  async mine(actor: Member | undefined): Promise<ContactDetails | undefined> {
    const me = this.deps.directory.require(actor, 'member', 'see contact details');
    return this.deps.contacts.get(me.aadObjectId);
  }

  /** Whether a member has a mobile number (for `reach`). */
  async hasMobile(memberId: string): Promise<boolean> {
    return !!(await this.deps.contacts.get(memberId))?.mobile;
  }

  /** Members with no mobile number, by name. */
  private async withoutMobile(): Promise<Member[]> {
    const [members, contacts] = await Promise.all([
      this.deps.members.list(),
      this.deps.contacts.list(),
    ]);
    const withMobile = new Set(
      contacts.filter((c) => c.mobile).map((c) => c.memberId.toLowerCase()),
    );
    return members
      .filter((m) => !withMobile.has(m.aadObjectId.toLowerCase()))
      .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  }

  private blank(me: Member): ContactDetails {
    return {
      memberId: me.aadObjectId.toLowerCase(),
      preferences: { ...DEFAULT_PAGING_PREFERENCES },
      updatedAt: '',
      updatedBy: '',
    };
  }
}
