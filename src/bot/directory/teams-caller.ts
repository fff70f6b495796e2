import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Caller, Directory } from '../../app/directory';
import type { Member } from '../../domain/people/member';

/**
 * The member behind an activity. Their sign-in name (which CTAC_ADMINS lists) is only fetched from
 * Teams for someone not yet known.
 */
export async function identifyCaller(
  context: TurnContext,
  deps: { directory: Directory; logger: Logger },
  opts: Parameters<Directory['identify']>[1] = {},
): Promise<Member | undefined> {
  const from = context.activity.from;
  const caller: Caller = {
    aadObjectId: from?.aadObjectId,
    name: from?.name ?? '',
    teamsUserId: from?.id,
  };
  const known = from?.aadObjectId ? await deps.directory.identify(caller) : undefined;
  if (known) return known;
  try {
    const account = await TeamsInfo.getMember(context, from.id);
    caller.upn = account.userPrincipalName ?? account.email;
    caller.aadObjectId ??= account.aadObjectId;
    caller.name ||= account.name;
  } catch (e) {
    deps.logger.debug({ err: e }, 'could not look up the caller in Teams');
  }
  return deps.directory.identify(caller, opts);
}

/**
 * Every message: the sender's Teams id is kept fresh on their member record (no write when unchanged).
 * A failure is logged and never stops the message being answered.
 */
export async function recordSender(
  context: TurnContext,
  deps: { directory: Directory; logger: Logger },
): Promise<void> {
  const from = context.activity.from;
  try {
    await deps.directory.seen({ aadObjectId: from?.aadObjectId, teamsUserId: from?.id });
  } catch (e) {
    deps.logger.warn({ err: e }, "could not record the sender's Teams id");
  }
}
