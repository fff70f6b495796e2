import type { RotaLayer } from '../rota/rota-layer';

/**
 * Whether CTAC can reach a person now, and if not, why. Pure: the app layer gathers the facts (the team's
 * roster, saved chats, stored ids, contact details, settings); a later slice adds facts, not rules.
 */

/** Why a person cannot be reached on a channel, as a typed constant (shown in plain words by `REASON_TEXT`). */
export type ReachReason = 'not_in_team' | 'no_chat' | 'no_mobile' | 'notify_not_set_up';

export const REASON_TEXT: Readonly<Record<ReachReason, string>> = {
  not_in_team: 'not in the team',
  no_chat: 'no chat with CTAC yet',
  no_mobile: 'no mobile number',
  notify_not_set_up: 'text messages not set up (GOV.UK Notify)',
};

/** What is known about one person. `inTeam` undefined: the roster was not read (a job), so not a reason. */
export interface ReachFacts {
  inTeam?: boolean;
  /** A saved 1:1 conversation with CTAC. */
  hasChat: boolean;
  /** A stored Teams user id (29:...), with which CTAC can open a 1:1 chat with someone in the team. */
  hasTeamsId: boolean;
  hasMobile: boolean;
  notifyConfigured: boolean;
}

export interface Reachability {
  /** A page on Teams can be delivered. */
  teams: boolean;
  /** A text message can be sent. */
  text: boolean;
  /** Reachable on at least one channel. */
  reachable: boolean;
  /** Why Teams cannot reach them (empty when it can). */
  teamsReasons: ReachReason[];
  /** Why a text message cannot reach them (empty when it can). */
  textReasons: ReachReason[];
}

/**
 * Teams: a saved chat always works; otherwise CTAC opens one with the stored id, which Teams allows only
 * for someone in the team the app is installed in. Text: Notify must be set up and the person must
 * have a mobile number.
 */
export function reachability(f: ReachFacts): Reachability {
  const teamsReasons: ReachReason[] = [];
  if (!f.hasChat) {
    if (f.inTeam === false) teamsReasons.push('not_in_team');
    if (!f.hasTeamsId) teamsReasons.push('no_chat');
  }
  const textReasons: ReachReason[] = [];
  if (!f.notifyConfigured) textReasons.push('notify_not_set_up');
  else if (!f.hasMobile) textReasons.push('no_mobile');
  const teams = teamsReasons.length === 0;
  const text = textReasons.length === 0;
  return { teams, text, reachable: teams || text, teamsReasons, textReasons };
}

/** "no chat with CTAC yet; text messages not set up (GOV.UK Notify)": every reason, in words. */
export const reasonsInWords = (r: Pick<Reachability, 'teamsReasons' | 'textReasons'>): string =>
  [...r.teamsReasons, ...r.textReasons].map((x) => REASON_TEXT[x]).join('; ');

/** Why a person is checked: they are on call soon, a lead, or named in an escalation policy step. */
export type ReachRole =
  { kind: 'on_call'; layer: RotaLayer; from: Date } | { kind: 'lead' } | { kind: 'named_target' };

/** One person who cannot be reached on Teams now, and why. */
export interface PersonReach {
  memberId: string;
  name: string;
  roles: ReachRole[];
  reach: Reachability;
  /** CTAC was just installed for them through Graph (or already was), so Teams can open their chat. */
  installed?: 'installed' | 'already_installed' | 'failed';
}

export interface ReachReport {
  /** Everyone checked who cannot be reached on Teams now, by name. */
  unreachable: PersonReach[];
  /** How many people were checked. */
  checked: number;
  /** Whether text messages (GOV.UK Notify) are set up at all. */
  notifyConfigured: boolean;
  /** How many days of the rota were checked. */
  lookaheadDays: number;
}
