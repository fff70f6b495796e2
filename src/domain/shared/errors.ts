/** Stable codes that every adapter maps to a message or an HTTP status. */
export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'forbidden'
  | 'not_a_member'
  | 'conflict'
  | 'unavailable'
  | 'bad_request';

/** The one error type of the app: a stable code, a plain-English message and, for validation, every problem. */
export class CtacError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'CtacError';
  }
}

export const isCtacError = (e: unknown): e is CtacError => e instanceof CtacError;
