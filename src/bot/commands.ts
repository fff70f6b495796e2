import type { HelpView } from '../cards/views';

/** A chat command: its words, how to use it and what it does (shown on the help card). */
export interface CommandSpec {
  name: string;
  usage: string;
  description: string;
  /** Heading on the help card, e.g. 'Alerts' or 'Rota'. */
  group: string;
}

/** The bot's own commands; features add theirs (see BotFeature). The help card and suggestions read the list. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'help',
    usage: 'help',
    description: 'Show this list of commands.',
    group: 'Getting started',
  },
  {
    name: 'org add',
    usage: 'org add',
    description: 'Add an ICS organisation (admins).',
    group: 'People and organisations',
  },
  {
    name: 'org edit',
    usage: 'org edit CODE',
    description: "Change an organisation's name or its essential-services mark (admins).",
    group: 'People and organisations',
  },
  {
    name: 'org remove',
    usage: 'org remove CODE',
    description:
      'Remove an organisation that no member, open risk or open alert names any more (admins).',
    group: 'People and organisations',
  },
  {
    name: 'org essential',
    usage: 'org essential CODE on|off',
    description:
      'Mark an organisation as an operator of essential services under NIS, or not (admins).',
    group: 'People and organisations',
  },
  {
    name: 'orgs',
    usage: 'orgs',
    description: 'List the ICS organisations.',
    group: 'People and organisations',
  },
  {
    name: 'member add',
    usage: 'member add',
    description: 'Add a person or change their role (admins).',
    group: 'People and organisations',
  },
  {
    name: 'member edit',
    usage: 'member edit NAME-OR-EMAIL',
    description: "Change a member's name, email, organisation or role (admins).",
    group: 'People and organisations',
  },
  {
    name: 'member remove',
    usage: 'member remove NAME-OR-EMAIL',
    description:
      'A person leaves CTAC from a time you choose: the rota gaps it opens are shown first; on confirming they are off the rota, and their calendar links, acknowledge links and pages end (admins).',
    group: 'People and organisations',
  },
  {
    name: 'members',
    usage: 'members',
    description: 'List CTAC members, their organisations and roles.',
    group: 'People and organisations',
  },
  {
    name: 'channel',
    usage: 'channel here',
    description:
      'Said in a channel by an admin: post alerts, escalations and handovers there. "channel" alone says which channel is used.',
    group: 'People and organisations',
  },
];

/** Words people type that mean a command. */
const ALIASES: Record<string, string> = {
  '?': 'help',
  commands: 'help',
  organisations: 'orgs',
  organizations: 'orgs',
  'add org': 'org add',
  'add member': 'member add',
  'member list': 'members',
};

export interface ParsedCommand {
  command: CommandSpec;
  args: string;
}

/** Tidies what Teams delivers: no mention markup, no non-breaking spaces, one space between words. */
export function normaliseCommandText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/[\u00a0\s]+/g, ' ')
    .trim();
}

/** Finds the longest command whose words start the text. */
export function parseCommand(
  text: string,
  commands: readonly CommandSpec[] = COMMANDS,
): ParsedCommand | undefined {
  const lower = text.toLowerCase();
  const known = new Set(commands.map((c) => c.name));
  const aliases = Object.entries(ALIASES).filter(([, name]) => known.has(name));
  const candidates = [...commands.map((c) => [c.name, c.name] as const), ...aliases].sort(
    (a, b) => b[0].length - a[0].length,
  );
  for (const [words, name] of candidates) {
    if (lower === words || lower.startsWith(`${words} `)) {
      const command = commands.find((c) => c.name === name)!;
      return { command, args: text.slice(words.length).trim() };
    }
  }
  return undefined;
}

/** The closest known command to what was typed, if it is close enough to be a plausible typo. */
export function suggestCommand(
  text: string,
  commands: readonly CommandSpec[] = COMMANDS,
): string | undefined {
  const lower = text.toLowerCase();
  const words = lower.split(' ');
  let best: { name: string; distance: number } | undefined;
  for (const spec of commands) {
    const wordCount = spec.name.split(' ').length;
    const typed = words.slice(0, wordCount).join(' ');
    const distance = editDistance(typed, spec.name);
    if (!best || distance < best.distance) best = { name: spec.name, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(best.name.length / 3));
  return best.distance <= allowed ? best.name : undefined;
}

/** Edit distance where swapping two neighbouring letters ("hlep") counts as one typo. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[a.length]![b.length]!;
}

export function helpView(commands: readonly CommandSpec[] = COMMANDS): HelpView {
  const groups = new Map<string, CommandSpec[]>();
  for (const c of commands) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  return {
    intro:
      'Type a command in a chat with me, or mention me in the channel first (for example "@CTAC help").',
    groups: [...groups].map(([title, commands]) => ({
      title,
      commands: commands.map((c) => ({ usage: c.usage, description: c.description })),
    })),
    footer:
      'Commands are not case sensitive. Cards update in place, so everyone sees who did what and when.',
  };
}
