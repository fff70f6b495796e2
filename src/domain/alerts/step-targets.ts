import type { EscalationTarget } from './escalation-policy';

/** Who is on call now in each rota layer, as Entra object ids; an empty layer is a gap. */
export interface OnCallLayers {
  primary: readonly string[];
  secondary: readonly string[];
}

/**
 * A layer a step needed and found empty, and who was paged instead. `both`: nobody was on call in
 * either layer.
 */
export interface LayerGap {
  gap: 'primary' | 'secondary' | 'both';
  pagedInstead: 'secondary' | 'leads';
}

/** Whom a step pages now, and which rota gaps the leads are told about in their own chat. */
export interface StepPages {
  /** Entra object ids (lower case), each once, in the order the step names them. */
  people: string[];
  /** Whether the channel is asked to pick the alert up. */
  channel: boolean;
  /** Each gap once; empty when every layer the step needed had someone on call. */
  gaps: LayerGap[];
}

/**
 * Who a step's targets mean now. The primary target pages everyone on call in the primary layer; the
 * secondary target, everyone in the secondary layer. A primary layer with nobody on call falls back
 * to the secondary layer, and a secondary layer with nobody to the leads, each with a gap for the
 * leads to hear about. With no leads to fall back to either, the channel is asked, so a step that
 * needed the rota never pages nobody.
 */
export function whoAStepPages(
  targets: readonly EscalationTarget[],
  onCall: OnCallLayers,
  leads: readonly string[],
): StepPages {
  const people: string[] = [];
  const gaps: LayerGap[] = [];
  let channel = false;
  const page = (ids: readonly string[]) => people.push(...ids.map((id) => id.toLowerCase()));
  const pageLeadsForGap = (gap: LayerGap['gap']) => {
    gaps.push({ gap, pagedInstead: 'leads' });
    if (leads.length > 0) page(leads);
    else channel = true;
  };
  for (const target of targets) {
    switch (target.kind) {
      case 'primary':
        if (onCall.primary.length > 0) page(onCall.primary);
        else if (onCall.secondary.length > 0) {
          gaps.push({ gap: 'primary', pagedInstead: 'secondary' });
          page(onCall.secondary);
        } else pageLeadsForGap('both');
        break;
      case 'secondary':
        if (onCall.secondary.length > 0) page(onCall.secondary);
        else pageLeadsForGap(onCall.primary.length > 0 ? 'secondary' : 'both');
        break;
      case 'member':
        page([target.memberId]);
        break;
      case 'leads':
        page(leads);
        break;
      case 'channel':
        channel = true;
        break;
    }
  }
  return { people: [...new Set(people)], channel, gaps: distinctGaps(gaps) };
}

/** Each gap once; "nobody in either layer" says all that a secondary gap would. */
function distinctGaps(gaps: LayerGap[]): LayerGap[] {
  const both = gaps.some((g) => g.gap === 'both');
  const seen = new Set<string>();
  return gaps.filter((g) => {
    if (both && g.gap === 'secondary') return false;
    const key = `${g.gap}:${g.pagedInstead}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What the leads are told, 1:1, about a gap a step found while paging for an alert. */
export function layerGapText(gap: LayerGap, alertTitle: string): string {
  const where =
    gap.gap === 'both' ? 'in either layer of the rota' : `in the ${gap.gap} layer of the rota`;
  const instead = gap.pagedInstead === 'secondary' ? 'the secondary was' : 'the leads were';
  return `Nobody is on call ${where} for "${alertTitle}": ${instead} paged instead. Check the rota.`;
}
