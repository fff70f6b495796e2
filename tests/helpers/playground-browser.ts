import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/**
 * The Playground's own web client in Debian's Chromium: cards are rendered and their inputs checked
 * exactly as a person meets them (client-side validation included). Only loopback is reachable.
 */
export class PlaygroundBrowser {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(url: string): Promise<PlaygroundBrowser> {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' });
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('[data-lexical-editor=true][role=textbox]').waitFor();
    return new PlaygroundBrowser(browser, page);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /** Types a message in the open conversation and sends it. */
  async say(text: string): Promise<void> {
    const box = this.page.locator('[data-lexical-editor=true][role=textbox]');
    await box.click();
    await box.pressSequentially(text);
    await this.page.keyboard.press('Enter');
  }

  /** A choice in the open drop-down list of a choice set (single or multiple choice). */
  option(text: string): Locator {
    return this.page.locator('.fui-Option').filter({ hasText: text });
  }

  /**
   * Opens a choice set's drop-down and picks `choices` in turn, then closes it. When a message arrives
   * meanwhile the chat scrolls and the open list can be left where the pointer cannot reach it: the
   * list is then closed and opened again (a choice not clicked is not picked, so none is picked twice).
   */
  async pick(combobox: Locator, choices: string[]): Promise<void> {
    for (const choice of choices)
      for (let attempt = 1; ; attempt++) {
        if (!(await this.option(choice).isVisible())) await combobox.click();
        try {
          await this.option(choice).click({ timeout: 5_000 });
          break;
        } catch (e) {
          if (attempt === 3) throw e;
          await this.page.keyboard.press('Escape');
        }
      }
    // A multiple choice list stays open after a pick; a single choice one has closed.
    if (await this.option(choices.at(-1)!).isVisible()) await this.page.keyboard.press('Escape');
  }

  /** The newest rendered card that shows `text`. */
  card(text: string | RegExp): Locator {
    return this.page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();
  }

  /** Waits for the newest card that shows `text` and returns it. */
  async waitForCard(text: string | RegExp, timeout = 15_000): Promise<Locator> {
    const card = this.card(text);
    await card.waitFor({ timeout });
    return card;
  }
}
