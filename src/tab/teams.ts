// First, so teams-js finds its domain list answered before it loads (see teams-origins.ts).
import './teams-origins';
import { app, authentication, pages } from '@microsoft/teams-js';

/** The Teams themes a tab can be asked to follow. */
export type TeamsTheme = 'default' | 'dark' | 'contrast';

/** Who the tab runs for and where, as the Teams client says. */
export interface TeamsSession {
  userName: string;
  userPrincipalName: string;
  theme: TeamsTheme;
  /** The person's Teams language and region (en-GB), which dates typed in the tab follow. */
  locale: string;
  /** Set in a channel tab. */
  channelId?: string;
  /** What a deep link asked the tab to open (`hsa:<alertId>`, `escalation:<riskId>`, `supplier:<id>`). */
  subPageId?: string;
}

export const asTheme = (value: string | undefined): TeamsTheme =>
  value === 'dark' || value === 'contrast' ? value : 'default';

/** Starts teams-js and reads the context; rejects when the page is not inside a Teams host. */
export async function startTeams(): Promise<TeamsSession> {
  await app.initialize();
  const context = await app.getContext();
  return {
    userName: context.user?.displayName ?? context.user?.userPrincipalName ?? '',
    userPrincipalName: context.user?.userPrincipalName ?? '',
    theme: asTheme(context.app.theme),
    locale: context.app.locale || 'en-GB',
    ...(context.channel?.id && { channelId: context.channel.id }),
    ...(context.page.subPageId && { subPageId: context.page.subPageId }),
  };
}

export const onThemeChange = (handler: (theme: TeamsTheme) => void): void =>
  app.registerOnThemeChangeHandler((theme) => handler(asTheme(theme)));

/** The Teams SSO token for the app's API (the host refreshes it as needed). */
export const getToken = (): Promise<string> => authentication.getAuthToken();

/**
 * Opens a link through Teams (in the system browser for a web address): how an export's one-time link is
 * opened, since a download started inside the tab fails in the new Teams client and on phones.
 */
export const openLink = (url: string): Promise<void> => app.openLink(url);

/** The channel tab's configuration page: saves where the tab points when the person presses Save. */
export function configureChannelTab(origin: string): void {
  pages.config.registerOnSaveHandler((saveEvent) => {
    pages.config
      .setConfig({
        entityId: 'ctac-leads',
        suggestedDisplayName: 'CTAC',
        contentUrl: `${origin}/tab/`,
        websiteUrl: `${origin}/tab/`,
      })
      .then(() => saveEvent.notifySuccess())
      .catch((e: unknown) => saveEvent.notifyFailure(String(e)));
  });
  pages.config.setValidityState(true);
}
