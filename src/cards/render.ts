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
