import { randomInt } from 'crypto';
import type { IdGenerator } from '../../domain/shared/ids';

/** Crockford base32: no I, L, O or U, so an id read aloud or typed in `ack <id>` is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Short alert ids people can type (`ack A7K3Q9XM`): "A" and 7 random characters, about 34 billion
 * possibilities. The repository refuses an id already in use, so a clash cannot join two alerts.
 */
export const alertIdGenerator: IdGenerator = {
  next: () => `A${Array.from({ length: 7 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`,
};
