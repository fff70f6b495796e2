import { readFileSync } from 'fs';
import { join } from 'path';
import * as ACData from 'adaptivecards-templating';
import { fromRoot } from '../paths';

/** An Adaptive Card as Teams receives it. */
export type AdaptiveCard = {
  type: 'AdaptiveCard';
  version: string;
  body?: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
};

const templates = new Map<string, ACData.Template>();

/**
 * Recent expansions of keyed cards (renderCardKeyed): the same card is often wanted twice in a row (the
 * answer to a button press, then the update of the channel message for everyone), and expanding a
 * template costs far more than building its key. The cards are frozen, so every caller can be handed
 * the same one: a caller that tried to change it would fail at once rather than change another's.
 */
const recent = new Map<string, AdaptiveCard>();
const RECENT_MAX = 64;

export const TEMPLATES_DIR = fromRoot('adaptiveCards');

/**
 * Expands a JSON template from adaptiveCards/ with a typed view model. User text only ever arrives as data, so
 * nothing a person types is evaluated as a template expression.
 */
export function renderCard<T extends object>(name: string, model: T): AdaptiveCard {
  let template = templates.get(name);
  if (!template) {
    template = new ACData.Template(
      JSON.parse(readFileSync(join(TEMPLATES_DIR, `${name}.json`), 'utf8')),
    );
    templates.set(name, template);
  }
  const card = template.expand({ $root: model }) as AdaptiveCard;
  delete (card as Record<string, unknown>)['$schema'];
  return card;
}

/**
 * The same, for a card wanted again soon, whose model is a pure function of `key` (and is built only
 * when the card is not among the recent ones). The card is frozen (build a new object to add to it).
 */
export function renderCardKeyed<T extends object>(
  name: string,
  key: string,
  model: () => T,
): AdaptiveCard {
  const id = `${name}\n${key}`;
  const seen = recent.get(id);
  if (seen !== undefined) return seen;
  const card = deepFreeze(renderCard(name, model()));
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(id, card);
  return card;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
