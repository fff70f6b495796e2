const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Rota members are keyed by their Entra object id (a GUID). Returns the id in lower case,
 * or undefined when the value is not a GUID.
 */
export function normaliseMemberId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const id = value.trim().toLowerCase();
  return ENTRA_OBJECT_ID.test(id) ? id : undefined;
}
