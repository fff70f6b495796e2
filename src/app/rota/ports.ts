import type {
  Leave,
  OnCallNow,
  RotaLayer,
  RotaOverride,
  Rotation,
  SwapEvent,
  SwapRequest,
} from '../../domain/rota';
import type { Conditional } from '../ports';
import type { RotaPerson } from '../../domain/rota/rota-person';

/** A stored rotation with the ETag its next conditional write must match. */
export interface StoredRotation {
  rotation: Rotation;
  etag: string;
}

export interface RotationRepository {
  get(id: string): Promise<StoredRotation | undefined>;
  list(): Promise<StoredRotation[]>;
  /** Creates only when no rotation has this id (`exists` otherwise). */
  create(rotation: Rotation): Promise<Conditional<StoredRotation>>;
  /** Replaces the rotation if unchanged since `etag` (`conflict` otherwise). */
  update(rotation: Rotation, etag: string): Promise<Conditional<StoredRotation>>;
}

/** Overrides (cover, add, remove) for time ranges. */
export interface OverrideRepository {
  get(id: string): Promise<RotaOverride | undefined>;
  /** Creates only when the id is new. */
  add(override: RotaOverride): Promise<Conditional<RotaOverride>>;
  /** Deletes; false when there was nothing to delete. */
  remove(id: string): Promise<boolean>;
  /** Every override that shares time with [from, to). */
  listOverlapping(from: Date, to: Date): Promise<RotaOverride[]>;
}

export interface LeaveRepository {
  get(id: string): Promise<Leave | undefined>;
  add(leave: Leave): Promise<Conditional<Leave>>;
  remove(id: string): Promise<boolean>;
  listOverlapping(from: Date, to: Date): Promise<Leave[]>;
}

export interface StoredSwap {
  swap: SwapRequest;
  etag: string;
}

/** Swap requests and their audit events, written together. */
export interface SwapRepository {
  get(id: string): Promise<StoredSwap | undefined>;
  /** Creates the swap and its first event only if the id is new. */
  create(swap: SwapRequest, event: SwapEvent): Promise<Conditional<StoredSwap>>;
  /** Replaces the swap if unchanged since `etag`, appending its event atomically. */
  update(swap: SwapRequest, etag: string, event: SwapEvent): Promise<Conditional<StoredSwap>>;
  /** Accepted or approved swaps whose shifts share time with [from, to). */
  listInEffect(from: Date, to: Date): Promise<SwapRequest[]>;
  /** The swap's audit trail, oldest first. */
  events(id: string): Promise<SwapEvent[]>;
}

/**
 * "This was done once" markers for the jobs: the first instance to claim a key does the work, every
 * other instance (and the same one after a restart) sees the claim and skips it.
 */
export interface JobClaims {
  claim(key: string, at: Date, by: string): Promise<boolean>;
}

/** Who a calendar feed is for: the whole rota or one member. */
/**
 * What a calendar link shows: the whole rota, or one member's shifts. Every link belongs to a member (the
 * one it was given to), so removing a member ends their links, the whole-rota one included.
 */
export interface CalendarScope {
  kind: 'rota' | 'member';
  memberId: string;
}

/**
 * Secret calendar links, kept only as a SHA-256 hash of the secret: whoever can read the table cannot
 * read the calendars. One link per scope; a new one ends the old at once.
 */
export interface CalendarLinkRepository {
  /** Gives the scope a link with this secret hash unless it has one already (then false: nothing made). */
  create(scope: CalendarScope, secretHash: string): Promise<boolean>;
  /** Gives the scope a link with this secret hash in place of any it had, which stops working at once. */
  replace(scope: CalendarScope, secretHash: string): Promise<void>;
  /** The scope whose current link has this secret hash; undefined for an unknown or replaced one. */
  find(secretHash: string): Promise<CalendarScope | undefined>;
  /** Ends the member's links (their shifts and the whole rota). */
  removeMember(memberId: string): Promise<void>;
}

/** The people a notice names, by member id (RotaService.people). */
type NoticePeople = ReadonlyMap<string, RotaPerson>;

/** Something the rota tells people; the Teams notifier (src/bot/rota) renders it as a card. */
export type RotaNotice =
  /** Who is on call from a handover, with the open alerts they inherit (one line each). */
  | {
      kind: 'handover';
      at: Date;
      onCall: OnCallNow;
      people: NoticePeople;
      openAlerts: string[];
      /** One line for each person on call in the coming shifts whom Teams cannot reach. */
      unreachable?: string[];
    }
  /** To the person coming on call: their stretch in a layer. */
  | {
      kind: 'shiftReminder';
      memberId: string;
      layer: RotaLayer;
      start: Date;
      end: Date;
      people: NoticePeople;
    }
  /** To the leads: nobody is on call in a layer from `start` (until `end`, if within `lookaheadDays`). */
  | {
      kind: 'gap';
      layer: RotaLayer;
      start: Date;
      end?: Date;
      lookaheadDays: number;
      /** One line for each person on call in the coming shifts whom Teams cannot reach. */
      unreachable?: string[];
    }
  /** A swap offered or answered, with a line for the person told. */
  | { kind: 'swap'; swap: SwapRequest; people: NoticePeople; note: string };

/**
 * Delivery of the rota's notices (implemented in src/bot/rota, which renders them). Each call answers
 * whether the message went; a person who has never talked to the bot cannot be messaged 1:1 and gets
 * `false`.
 */
export interface RotaNotifier {
  /** A new post in the ICS cyber channel. */
  postToChannel(notice: RotaNotice): Promise<boolean>;
  /** A 1:1 message to a member, by Entra object id. */
  sendToMember(memberId: string, notice: RotaNotice): Promise<boolean>;
}

/** A person as the organisation's directory (Entra ID) knows them. */
export interface DirectoryPerson {
  aadObjectId: string;
  name: string;
  upn: string;
}

/** Finds people who have not used the bot yet (Microsoft Graph in src/graph). */
export interface PeopleLookup {
  /** By sign-in name (UPN) or email address; undefined when there is nobody (or no one person). */
  findBySignInName(text: string): Promise<DirectoryPerson | undefined>;
}

/** Notifications in a person's Teams activity feed (Microsoft Graph in src/graph); optional. */
export interface ActivityFeed {
  /** Answers whether the notification was accepted. */
  notify(memberId: string, text: string): Promise<boolean>;
}
