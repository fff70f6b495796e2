import { tabDeepLink, type TabTarget } from '../domain/shared/tab-links';

/*
 * The Teams app's manifest id, for the "Open in the tab" links on cards. Set once at start by the composition
 * root from TEAMS_APP_ID (src/server.ts); unset (local runs, tests), cards carry no tab link, as a link to
 * an app Teams does not know would open nothing.
 */
let teamsAppId: string | undefined;

/** Sets (or, with undefined, clears) the manifest id the cards' tab links open. */
export function setTabLinkAppId(appId: string | undefined): void {
  teamsAppId = appId?.trim() || undefined;
}

/** A deep link opening the CTAC tab on the target, or undefined when the app id is not set. */
export const tabLinkFor = (target: TabTarget): string | undefined =>
  teamsAppId ? tabDeepLink(teamsAppId, target) : undefined;
