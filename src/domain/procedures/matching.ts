import type { Alert } from '../alerts/alert';
import type { Procedure } from './procedure';

/**
 * The procedure an alert uses: of those whose scope fits it (source, severity, and one of its keywords in the
 * title or summary when it has keywords), the most specific. A keyword match counts most, then a named
 * source, then named severities; a tie goes to the name first in the alphabet. `procedures` are the latest
 * versions.
 */
export function procedureForAlert(
  alert: Pick<Alert, 'source' | 'severityRank' | 'title' | 'summary'>,
  procedures: readonly Procedure[],
): Procedure | undefined {
  const text = `${alert.title}\n${alert.summary}`.toLowerCase();
  let best: { procedure: Procedure; score: number } | undefined;
  for (const procedure of procedures) {
    const score = fit(procedure, alert, text);
    if (score === undefined) continue;
    if (
      !best ||
      score > best.score ||
      (score === best.score && procedure.name.localeCompare(best.procedure.name, 'en-GB') < 0)
    )
      best = { procedure, score };
  }
  return best?.procedure;
}

function fit(
  { appliesTo: scope }: Procedure,
  alert: Pick<Alert, 'source' | 'severityRank'>,
  text: string,
): number | undefined {
  if (scope.source !== 'any' && scope.source !== alert.source) return undefined;
  if (scope.severities.length && !scope.severities.includes(alert.severityRank)) return undefined;
  if (scope.keywords.length && !scope.keywords.some((k) => hasWord(text, k))) return undefined;
  return (
    (scope.keywords.length ? 4 : 0) +
    (scope.source !== 'any' ? 2 : 0) +
    (scope.severities.length ? 1 : 0)
  );
}

/** The keyword as a whole word or phrase ("ransomware" in "Ransomware at RXC", not "pin" in "spinning"). */
function hasWord(text: string, keyword: string): boolean {
  const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(text);
}
