import { ConfigError, loadConfig } from '../../src/config';

describe('configuration', () => {
  test('when nothing is set, then the app runs locally on 3978 with embedded storage and an anonymous bot', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.host).toBe('127.0.0.1');
    expect(config.storage).toEqual({ kind: 'embedded', dataDir: '.data' });
    expect(config.bot.anonymous).toBe(true);
  });

  test('when a connection string is set, then it wins over the endpoint', () => {
    const config = loadConfig({
      TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      TABLES_ENDPOINT: 'https://x.table.core.windows.net',
    });
    expect(config.storage.kind).toBe('connectionString');
  });

  test('when only a table endpoint is set, then managed identity storage is used', () => {
    expect(loadConfig({ TABLES_ENDPOINT: 'https://ctac.table.core.windows.net' }).storage).toEqual({
      kind: 'endpoint',
      endpoint: 'https://ctac.table.core.windows.net',
    });
  });

  test('when CTAC_ADMINS lists people, then their sign-in names are tidied', () => {
    expect(loadConfig({ CTAC_ADMINS: ' Asha.Patel@NHS.net, ,ben@nhs.net ' }).admins).toEqual([
      'asha.patel@nhs.net',
      'ben@nhs.net',
    ]);
  });

  test('when production lacks bot credentials, secrets and storage, then it refuses to start and lists every problem', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'BOT_ID',
      'BOT_PASSWORD',
      'BOT_TENANT_ID',
      'CTAC_WEBHOOK_SECRET',
      'CTAC_PUBLIC_URL',
      'TABLES_ENDPOINT',
    ])
      expect(problems).toContain(name);
  });

  test('when production has everything, then the bot is not anonymous', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      BOT_ID: 'id',
      BOT_PASSWORD: 'pw',
      BOT_TENANT_ID: 'tenant',
      CTAC_WEBHOOK_SECRET: 's',
      CTAC_PUBLIC_URL: 'https://ctac.example.nhs.uk',
      TABLES_ENDPOINT: 'https://ctac.table.core.windows.net',
    });
    expect(config.bot.anonymous).toBe(false);
  });

  test('when production has a plain http public URL, then it refuses to start and says https is needed', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        BOT_ID: 'id',
        BOT_PASSWORD: 'pw',
        BOT_TENANT_ID: 'tenant',
        CTAC_WEBHOOK_SECRET: 's',
        CTAC_PUBLIC_URL: 'http://ctac.example.nhs.uk',
        TABLES_ENDPOINT: 'https://ctac.table.core.windows.net',
      }),
    ).toThrow(/CTAC_PUBLIC_URL must be an https:\/\/ address in production/);
  });

  test('when values are malformed, then each is named', () => {
    expect(() =>
      loadConfig({ PORT: 'abc', NHS_CYBER_ALERTS_URL: 'not a url', LOG_LEVEL: 'loud' }),
    ).toThrow(/PORT[\s\S]*NHS_CYBER_ALERTS_URL[\s\S]*LOG_LEVEL/);
  });

  describe('the development host (CTAC_DEV_HOST)', () => {
    const problemsOf = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (e) {
        if (e instanceof ConfigError) return e.problems.join('\n');
        throw e;
      }
      return '';
    };

    test('when nothing is set, then it is off', () => {
      expect(loadConfig({}).devHost).toBe(false);
      expect(loadConfig({ NODE_ENV: 'test' }).devHost).toBe(false);
    });

    test('when it is true on loopback without a bot, then it is on', () => {
      for (const HOST of ['127.0.0.1', 'localhost', '::1', '127.0.0.2'])
        expect(loadConfig({ CTAC_DEV_HOST: 'true', HOST }).devHost).toBe(true);
    });

    test('when it is true together with BOT_ID, then CTAC refuses to start and says why', () => {
      expect(problemsOf({ CTAC_DEV_HOST: 'true', BOT_ID: 'b0t' })).toMatch(
        /CTAC_DEV_HOST cannot be true together with BOT_ID: the development host signs tokens for anyone/,
      );
    });

    test('when it is true on an address other machines can reach, then CTAC refuses to start', () => {
      for (const HOST of ['0.0.0.0', '::', '10.1.2.3', 'ctac.example.org'])
        expect(problemsOf({ CTAC_DEV_HOST: 'true', HOST })).toMatch(
          new RegExp(`CTAC_DEV_HOST cannot be true while HOST is ${HOST}: .*loopback only`),
        );
    });

    test('when it is true in production, then CTAC refuses to start', () => {
      expect(problemsOf({ CTAC_DEV_HOST: 'true', NODE_ENV: 'production' })).toMatch(
        /CTAC_DEV_HOST cannot be true in production/,
      );
    });

    test('when it is not true or false, then it is named', () => {
      expect(problemsOf({ CTAC_DEV_HOST: 'yes' })).toMatch(/CTAC_DEV_HOST/);
    });

    test('when npm start loads the config, then it is on unless BOT_ID, production, another HOST or false says otherwise', () => {
      const local = { devHostByDefault: true };
      expect(loadConfig({}, local).devHost).toBe(true);
      expect(loadConfig({ BOT_ID: 'b0t' }, local).devHost).toBe(false);
      expect(loadConfig({ HOST: '0.0.0.0' }, local).devHost).toBe(false);
      expect(loadConfig({ CTAC_DEV_HOST: 'false' }, local).devHost).toBe(false);
      expect(
        loadConfig(
          {
            NODE_ENV: 'production',
            BOT_PASSWORD: 'pw',
            BOT_TENANT_ID: 't',
            CTAC_WEBHOOK_SECRET: 's',
            CTAC_PUBLIC_URL: 'https://ctac.example.nhs.uk',
            TABLES_ENDPOINT: 'https://ctac.table.core.windows.net',
            BOT_ID: 'b0t',
          },
          local,
        ).devHost,
      ).toBe(false);
      // Asked for explicitly with a bot, it is still refused.
      expect(() => loadConfig({ BOT_ID: 'b0t', CTAC_DEV_HOST: 'true' }, local)).toThrow(
        ConfigError,
      );
    });
  });

  test('when a variable is set but empty, then it counts as unset', () => {
    expect(loadConfig({ PORT: '', TABLES_CONNECTION_STRING: '' }).storage.kind).toBe('embedded');
  });
});

