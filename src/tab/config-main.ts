// First, so teams-js finds its domain list answered before it loads (see teams-origins.ts).
import './teams-origins';
import { FluentProvider, teamsLightTheme } from '@fluentui/react-components';
import { app } from '@microsoft/teams-js';
import { createRoot } from 'react-dom/client';
import { THEMES } from './app';
import { asTheme, configureChannelTab } from './teams';
import { h } from './ui';

/** The channel tab's configuration page: nothing to choose, so Save is allowed at once. */
async function boot(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  const page = (theme: keyof typeof THEMES, text: string) =>
    h(
      FluentProvider,
      { theme: THEMES[theme] ?? teamsLightTheme, className: 'ctac-root' },
      h(
        'main',
        { className: 'ctac-main' },
        h('h1', null, 'Add CTAC to this channel'),
        h('p', null, text),
      ),
    );
  try {
    await app.initialize();
    const context = await app.getContext();
    configureChannelTab(window.location.origin);
    root.render(
      page(
        asTheme(context.app.theme),
        'The tab shows escalations to decide, the risk register and heat map, the decision register, HSA compliance, alerts and the rota. Press Save to add it.',
      ),
    );
  } catch {
    root.render(page('default', 'Open this page from Teams to add the CTAC tab to a channel.'));
  }
}

void boot();
