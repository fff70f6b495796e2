import type { AlertSettings, PolicyView } from '../../app/alerts/alert-settings';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import {
  MAX_STEPS,
  SEVERITY_RANKS,
  type EscalationPolicy,
  type EscalationStep,
  type EscalationTarget,
  type SeverityRank,
} from '../../domain/alerts';
import type { Member } from '../../domain/people/member';
import { CtacError, isCtacError } from '../../domain/shared/errors';
import type { BotFeature, BotTurn } from '../bot-feature';
import { cardText } from '../card-fields';
import type { CommandSpec } from '../commands';

/** Rows on the edit form: enough for every default policy, more only when a policy already has more. */
const FORM_ROWS = 5;
/** Named members offered in each row: every row repeats the list, and a card must stay under 28 KB. */
export const MAX_MEMBER_CHOICES = 30;
const MAX_FIELD = 200;

const COMMANDS: CommandSpec[] = [
  {
    name: 'policies',
    usage: 'policies',
    description: 'How each severity of alert escalates when nobody acknowledges it, step by step.',
    group: 'Alerts',
  },
  {
    name: 'policy',
    usage: 'policy SEVERITY',
    description:
      "Change a severity's escalation steps: critical, high, medium, low or information (admins).",
    group: 'Alerts',
  },
];

export interface EscalationPolicyFeatureDeps {
  settings: Pick<AlertSettings, 'policies' | 'editPolicy' | 'setPolicy'>;
  /** A member's display name, for named targets. */
  memberName(memberId: string): Promise<string | undefined>;
}

const RANK_TITLES: Record<SeverityRank, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  information: 'Information',
};

const GROUP_WORDS: Record<Exclude<EscalationTarget['kind'], 'member'>, string> = {
  primary: 'the primary on call',
  secondary: 'the secondary on call',
  leads: 'every lead',
  channel: 'the whole channel',
};

const FIXED_CHOICES = [
  { title: 'The primary on call', value: 'primary' },
  { title: 'The secondary on call', value: 'secondary' },
  { title: 'Every lead', value: 'leads' },
  { title: 'The whole channel', value: 'channel' },
];

/** "15 minutes", "1 hour", "1 hour 30 minutes". */
export function minutesInWords(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (!hours) return part(rest, 'minute');
  return rest ? `${part(hours, 'hour')} ${part(rest, 'minute')}` : part(hours, 'hour');
}

