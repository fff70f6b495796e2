import {
  findGaps,
  scheduleBetween,
  swapOverrides,
  type RotaGap,
  type RotaOverride,
} from '../domain/rota';
import { parseUkDateTime } from '../domain/rota/uk-date-time';
import type { Member } from '../domain/people/member';
import type { Clock } from '../domain/shared/clock';
import { CtacError } from '../domain/shared/errors';
import type { IdGenerator } from '../domain/shared/ids';
import type { ContactRepository } from './contacts';
import type { Directory } from './directory';
import type { MemberRepository } from './ports';
import type {
  CalendarLinkRepository,
  LeaveRepository,
  OverrideRepository,
  RotationRepository,
  SwapRepository,
} from './rota/ports';

/** How far ahead the gaps a removal opens are shown before it is confirmed. */
export const LEAVER_GAP_WEEKS = 4;
const WEEK_MS = 7 * 86_400_000;
/** A removal from the rota has no end: the override runs a century (the rota keeps no longer). */
const FOR_GOOD_MS = 100 * 365 * 86_400_000;
/** "Now" typed a moment ago is still now. */
const PAST_GRACE_MS = 5 * 60_000;

export interface LeaverDeps {
  directory: Pick<Directory, 'require' | 'removeMember'>;
  members: Pick<MemberRepository, 'list'>;
  rotations: Pick<RotationRepository, 'list'>;
  overrides: Pick<OverrideRepository, 'add' | 'listOverlapping'>;
  leave: Pick<LeaveRepository, 'listOverlapping'>;
  swaps: Pick<SwapRepository, 'listInEffect'>;
  calendarLinks: Pick<CalendarLinkRepository, 'removeMember'>;
  contacts: Pick<ContactRepository, 'remove'>;
  clock: Clock;
  ids: IdGenerator;
}

/** What removing a member would do, shown before an admin confirms it. */
export interface LeaverPreview {
  member: Member;
  from: Date;
  /** Gaps in the rota over the next weeks that removing them opens (none before). */
  gaps: RotaGap[];
}

/**
 * A member leaves CTAC (admins, from their own Entra id): from a chosen time they are off the rota (past
 * shifts stay as they were), their calendar links and contact details go (no more pages by Teams, text or
 * email), and their member record is marked removed, so they no longer count as a member; what they did
 * keeps their name, and the audit log records who removed them.
 */
export class Leavers {
  constructor(private readonly deps: LeaverDeps) {}

  /** The member named by `who` (name, email or sign-in name, or Entra id) and the gaps their removal opens. */
  async preview(actor: Member | undefined, who: string, fromText = ''): Promise<LeaverPreview> {
    const admin = this.deps.directory.require(actor, 'admin', 'remove members');
    const member = await this.find(who);
    if (member.aadObjectId === admin.aadObjectId)
      throw new CtacError('forbidden', 'You cannot remove yourself. Ask another admin to do it.');
    const from = this.readFrom(fromText);
    return { member, from, gaps: await this.gapsOpened(member.aadObjectId, from) };
  }

  /** Removes the member from `fromText` (default now); answers the member as they were. */
  async confirm(actor: Member | undefined, who: string, fromText = ''): Promise<LeaverPreview> {
    const preview = await this.preview(actor, who, fromText);
    const { member, from } = preview;
    const off: RotaOverride = {
      id: this.deps.ids.next(),
      kind: 'remove',
      memberId: member.aadObjectId,
      start: from,
      end: new Date(from.getTime() + FOR_GOOD_MS),
      createdBy: actor!.aadObjectId,
      createdAt: this.deps.clock.now(),
      note: `Left CTAC (removed by ${actor!.name})`,
    };
    await this.deps.overrides.add(off);
    await this.deps.calendarLinks.removeMember(member.aadObjectId);
    await this.deps.contacts.remove(member.aadObjectId);
    await this.deps.directory.removeMember(actor, member.aadObjectId);
    return preview;
  }

  private async find(who: string): Promise<Member> {
    const wanted = who.trim().toLowerCase();
    if (!wanted)
      throw new CtacError('validation', 'Please choose who to remove.', [
        'Choose a person from the list of CTAC members.',
      ]);
    const members = await this.deps.members.list();
    const matches = members.filter(
      (m) =>
        m.aadObjectId.toLowerCase() === wanted ||
        m.upn.toLowerCase() === wanted ||
        m.name.toLowerCase() === wanted,
    );
    const found =
      matches.length > 0 ? matches : members.filter((m) => m.name.toLowerCase().includes(wanted));
    if (found.length === 1) return found[0]!;
    throw new CtacError(
      'validation',
      'Please choose who to remove.',
      found.length === 0
        ? [`No CTAC member is called "${who.trim().slice(0, 60)}". Type "members" to see them.`]
        : [`${found.length} members match "${who.trim().slice(0, 60)}": give their email address.`],
    );
  }

  private readFrom(text: string): Date {
    const now = this.deps.clock.now();
    if (!text.trim()) return now;
    const read = parseUkDateTime(text, now);
    if (!read.ok) throw new CtacError('validation', 'Please check from when.', [read.error]);
    if (read.at.getTime() < now.getTime() - PAST_GRACE_MS)
      throw new CtacError('validation', 'Please check from when.', [
        'Choose now or a later time: shifts already past stay as they were.',
      ]);
    return read.at.getTime() < now.getTime() ? now : read.at;
  }

  /** The gaps over the next weeks with the member off the rota from `from` that were not there before. */
  private async gapsOpened(memberId: string, from: Date): Promise<RotaGap[]> {
    const to = new Date(from.getTime() + LEAVER_GAP_WEEKS * WEEK_MS);
    const [stored, overrides, leave, swaps] = await Promise.all([
      this.deps.rotations.list(),
      this.deps.overrides.listOverlapping(from, to),
      this.deps.leave.listOverlapping(from, to),
      this.deps.swaps.listInEffect(from, to),
    ]);
    const rotations = stored.map((r) => r.rotation);
    const changes = [...overrides, ...swaps.flatMap(swapOverrides)];
    const before = findGaps(scheduleBetween(rotations, changes, leave, from, to));
    const off: RotaOverride = {
      id: 'leaver-preview',
      kind: 'remove',
      memberId,
      start: from,
      end: to,
      createdBy: memberId,
      createdAt: from,
    };
    const after = findGaps(scheduleBetween(rotations, [...changes, off], leave, from, to));
    // A gap is new where its time was covered before (any part of it).
    return after.filter(
      (gap) =>
        !before.some(
          (b) =>
            b.layer === gap.layer &&
            b.start.getTime() <= gap.start.getTime() &&
            b.end.getTime() >= gap.end.getTime(),
        ),
    );
  }
}
