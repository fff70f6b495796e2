import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** Right-shaped values for every placeholder the manifest uses (GUIDs, https URLs, a host). */
export const SAMPLE_VALUES: Record<string, string> = {
  TEAMS_APP_ID: '6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5',
  BOT_ID: '0b8c6a4e-2f1d-4e3c-9a8b-7c6d5e4f3a2b',
  BOT_DOMAIN: 'ctac-abc123.azurewebsites.net',
  TAB_ENDPOINT: 'https://ctac-abc123.azurewebsites.net',
  APP_NAME: 'CTAC',
  PRIVACY_URL: 'https://www.example-icb.nhs.uk/ctac/privacy',
  TERMS_OF_USE_URL: 'https://www.example-icb.nhs.uk/ctac/terms',
};

export function envFile(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}