describe('RISK_DECISION_REMINDER_HOURS', () => {
  test('when it is not set, then the leads are reminded of an undecided escalation after 24 hours', () => {
    expect(loadConfig({}).risks).toEqual({ decisionReminderHours: 24 });
  });

  test('when it is set, then that many hours are used, and a value out of range stops the app', () => {
    expect(loadConfig({ RISK_DECISION_REMINDER_HOURS: '48' }).risks.decisionReminderHours).toBe(48);
    expect(() => loadConfig({ RISK_DECISION_REMINDER_HOURS: '0' })).toThrow(
      /RISK_DECISION_REMINDER_HOURS/,
    );
    expect(() => loadConfig({ RISK_DECISION_REMINDER_HOURS: 'soon' })).toThrow(
      /RISK_DECISION_REMINDER_HOURS/,
    );
  });
});

describe('TEAMS_APP_CATALOG_ID', () => {
  test('when it is set with Graph, then CTAC uses it as its id in the app catalogue', () => {
    const config = loadConfig({
      GRAPH_ENABLED: 'true',
      TEAMS_APP_ID: 'ctac-manifest-id',
      TEAMS_APP_CATALOG_ID: '1542629c-01b3-4a6d-8f76-1938b779e48d',
    });
    expect(config.graph).toMatchObject({
      teamsAppId: 'ctac-manifest-id',
      teamsAppCatalogId: '1542629c-01b3-4a6d-8f76-1938b779e48d',
    });
  });

  test('when it is empty, then it counts as unset; when it is not a catalogue id, then the app stops', () => {
    expect(
      loadConfig({ GRAPH_ENABLED: 'true', TEAMS_APP_CATALOG_ID: '' }).graph?.teamsAppCatalogId,
    ).toBeUndefined();
    expect(() =>
      loadConfig({ GRAPH_ENABLED: 'true', TEAMS_APP_CATALOG_ID: "x' or externalId ne '" }),
    ).toThrow(/TEAMS_APP_CATALOG_ID must be the app’s id in the organisation’s app catalogue/);
  });
});
