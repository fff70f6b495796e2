/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
// The UMD bundle works in Node without a DOM; the lib/ entry does not.
const AC = require('adaptivecards/dist/adaptivecards.js');

/** Problems the Adaptive Cards SDK finds in a card for its declared version, plus our own size and version checks. */
export function validateCard(card: any): string[] {
  const problems: string[] = [];
  if (!card || card.type !== 'AdaptiveCard') problems.push('not an AdaptiveCard');
  if (typeof card?.version !== 'string') return [...problems, 'no version'];
  const json = JSON.stringify(card);
  if (json.includes('${')) problems.push('leftover template expression ${...}');
  if (Buffer.byteLength(json) > 28_000)
    problems.push(`card is ${Buffer.byteLength(json)} bytes (over 28 KB)`);
  const usesExecute = json.includes('"Action.Execute"');
  const [major, minor] = card.version.split('.').map(Number);
  if (usesExecute && (major < 1 || (major === 1 && minor < 4)))
    problems.push('Action.Execute needs version 1.4 or later');

  const version = AC.Version.parse(card.version, new AC.SerializationContext());
  const context = new AC.SerializationContext(version);
  const adaptive = new AC.AdaptiveCard();
  adaptive.parse(card, context);
  for (let i = 0; i < context.eventCount; i++)
    problems.push(`parse: ${context.getEventAt(i).message}`);
  const results = adaptive.validateProperties();
  for (const event of results.validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}
