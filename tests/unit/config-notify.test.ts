import { ConfigError, loadConfig, parseNotifyApiKey } from '../../src/config';

const SERVICE = '26785a09-ab16-4eb0-8407-a37497a57506';
const SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
const KEY = `ctac_live-${SERVICE}-${SECRET}`;
const SMS = 'f33517ff-2a88-4f6e-b855-c550268ce08a';
const EMAIL = 'a9e0d3c8-5f5e-4b5b-9d7f-0b9c3f2e1a11';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  return [];
}

describe('GOV.UK Notify settings', () => {
  test('when no key is set, then text and email are off', () => {
    expect(loadConfig({}).notify).toBeUndefined();
  });

  test('when a key and templates are set, then Notify is on with the service id from the key', () => {
    expect(
      loadConfig({
        NOTIFY_API_KEY: KEY,
        NOTIFY_SMS_TEMPLATE_ID: SMS,
        NOTIFY_EMAIL_TEMPLATE_ID: EMAIL,
      }).notify,
    ).toEqual({
      apiKey: KEY,
      baseUrl: 'https://api.notifications.service.gov.uk',
      serviceId: SERVICE,
      smsTemplateId: SMS,
      emailTemplateId: EMAIL,
    });
  });

  test('when a key name has dashes of its own, then the ids are still read from the end', () => {
    expect(parseNotifyApiKey(`ctac-test-key-${SERVICE}-${SECRET}`)).toEqual({
      keyName: 'ctac-test-key',
      serviceId: SERVICE,
    });
  });

  test.each([
    ['cut short', KEY.slice(0, -4)],
    ['without a name', `${SERVICE}-${SECRET}`],
    ['the secret alone', SECRET],
    ['not hex', `ctac-${SERVICE}-${SECRET.replace(/a/g, 'z')}`],
  ])('when the key is %s, then the app refuses to start saying what a key looks like', (_, key) => {
    const listed = problems({ NOTIFY_API_KEY: key, NOTIFY_SMS_TEMPLATE_ID: SMS });
    expect(listed).toEqual([
      expect.stringMatching(
        /^NOTIFY_API_KEY is not a GOV.UK Notify API key: it must be <key name>-<service id>-<secret key>/,
      ),
    ]);
    // The message never repeats the key (it holds the secret).
    expect(listed.join('\n')).not.toContain(key);
  });

  test('when a bad key stops the start, then the message says CTAC cannot start', () => {
    expect(() => loadConfig({ NOTIFY_API_KEY: 'abc', NOTIFY_SMS_TEMPLATE_ID: SMS })).toThrow(
      /CTAC cannot start, the configuration has problems:\n {2}- NOTIFY_API_KEY is not a GOV.UK Notify API key/,
    );
  });

  test('when a key has no template, or a template no key, then each is refused', () => {
    expect(problems({ NOTIFY_API_KEY: KEY })).toEqual([
      expect.stringMatching(/^NOTIFY_SMS_TEMPLATE_ID or NOTIFY_EMAIL_TEMPLATE_ID is needed/),
    ]);
    expect(problems({ NOTIFY_SMS_TEMPLATE_ID: SMS })).toEqual([
      expect.stringMatching(/^NOTIFY_API_KEY is needed with NOTIFY_SMS_TEMPLATE_ID/),
    ]);
    expect(problems({ NOTIFY_API_KEY: KEY, NOTIFY_SMS_TEMPLATE_ID: 'template-1' })).toEqual([
      expect.stringMatching(/^NOTIFY_SMS_TEMPLATE_ID must be a template id/),
    ]);
  });

  test('when the base URL is plain http on loopback outside production, then it is taken (tests)', () => {
    expect(
      loadConfig({
        NODE_ENV: 'test',
        NOTIFY_API_KEY: KEY,
        NOTIFY_SMS_TEMPLATE_ID: SMS,
        NOTIFY_BASE_URL: 'http://127.0.0.1:4567/',
      }).notify?.baseUrl,
    ).toBe('http://127.0.0.1:4567');
  });

  test('when the base URL is plain http elsewhere, or in production, then it is refused', () => {
    const base = { NOTIFY_API_KEY: KEY, NOTIFY_SMS_TEMPLATE_ID: SMS };
    expect(problems({ ...base, NOTIFY_BASE_URL: 'http://notify.example.org' })).toEqual([
      expect.stringMatching(
        /^NOTIFY_BASE_URL must be an https:\/\/ address \(http:\/\/ only for a loopback/,
      ),
    ]);
    expect(
      problems({ ...base, NODE_ENV: 'production', NOTIFY_BASE_URL: 'http://127.0.0.1:4567' }),
    ).toContainEqual(
      expect.stringMatching(/^NOTIFY_BASE_URL must be an https:\/\/ address in production/),
    );
  });
});