const joinWords = (words: string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;

const timesInWords = (n: number): string =>
  n === 1 ? 'once more' : n === 2 ? 'twice more' : `${n} more times`;

/** A policy in plain words, one line a step: "after 15 minutes: page the primary on call". */
export async function policyLines(
  policy: EscalationPolicy,
  memberName: (id: string) => Promise<string | undefined>,
): Promise<string[]> {
  if (!policy.steps.length) return ['No paging: the card in the channel is the only notice.'];
  const targetWords = async (t: EscalationTarget) =>
    t.kind === 'member'
      ? ((await memberName(t.memberId)) ?? 'a former member')
      : GROUP_WORDS[t.kind];
  const lines = await Promise.all(
    policy.steps.map(async (step: EscalationStep, i) => {
      const when =
        step.delayMinutes === 0
          ? i === 0
            ? 'at once'
            : 'at the same time'
          : `after ${minutesInWords(step.delayMinutes)}`;
      const who = joinWords(await Promise.all(step.targets.map(targetWords)));
      return `${when}: page ${who}`;
    }),
  );
  if (policy.repeat > 0) {
    const gap =
      policy.repeatAfterMinutes === undefined
        ? "with the first step's delay"
        : `${minutesInWords(policy.repeatAfterMinutes)} after the last step`;
    lines.push(`then all of it again ${timesInWords(policy.repeat)}, ${gap}`);
  } else lines.push('no repeats');
  return lines;
}

/** What an admin typed on the form, kept as typed so the form can be shown again with its problems. */
export interface PolicyFormValues {
  name: string;
  repeat: string;
  repeatAfter: string;
  rows: { delay: string; targets: string }[];
}

const field = (value: unknown): string => cardText(value, MAX_FIELD);

/** Reads the form's fields; rows after the last filled one are dropped, blank ones between are kept. */
export function formValues(data: Record<string, unknown>): PolicyFormValues {
  const rows: PolicyFormValues['rows'] = [];
  for (let i = 1; i <= MAX_STEPS; i++)
    rows.push({ delay: field(data[`delay${i}`]), targets: field(data[`targets${i}`]) });
  while (rows.length && !rows.at(-1)!.delay && !rows.at(-1)!.targets) rows.pop();
  return {
    name: field(data['name']),
    repeat: field(data['repeat']),
    repeatAfter: field(data['repeatAfter']),
    rows,
  };
}

const wholeOrRaw = (text: string): unknown => (/^\d{1,5}$/.test(text) ? Number(text) : text);

/** The form's values as the policy shape normalisePolicy checks (it reports anything odd). */
export function policyInput(values: PolicyFormValues): Record<string, unknown> {
  return {
    name: values.name,
    repeat: values.repeat === '' ? 0 : wholeOrRaw(values.repeat),
    ...(values.repeatAfter === '' ? {} : { repeatAfterMinutes: wholeOrRaw(values.repeatAfter) }),
    steps: values.rows.map((row) => ({
      delayMinutes: row.delay === '' ? undefined : wholeOrRaw(row.delay),
      targets: row.targets
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
        .map((t) =>
          t.toLowerCase().startsWith('member:')
            ? { kind: 'member', memberId: t.slice('member:'.length) }
            : { kind: t.toLowerCase() },
        ),
    })),
  };
}

const targetValue = (t: EscalationTarget): string =>
  t.kind === 'member' ? `member:${t.memberId}` : t.kind;

export function valuesOf(policy: EscalationPolicy): PolicyFormValues {
  return {
    name: policy.name,
    repeat: String(policy.repeat),
    repeatAfter: policy.repeatAfterMinutes === undefined ? '' : String(policy.repeatAfterMinutes),
    rows: policy.steps.map((s) => ({
      delay: String(s.delayMinutes),
      targets: s.targets.map(targetValue).join(','),
    })),
  };
}

export function policyFormCard(input: {
  rank: SeverityRank;
  etag: string;
  isDefault: boolean;
  members: (Pick<Member, 'aadObjectId' | 'name'> & { role?: Member['role'] })[];
  values: PolicyFormValues;
  problems: string[];
}): AdaptiveCard {
  const rowCount = Math.min(MAX_STEPS, Math.max(FORM_ROWS, input.values.rows.length));
  // Members already in the policy first, then leads and admins, then everyone else, by name.
  const named = new Set(input.values.rows.flatMap((r) => r.targets.toLowerCase().split(',')));
  const rankOf = (m: (typeof input.members)[number]) =>
    named.has(`member:${m.aadObjectId.toLowerCase()}`) ? 0 : m.role === 'member' ? 2 : 1;
  const offered = [...input.members]
    .sort((a, b) => rankOf(a) - rankOf(b) || a.name.localeCompare(b.name, 'en-GB'))
    .slice(0, MAX_MEMBER_CHOICES);
  const rows = Array.from({ length: rowCount }, (_, i) => ({
    step: i + 1,
    delayId: `delay${i + 1}`,
    targetsId: `targets${i + 1}`,
    delayHint: i === 0 ? 'from when the alert is raised' : 'from the step before',
    delay: input.values.rows[i]?.delay ?? '',
    targets: input.values.rows[i]?.targets ?? '',
  }));
  return renderCard('alerts/policy-form', {
    heading: `Escalation policy for ${RANK_TITLES[input.rank].toLowerCase()} alerts`,
    intro: `${input.isDefault ? 'This is the default policy. ' : ''}Each step pages its people after its delay, counted from the step before (the first from when the alert is raised), until someone acknowledges. Leave a row empty to drop it.`,
    problems: input.problems,
    rank: input.rank,
    etag: input.etag,
    name: input.values.name,
    repeat: input.values.repeat,
    repeatAfter: input.values.repeatAfter,
    rows,
    targetChoices: [
      ...FIXED_CHOICES,
      ...offered.map((m) => ({ title: m.name, value: `member:${m.aadObjectId}` })),
    ],
  });
}

const parseRank = (text: unknown): SeverityRank => {
  const word = field(text).toLowerCase();
  const rank = word === 'info' || word === 'information only' ? 'information' : word;
  if ((SEVERITY_RANKS as readonly string[]).includes(rank)) return rank as SeverityRank;
  throw new CtacError('validation', 'Which severity?', [
    `Say "policy" and one of: ${SEVERITY_RANKS.join(', ')}. For example "policy high".`,
  ]);
};

/** Escalation policies in Teams (issue 3): everyone reads them, admins change them. */
export function escalationPolicyFeature(deps: EscalationPolicyFeatureDeps): BotFeature {
  async function listCard(caller: Member | undefined, notice = ''): Promise<AdaptiveCard> {
    const views = await deps.settings.policies(caller);
    const policies = await Promise.all(
      views.map(async (v: PolicyView) => ({
        title: RANK_TITLES[v.rank],
        name: v.policy.name,
        origin: v.isDefault ? 'default' : 'set by an admin',
        lines: await policyLines(v.policy, deps.memberName),
      })),
    );
    return renderCard('alerts/policy-list', {
      heading: 'Escalation policies',
      notice,
      intro:
        'When nobody acknowledges an alert, CTAC pages people step by step. Each delay counts from the step before; the first from when the alert is raised. Acknowledging stops it.',
      policies,
    });
  }

  async function editCard(turn: BotTurn, rank: SeverityRank, problems: string[] = []) {
    const edit = await deps.settings.editPolicy(await turn.caller(), rank);
    return policyFormCard({ ...edit, values: valuesOf(edit.policy), problems });
  }

  return {
    commands: COMMANDS,
    async runCommand(name, args, turn) {
      if (name === 'policies') return listCard(await turn.caller());
      return editCard(turn, parseRank(args));
    },
    verbs: {
      'policy.save': async (data, turn) => {
        const caller = await turn.caller();
        const rank = parseRank(data['rank']);
        const values = formValues(data);
        const etag = typeof data['etag'] === 'string' ? data['etag'] : '';
        try {
          await deps.settings.setPolicy(caller, rank, policyInput(values), etag);
        } catch (e) {
          if (isCtacError(e) && e.code === 'validation') {
            const edit = await deps.settings.editPolicy(caller, rank);
            return policyFormCard({ ...edit, etag, values, problems: e.problems });
          }
          if (isCtacError(e) && e.code === 'conflict')
            return editCard(turn, rank, [
              'Someone saved this policy after your form was opened, so nothing was saved. This is the policy as it is now: make your change again.',
            ]);
          throw e;
        }
        return listCard(caller, `Saved the ${rank} policy. Escalations use it from now on.`);
      },
    },
  };
}
