import { randomUUID } from 'crypto';

/** Makes new ids; injected so tests can predict them. */
export interface IdGenerator {
  next(): string;
}

export const uuidGenerator: IdGenerator = { next: () => randomUUID() };
