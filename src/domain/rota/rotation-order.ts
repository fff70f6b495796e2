/** The members of a rotation put in the order a lead numbered them, or what to change. */
export type RotationOrder =
  { ok: true; memberIds: string[] } | { ok: false; problems: string[]; positions: string[] };

/**
 * Orders `memberIds` by the numbers typed beside them (1 for the first shift). Every number must be a whole
 * number from 1 to the number of people, each used once; otherwise every problem is listed.
 */
export function orderByPositions(
  memberIds: readonly string[],
  positions: readonly string[],
  nameOf: (memberId: string) => string = (id) => id,
): RotationOrder {
  const n = memberIds.length;
  const typed = memberIds.map((_, i) => (positions[i] ?? '').trim());
  const problems: string[] = [];
  const numbers = typed.map((text, i) => {
    const value = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
    if (!(value >= 1 && value <= n))
      problems.push(
        `${nameOf(memberIds[i]!)}: give a whole number from 1 to ${n}${text ? ` ("${text.slice(0, 20)}" is not one)` : ''}.`,
      );
    return value;
  });
  for (let k = 1; k <= n; k++) {
    const holders = memberIds.filter((_, i) => numbers[i] === k);
    if (holders.length > 1)
      problems.push(
        `${holders.map(nameOf).join(' and ')} both have ${k}: give each person a different number.`,
      );
  }
  if (problems.length) return { ok: false, problems, positions: typed };
  return {
    ok: true,
    memberIds: memberIds
      .map((id, i) => ({ id, at: numbers[i]! }))
      .sort((a, b) => a.at - b.at)
      .map((p) => p.id),
  };
}

/**
 * A rotation's members when a lead also adds people by email: those chosen, in their order, then each
 * person added who was not already chosen.
 */
export function mergeMemberIds(chosen: readonly string[], added: readonly string[]): string[] {
  return [...chosen, ...added.filter((id) => !chosen.includes(id.toLowerCase()))];
}
