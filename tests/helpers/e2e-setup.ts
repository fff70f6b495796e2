import { DateTime } from 'luxon';
import { cardText, E2eStack, PLAYGROUND } from './stack';

/*
 * The set-up the end-to-end tests share: start the stack with the app installed in the team, add the ICS
 * organisations and the CTAC members, set up a rotation. Asha does it all from her chat with CTAC: she
 * installed the app in the team with no admin yet, so she is its first admin.
 */

const { channel, personalChat, users } = PLAYGROUND;

export type Role = 'admin' | 'lead' | 'member';

/** The organisations the tests use. */
export const TRUST = { name: 'East Sussex Healthcare NHS Trust', code: 'RXC' } as const;
export const COUNTY_COUNCIL = { name: 'East Sussex County Council', code: 'ESCC' } as const;

/**
 * The whole stack, with the app installed in the team's channel and its welcome card posted there. The
 * stack is stopped again should the install fail, so no process outlives the test file.
 */
export async function startInstalled(env: Record<string, string> = {}): Promise<E2eStack> {
  const stack = await E2eStack.start(env);
  try {
    await stack.install(channel);
    await stack.waitForMessage((m) => cardText(m.cards).includes('CTAC is ready'));
    return stack;
  } catch (e) {
    await stack.stop();
    throw e;
  }
}

/** Asha types `command`, waits for the form titled `formTitle` and submits it with `data`. */
async function submitForm(
  stack: E2eStack,
  command: string,
  formTitle: string,
  verb: string,
  data: Record<string, unknown>,
): Promise<{ type?: string; value?: Record<string, unknown> }> {
  const form = await stack.ask(personalChat, users.asha.id, command, formTitle);
  return stack.execute(personalChat, users.asha.id, verb, data, form.messageId);
}

/** Asha adds an ICS organisation (an operator of essential services) through the "org add" form. */
export async function addOrganisation(
  stack: E2eStack,
  organisation: { name: string; code: string },
): Promise<void> {
  await submitForm(stack, 'org add', 'Add an ICS organisation', 'org.add', {
    name: organisation.name,
    code: organisation.code,
    isOes: 'true',
  });
}

/**
 * Asha adds someone to CTAC, or changes their role, through the "member add" form; answers the card
 * that replaces the form (it says, for example, "... is now a lead for RXC").
 */
export async function addMember(
  stack: E2eStack,
  person: { aadObjectId: string },
  orgCode: string,
  role: Role,
): Promise<{ type?: string; value?: Record<string, unknown> }> {
  return submitForm(stack, 'member add', 'Add a member or change their role', 'member.add', {
    aadObjectId: person.aadObjectId,
    orgCode,
    role,
  });
}

/** The Trust with Asha as its admin and Ben and Chloë as members, as the rota tests start. */
export async function addTrustWithAshaBenAndChloe(stack: E2eStack): Promise<void> {
  await addOrganisation(stack, TRUST);
  for (const [person, role] of [
    [users.asha, 'admin'],
    [users.ben, 'member'],
    [users.chloe, 'member'],
  ] as const)
    await addMember(stack, person, 'RXC', role);
}

/**
 * Asha sets up the primary rotation "CTAC primary": daily shifts handed over at 09:00 UK time, begun
 * yesterday, in the order given; answers the card that replaces the form.
 */
export async function setUpDailyPrimaryRotation(
  stack: E2eStack,
  memberIds: string[],
): Promise<{ type?: string; value?: Record<string, unknown> }> {
  return submitForm(stack, 'rota setup', 'Set up the primary rotation', 'rota.setup', {
    layer: 'primary',
    name: 'CTAC primary',
    memberIds: memberIds.join(','),
    shiftLength: 'daily',
    handoverTime: '09:00',
    startDate: DateTime.now().setZone('Europe/London').minus({ days: 1 }).toISODate()!,
    etagPrimary: '',
    etagSecondary: '',
  });
}
