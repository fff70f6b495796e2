import { untrustedText, UNTRUSTED_TEXT_MAX } from '../domain/shared/untrusted';

/*
 * The one reader of fields from a card's submitted data (Action.Execute / Action.Submit) and of values in a
 * message action's payload. Card data is untrusted: a field may be missing, not a string, or far too long.
 */

/** A card's submitted data as the bot receives it. */
export type CardData = Readonly<Record<string, unknown>>;

/** The most characters read from one card field unless the caller asks for fewer. */
export const CARD_FIELD_MAX = UNTRUSTED_TEXT_MAX;

/**
 * An untrusted value from a card or an invoke payload as text: a string or number, trimmed, at most `max`
 * characters; anything else is `''`. For a value nested in a payload (`payload.from.user.displayName`).
 */
export const cardText = (value: unknown, max: number = CARD_FIELD_MAX): string =>
  untrustedText(value, max);

/** One field of a card's data as text (see `cardText`). */
export const cardField = (data: CardData, name: string, max: number = CARD_FIELD_MAX): string =>
  untrustedText(data[name], max);

/** Several fields of a card's data as text, by name: for a form shown again with what was typed. */
export function cardFields<K extends string>(
  data: CardData,
  names: readonly K[],
  max: number = CARD_FIELD_MAX,
): Record<K, string> {
  return Object.fromEntries(names.map((name) => [name, untrustedText(data[name], max)])) as Record<
    K,
    string
  >;
}
