import { createHash } from 'crypto';
import type { Member } from '../../domain/people/member';
import type { Clock } from '../../domain/shared/clock';
import type { MemberRepository } from '../ports';
import { buildRotaCalendar } from '../rota-calendar';
import type { CalendarLinkRepository, CalendarScope } from './ports';
import type { RotaService } from './rota-service';

const DAY_MS = 86_400_000;
/** A feed shows the last month (for timesheets) and the next six months. */
const PAST_DAYS = 31;
const FUTURE_DAYS = 183;

/** A secret long enough that guessing one is hopeless: 32 random bytes, URL-safe. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{40,64}$/;

/** How a secret is kept: only its SHA-256, so the table never holds a working link. */
export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** A member's two calendar links; a link is given only when it is made (it cannot be shown again). */
export interface MemberCalendarLinks {
  /** Their own shifts. */
  mine?: string;
  /** The whole rota. */
  rota?: string;
}

export interface RotaCalendarFeedsDeps {
  rota: RotaService;
  links: CalendarLinkRepository;
  /** Whether a link's owner is still a CTAC member, asked on every fetch. */
  members: Pick<MemberRepository, 'get'>;
  clock: Clock;
  /** The app's public base URL, known once it listens. */
  baseUrl: () => string;
  newSecret: () => string;
}

/**
 * Secret-link iCalendar feeds: each member has one with their own shifts and one with the whole rota.
 * The link is the only credential, as Outlook cannot sign in to a subscribed calendar, so links are
 * kept hashed, shown once, can be replaced (the old one ends at once), and end with their member.
 */
export class RotaCalendarFeeds {
  constructor(private readonly deps: RotaCalendarFeedsDeps) {}

  /** Makes the member's links they do not have yet; those they have are left alone and not given. */
  async linksFor(member: Member): Promise<MemberCalendarLinks> {
    const [mine, rota] = await Promise.all(
      scopesOf(member).map(async (scope) => {
        const secret = this.deps.newSecret();
        return (await this.deps.links.create(scope, hashSecret(secret)))
          ? this.url(secret)
          : undefined;
      }),
    );
    return { mine, rota };
  }

  /** New links for the member in place of the ones they had, which stop working at once. */
  async reset(member: Member): Promise<Required<MemberCalendarLinks>> {
    const [mine, rota] = await Promise.all(
      scopesOf(member).map(async (scope) => {
        const secret = this.deps.newSecret();
        await this.deps.links.replace(scope, hashSecret(secret));
        return this.url(secret);
      }),
    );
    return { mine: mine!, rota: rota! };
  }

  /**
   * The feed's iCalendar text, or undefined for a secret nobody holds: unknown, replaced, or given to
   * someone who is no longer a CTAC member (whose links are then deleted).
   */
  async feed(secret: string): Promise<string | undefined> {
    if (!SECRET_PATTERN.test(secret)) return undefined;
    const scope = await this.deps.links.find(hashSecret(secret));
    if (!scope) return undefined;
    if (!(await this.deps.members.get(scope.memberId))) {
      await this.deps.links.removeMember(scope.memberId);
      return undefined;
    }
    const now = this.deps.clock.now();
    const [window, people] = await Promise.all([
      this.deps.rota.schedule(
        new Date(now.getTime() - PAST_DAYS * DAY_MS),
        new Date(now.getTime() + FUTURE_DAYS * DAY_MS),
      ),
      this.deps.rota.people(),
    ]);
    const names = new Map([...people].map(([id, p]) => [id, p.name]));
    return buildRotaCalendar({
      name: this.nameOf(scope, names),
      shifts:
        scope.kind === 'member'
          ? window.shifts.filter((s) => s.memberId === scope.memberId)
          : window.shifts,
      memberNames: names,
      now,
    });
  }

  private nameOf(scope: CalendarScope, names: Map<string, string>): string {
    return scope.kind === 'rota'
      ? 'CTAC on-call rota'
      : `CTAC on call: ${names.get(scope.memberId) ?? 'a former member'}`;
  }

  private url(secret: string): string {
    return `${this.deps.baseUrl()}/api/calendar/${secret}.ics`;
  }
}

/** The member's two scopes, own shifts first. */
const scopesOf = (member: Member): CalendarScope[] => {
  const memberId = member.aadObjectId.toLowerCase();
  return [
    { kind: 'member', memberId },
    { kind: 'rota', memberId },
  ];
};
