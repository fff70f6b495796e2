import type { Member } from '../domain/people/member';
import type { Organisation } from '../domain/people/organisation';

/** Result of a conditional write: a lost race is an expected outcome, not an exception. */
export type Conditional<T> = { ok: true; value: T } | { ok: false; reason: 'conflict' | 'exists' };

export interface OrganisationRepository {
  get(code: string): Promise<Organisation | undefined>;
  list(): Promise<Organisation[]>;
  /** Creates only when the code is new. */
  create(org: Organisation): Promise<Conditional<Organisation>>;
  /** Creates or replaces the organisation record. */
  put(org: Organisation): Promise<void>;
  /** Deletes the organisation record (gone already is fine). */
  remove(code: string): Promise<void>;
}

export interface MemberRepository {
  get(aadObjectId: string): Promise<Member | undefined>;
  list(): Promise<Member[]>;
  /** Creates or replaces the member record. */
  put(member: Member): Promise<void>;
  /** Deletes the member record; nothing happens when there is none. */
  remove(aadObjectId: string): Promise<void>;
}

/** An opaque Teams conversation reference, saved for proactive posts. */
export interface SavedConversation {
  kind: 'team' | 'channel' | 'personal' | 'groupChat';
  id: string;
  teamId?: string;
  /** A team's (or its channel's) Microsoft 365 group id, which Graph's /teams/{id} takes; when Teams gave it. */
  aadGroupId?: string;
  name?: string;
  reference: unknown;
  updatedAt: string;
}

export interface ConversationRepository {
  save(conversation: SavedConversation): Promise<void>;
  get(kind: SavedConversation['kind'], id: string): Promise<SavedConversation | undefined>;
  list(kind: SavedConversation['kind']): Promise<SavedConversation[]>;
  /** Records that something happened once (e.g. the welcome card for a team); false if it already had. */
  markOnce(key: string, at: string): Promise<boolean>;
  /**
   * The ICS cyber channel: where alerts, escalations and handovers go. The channel an admin chose with the
   * `channel` command, else the one the app was installed in, else the channel heard from most recently.
   */
  cyberChannel(): Promise<SavedConversation | undefined>;
  /** Chooses the ICS cyber channel; with `onlyIfUnset` it keeps an earlier choice (first install). */
  chooseCyberChannel(
    channelId: string,
    at: string,
    opts?: { onlyIfUnset?: boolean },
  ): Promise<void>;
}

export interface StoreHealth {
  ping(): Promise<void>;
}

/** A person in the team's roster, as Teams tells us. */
export interface TeamMember {
  aadObjectId: string;
  name: string;
  upn?: string;
  /** The Teams user id (29:...), with which CTAC can open a 1:1 chat. */
  teamsUserId?: string;
}

/** What happened when CTAC was installed for a person (Microsoft Graph in src/graph). */
export type AppInstallResult = 'installed' | 'already_installed' | 'failed';

/**
 * Installs CTAC in a person's own Teams (their personal scope), so it can open a 1:1 chat with someone
 * who has not used it. Failures are results, never thrown: adding a member must not fail because of it.
 */
export interface AppInstallation {
  installFor(aadObjectId: string): Promise<AppInstallResult>;
}
