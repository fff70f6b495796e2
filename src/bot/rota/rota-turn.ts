import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type { ConversationRepository } from '../../app/ports';
import type { RotaNotifier } from '../../app/rota/ports';
import type { RotaService } from '../../app/rota/rota-service';
import type { RotaPerson } from '../../domain/rota/rota-person';
import type { AdaptiveCard } from '../../cards/render';
import type { People } from '../../cards/rota-views';
import type { Member } from '../../domain/people/member';
import { CtacError } from '../../domain/shared/errors';
import { UK_ZONE } from '../../domain/shared/time';
import type { BotTurn, CardActionHandler } from '../bot-feature';

/** Secret calendar links, for `rota calendar` and `rota calendar reset`: only links made now are given. */
export interface CalendarLinks {
  linksFor(member: Member): Promise<{ mine?: string; rota?: string }>;
  reset(member: Member): Promise<{ mine: string; rota: string }>;
}

export interface RotaFeatureDeps {
  rota: RotaService;
  logger: Logger;
  calendar?: CalendarLinks;
  /** Tells the member asked about a swap in a 1:1 chat, when there is one. */
  notifier?: RotaNotifier;
  /** Where the team is, for reading its roster (people added by email take their Teams ids from it). */
  conversations?: Pick<ConversationRepository, 'list'>;
}

/** A rota command typed in Teams: what follows the command's name is `args`. */
export type RotaCommand = (turn: BotTurn, args: string) => Promise<AdaptiveCard>;

/** One part of the rota in Teams: its commands by name and its card actions by verb. */
export interface RotaHandlers {
  commands: Readonly<Record<string, RotaCommand>>;
  verbs: Readonly<Record<string, CardActionHandler>>;
}

export const DAY_MS = 86_400_000;

/** The member behind the turn; anyone else is told only members can do this. */
export async function requireMember(turn: BotTurn, doing: string): Promise<Member> {
  const caller = await turn.caller();
  if (!caller)
    throw new CtacError('not_a_member', `Only CTAC members can ${doing}. Ask an admin to add you.`);
  return caller;
}

/** A form for leads is refused before it is shown (the save checks again). */
export async function requireLead(turn: BotTurn, doing: string): Promise<Member> {
  const caller = await requireMember(turn, doing);
  if (caller.role === 'member') throw new CtacError('forbidden', `Only leads can ${doing}.`);
  return caller;
}

/** Today's date in the UK, `2026-12-16`. */
export const ukIsoDate = (at: Date): string =>
  DateTime.fromJSDate(at, { zone: UK_ZONE }).toISODate()!;

/** `2026-12-16` as people in the UK write it, `16/12/2026`, for a date field they may retype. */
export const ukDateText = (isoDate: string): string =>
  DateTime.fromISO(isoDate, { zone: UK_ZONE }).toFormat('dd/MM/yyyy');

/**
 * The person a command names: an @mention (by their Teams id or name), or a sign-in name or a member's
 * full name at the start of the text. Returns the text left over (the dates).
 */
export function findPerson(
  people: People,
  turn: BotTurn,
  args: string,
): { person?: RotaPerson; rest: string } {
  const activity = turn.context.activity;
  const botId = activity.recipient?.id;
  const all = [...people.values()];
  for (const entity of activity.entities ?? []) {
    if (entity.type !== 'mention') continue;
    const mentioned = (entity as { mentioned?: { id?: string; name?: string } }).mentioned;
    if (!mentioned || mentioned.id === botId) continue;
    const person =
      all.find((p) => p.teamsUserId && p.teamsUserId === mentioned.id) ??
      all.find((p) => p.name.toLowerCase() === (mentioned.name ?? '').toLowerCase());
    if (person) return { person, rest: args };
  }
  const lower = args.toLowerCase();
  const first = lower.split(' ')[0] ?? '';
  if (first.includes('@')) {
    const person = all.find((p) => p.upn && p.upn.toLowerCase() === first);
    if (person) return { person, rest: args.slice(first.length).trim() };
  }
  const byName = all
    .filter((p) => lower === p.name.toLowerCase() || lower.startsWith(`${p.name.toLowerCase()} `))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (byName) return { person: byName, rest: args.slice(byName.name.length).trim() };
  return { rest: args };
}
