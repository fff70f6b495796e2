import type { Member } from '../../domain/people/member';
import type { Clock } from '../../domain/shared/clock';
import { buildRotaCalendar } from '../rota-calendar';
import type { CalendarLinkRepository, CalendarScope } from './ports';
import type { RotaService } from './rota-service';

const DAY_MS = 86_400_000;
/** A feed shows the last month (for timesheets) and the next six months. */
const PAST_DAYS = 31;
const FUTURE_DAYS = 183;

/** A secret long enough that guessing one is hopeless: 32 random bytes, URL-safe. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{40,64}$/;

/**
 * Secret-link iCalendar feeds: one per member (their own shifts) and one for the whole rota. The
 * link is the only credential, as Outlook cannot sign in to a subscribed calendar.
 */
export class RotaCalendarFeeds {
  constructor(
    private readonly rota: RotaService,
    private readonly links: CalendarLinkRepository,
    private readonly clock: Clock,
    /** The app's public base URL, known once it listens. */
    private readonly baseUrl: () => string,
    private readonly newSecret: () => string,
  ) {}

  async linksFor(member: Member): Promise<{ mine: string; rota: string }> {
    const [mine, rota] = await Promise.all([
      this.links.secretFor(
        { kind: 'member', memberId: member.aadObjectId.toLowerCase() },
        this.newSecret,
      ),
      this.links.secretFor({ kind: 'rota' }, this.newSecret),
    ]);
    return { mine: this.url(mine), rota: this.url(rota) };
  }

  /** The feed's iCalendar text, or undefined for a secret nobody was given. */
  async feed(secret: string): Promise<string | undefined> {
    if (!SECRET_PATTERN.test(secret)) return undefined;
    const scope = await this.links.find(secret);
    if (!scope) return undefined;
    const now = this.clock.now();
    const [window, people] = await Promise.all([
      this.rota.schedule(
        new Date(now.getTime() - PAST_DAYS * DAY_MS),
        new Date(now.getTime() + FUTURE_DAYS * DAY_MS),
      ),
      this.rota.people(),
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
    return `${this.baseUrl()}/api/calendar/${secret}.ics`;
  }
}
