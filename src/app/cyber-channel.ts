import type { Member } from '../domain/people/member';
import type { Clock } from '../domain/shared/clock';
import type { AuditRecorder } from './audit-log';
import type { Directory } from './directory';
import type { ConversationRepository } from './ports';

/** A Teams channel a command was said in, or the app was installed in. */
export interface TeamChannel {
  id: string;
  /** Its name, when Teams gave one. */
  name?: string;
}

/** What `channel here` did: made the channel the ICS cyber channel, or nothing outside a channel. */
export type ChannelChoice = { kind: 'chosen'; moved: boolean } | { kind: 'not_in_a_channel' };

export interface CyberChannelDeps {
  conversations: ConversationRepository;
  directory: Directory;
  clock: Clock;
  /** Where a move of the ICS cyber channel is recorded. */
  audit?: AuditRecorder;
}

/** The ICS cyber channel: where alerts, escalations and rota handovers are posted. */
export class CyberChannel {
  constructor(private readonly deps: CyberChannelDeps) {}

  /**
   * The first-channel rule: the channel the app is first installed in is the ICS cyber channel until an
   * admin chooses another; a later install (or Teams sending the event again) changes nothing.
   */
  async installedIn(channel: TeamChannel): Promise<void> {
    await this.deps.conversations.chooseCyberChannel(channel.id, this.now(), {
      onlyIfUnset: true,
    });
  }

  /**
   * `channel here`: an admin makes the channel they said it in the ICS cyber channel. A move is recorded
   * in the audit log; saying it where it already is records nothing.
   */
  async chooseHere(
    actor: Member | undefined,
    here: TeamChannel | undefined,
  ): Promise<ChannelChoice> {
    const admin = this.deps.directory.require(actor, 'admin', 'choose the ICS cyber channel');
    if (!here) return { kind: 'not_in_a_channel' };
    const before = await this.deps.conversations.cyberChannel();
    await this.deps.conversations.chooseCyberChannel(here.id, this.now());
    const moved = before?.id !== here.id;
    if (moved)
      await this.deps.audit?.record({
        action: 'channel.chosen',
        by: admin,
        subject: 'ICS cyber channel',
        before: before ? channelName(before.id, before.name) : 'none',
        after: channelName(here.id, here.name),
      });
    return { kind: 'chosen', moved };
  }

  /** `channel`: whether there is an ICS cyber channel yet, and whether it is the one asked from. */
  async where(hereId: string | undefined): Promise<{ set: boolean; here: boolean }> {
    const current = await this.deps.conversations.cyberChannel();
    return { set: !!current, here: !!hereId && current?.id === hereId };
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** A channel for the audit log: its name when Teams gave one, with its id so it can be found. */
const channelName = (id: string, name: unknown): string =>
  typeof name === 'string' && name ? `${name} (${id})` : id;
