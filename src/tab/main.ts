import { createRoot } from 'react-dom/client';
import { OutsideTeams, TabApp } from './app';
import { onThemeChange, startTeams } from './teams';
import { h } from './ui';

/** The tab's entry point: start teams-js, then render with the context's user and theme. */
async function boot(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  try {
    const session = await startTeams();
    root.render(h(TabApp, { session, subscribeTheme: onThemeChange }));
  } catch (error) {
    root.render(h(OutsideTeams, { error }));
  }
}

void boot();
