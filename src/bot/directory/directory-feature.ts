import type { CyberChannel } from '../../app/cyber-channel';
import type { Directory } from '../../app/directory';
import type { ConversationRepository } from '../../app/ports';
import type { AdaptiveCard } from '../../cards/render';
import type { BotFeature, BotTurn, CardActionHandler } from '../bot-feature';
import { COMMANDS } from '../commands';
import { cyberChannelCommand } from './cyber-channel-command';
import { directoryMembers } from './members';
import { directoryOrganisations } from './organisations';

export interface DirectoryFeatureDeps {
  directory: Directory;
  conversations: ConversationRepository;
  cyberChannel: CyberChannel;
}

/** A directory command typed in Teams: what follows the command's name is `args`. */
export type DirectoryCommand = (turn: BotTurn, args: string) => Promise<AdaptiveCard>;

/** One part of the directory in Teams: its commands by name and its card actions by verb. */
export interface DirectoryHandlers {
  commands: Readonly<Record<string, DirectoryCommand>>;
  verbs: Readonly<Record<string, CardActionHandler>>;
}

/**
 * The directory in Teams (admins): organisations, members and their roles, and the ICS cyber channel.
 * Each part has its own file; this only routes commands and card verbs to them.
 */
export function directoryFeature(deps: DirectoryFeatureDeps): BotFeature {
  const parts = [directoryOrganisations(deps), directoryMembers(deps), cyberChannelCommand(deps)];
  const commands = new Map<string, DirectoryCommand>(
    parts.flatMap((p) => Object.entries(p.commands)),
  );
  return {
    // The commands keep their place on the help card, listed with the bot's own.
    commands: COMMANDS.filter((c) => commands.has(c.name)),
    runCommand: (name, args, turn) => commands.get(name)!(turn, args),
    verbs: Object.assign({}, ...parts.map((p) => p.verbs)) as Record<string, CardActionHandler>,
  };
}
