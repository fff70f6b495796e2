import { cleanLine } from './clean-text';

/**
 * The id a name gives: lower case letters and digits joined by single hyphens, accents dropped, at most
 * `maxLength` characters ("Acme Pathology Ltd" -> "acme-pathology-ltd", "Critical HSA" -> "critical-hsa").
 */
export function slugFrom(name: string, maxLength: number): string {
  return cleanLine(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}

/** Whether an id someone sent (a card's data or a URL is untrusted) has the shape slugFrom gives. */
export const isSlug = (id: string, maxLength: number): boolean =>
  id.length > 0 && id.length <= maxLength && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(id);
