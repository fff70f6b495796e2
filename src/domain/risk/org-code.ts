// The same rule as organisation codes in people/organisation.ts: 2-12 letters, digits or hyphens.
const ORG_CODE = /^[A-Z0-9][A-Z0-9-]{1,11}$/;

/** Reads an organisation short code such as `rxh` -> `RXH`; undefined when it cannot be one. */
export function parseOrgCode(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim().toUpperCase();
  return ORG_CODE.test(code) ? code : undefined;
}
