/** The alert list card: open alerts (or a storm digest's), each with its own Acknowledge button. */
import type { AlertSummary } from '../domain/alerts';
import { isAllowed } from '../domain/alerts';
import { clip, severityWord, sourceLabel, STATE_WORD, stateLine } from './alert-display';
import { renderCard, type AdaptiveCard } from './render';
import type { NoticeStyle } from './views';

/** The most alerts one list card shows; more are counted. */
export const LIST_LIMIT = 25;

export interface AlertListView {
  heading: string;
  alerts: AlertSummary[];
  /** Where the card is, so a button pressed on it re-renders it: the `alerts` list or a storm digest. */
  from: 'list' | 'digest';
  /** For a storm digest: its id, so a button pressed on it re-renders it. */
  digestId?: string;
  intro?: string;
  notice?: { text: string; style: NoticeStyle };
  emptyText?: string;
  /** How many alerts to list before counting the rest (LIST_LIMIT unless given). */
  limit?: number;
  /** How long a title or state line may be before it is clipped (200 and no limit unless given). */
  clipAt?: { title: number; detail?: number };
}

/** Open alerts (or a storm digest): each with severity, state and its own Acknowledge button. */
export function alertListCard(view: AlertListView): AdaptiveCard {
  const shown = view.alerts.slice(0, view.limit ?? LIST_LIMIT);
  const titleMax = view.clipAt?.title ?? 200;
  const detailMax = view.clipAt?.detail;
  const more = view.alerts.length - shown.length;
  return renderCard('alerts/alert-list', {
    heading: view.heading,
    intro: view.intro ?? '',
    hasNotice: !!view.notice,
    notice: view.notice?.text ?? '',
    noticeStyle: view.notice?.style ?? 'default',
    emptyText: view.emptyText ?? 'No open alerts.',
    alerts: shown.map((a) => ({
      alertId: a.id,
      alertSource: a.source,
      alertKey: a.dedupKey,
      from: view.from,
      digestId: view.digestId ?? '',
      severityWord: severityWord(a),
      label: `${sourceLabel(a)} (${a.id})`,
      stateWord: STATE_WORD[a.state],
      title: clip(a.title, titleMax),
      detail: detailMax ? clip(stateLine(a), detailMax) : stateLine(a),
      canAcknowledge: isAllowed(a, 'acknowledge'),
    })),
    moreText: more > 0 ? `And ${more} more. Type "alerts" in a chat with me to see them.` : '',
  });
}
