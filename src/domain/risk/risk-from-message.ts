import { cleanLine, clipText } from '../shared/clean-text';
import { RISK_LIMITS } from './risk';

/** A chat message someone chose "Raise as risk" on: its text as a person reads it, who wrote it, its link. */
export interface RiskSourceMessage {
  text: string;
  author: string;
  /** A plain https link to the message, or '' when Teams gave none. */
  link: string;
}

/** The start of a risk form made from a message; the person checks and completes it before raising. */
export interface RiskDraft {
  title: string;
  description: string;
  /** Who wrote the message, cleaned and within the owner limit, and its link: shown on the form. */
  source: { author: string; link: string };
}

/**
 * A risk drafted from a chat message: the first line is the title, the rest the description, which ends
 * with where it came from ("From a message by Asha Patel: https://..."). A first line too long for a
 * title is cut for the title and kept whole in the description. Both fit their limits.
 */
export function riskDraftFromMessage(message: RiskSourceMessage): RiskDraft {
  const source = {
    author: clipText(cleanLine(message.author), RISK_LIMITS.owner),
    link: message.link,
  };
  const [firstLine = '', ...rest] = message.text.split('\n');
  const title = clipText(cleanLine(firstLine), RISK_LIMITS.title);
  const body = title === cleanLine(firstLine) ? rest.join('\n').trim() : message.text;
  const from = source.link
    ? `From a message${source.author ? ` by ${source.author}` : ''}: ${source.link}`
    : '';
  const description = [clipText(body, RISK_LIMITS.description - (from ? from.length + 2 : 0)), from]
    .filter(Boolean)
    .join('\n\n');
  return { title, description, source };
}
