/*
 * A stand-in for the Teams client, for `npm start` and the browser tests: it frames the tab and answers the
 * teams-js postMessage protocol (initialize, getContext, authentication.getAuthToken, settings), gets tokens
 * from the app's development issuer, and sends themeChange when the theme is changed. Same origin as the tab.
 */
interface TeamsRequest {
  id: number;
  uuidAsString?: string;
  func: string;
  args?: unknown[];
}

const form = document.getElementById('settings') as HTMLFormElement;
const frame = document.getElementById('tab') as HTMLIFrameElement;
const log = document.getElementById('log') as HTMLParagraphElement;
const saveButton = document.getElementById('save') as HTMLButtonElement;
const field = (name: string) =>
  form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

/** The people of the local Teams client (.m365agentsplayground.yml), so `npm start` users can pick one. */
const PLAYGROUND_PEOPLE = [
  ['a1a1a1a1-0000-4000-8000-000000000001', 'Asha Patel', 'asha.patel@sussexics.example.nhs.uk'],
  ['b2b2b2b2-0000-4000-8000-000000000002', 'Ben Okafor', 'ben.okafor@esht.example.nhs.uk'],
  [
    'c3c3c3c3-0000-4000-8000-000000000003',
    'Chloë Davies',
    'chloe.davies@eastsussex.example.gov.uk',
  ],
] as const;
const preset = field('preset') as HTMLSelectElement;
for (const [oid, name] of PLAYGROUND_PEOPLE) preset.add(new Option(name, oid));
const usePreset = () => {
  const person = PLAYGROUND_PEOPLE.find(([oid]) => oid === preset.value);
  if (!person) return;
  field('oid').value = person[0];
  field('name').value = person[1];
  field('upn').value = person[2];
};
preset.addEventListener('change', usePreset);

const params = new URLSearchParams(location.search);
if (!params.get('oid')) {
  preset.value = PLAYGROUND_PEOPLE[0][0];
  usePreset();
}
for (const name of ['oid', 'name', 'upn', 'theme', 'page']) {
  const value = params.get(name);
  if (value) field(name).value = value;
}

const settings = () => ({
  oid: field('oid').value.trim(),
  name: field('name').value.trim(),
  upn: field('upn').value.trim(),
  theme: field('theme').value,
  page: field('page').value,
});

const runtime = {
  apiVersion: 4,
  supports: {
    appInstallDialog: {},
    pages: { appButton: {}, backStack: {}, config: {}, currentApp: {}, fullTrust: {}, tabs: {} },
    teams: { fullTrust: {} },
  },
};

function context() {
  const s = settings();
  return {
    userObjectId: s.oid,
    userPrincipalName: s.upn,
    userDisplayName: s.name,
    loginHint: s.upn,
    tid: '00000000-0000-4000-8000-00000000d0d0',
    theme: s.theme,
    locale: 'en-GB',
    hostName: 'Teams',
    hostClientType: 'web',
    frameContext: s.page === 'config' ? 'settings' : 'content',
    entityId: s.page === 'tab' ? 'ctac' : 'ctac-leads',
    ...(s.page !== 'tab' && {
      teamId: '19:ics-cyber-team@thread.tacv2',
      teamName: 'ICS Cyber',
      channelId: '19:ics-cyber-channel@thread.tacv2',
      channelName: 'ICS cyber',
    }),
  };
}

async function token(): Promise<[boolean, string]> {
  const s = settings();
  const res = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ oid: s.oid, name: s.name }),
  });
  if (!res.ok) return [false, `The development issuer refused (${res.status}).`];
  return [true, ((await res.json()) as { token: string }).token];
}

async function answer(request: TeamsRequest): Promise<unknown[] | undefined> {
  switch (request.func) {
    case 'initialize':
      return [context().frameContext, 'web', JSON.stringify(runtime), '2.0.0'];
    case 'getContext':
      return [context()];
    case 'authentication.getAuthToken':
      return token();
    case 'settings.setSettings':
      log.textContent = `The tab saved its configuration: ${JSON.stringify(request.args?.[0])}`;
      return [true];
    case 'settings.getSettings':
      return [{ entityId: 'ctac-leads', contentUrl: `${location.origin}/tab/` }];
    default:
      return undefined;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== frame.contentWindow || event.origin !== location.origin) return;
  const request = event.data as TeamsRequest;
  if (!request || typeof request.func !== 'string') return;
  void answer(request).then((args) => {
    if (args === undefined) return;
    frame.contentWindow?.postMessage(
      { id: request.id, uuidAsString: request.uuidAsString, args },
      location.origin,
    );
  });
});

function open(): void {
  const page = settings().page;
  saveButton.hidden = page !== 'config';
  frame.src = page === 'config' ? '/tab/config.html' : '/tab/';
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  open();
});
field('theme').addEventListener('change', () => {
  frame.contentWindow?.postMessage(
    { func: 'themeChange', args: [settings().theme] },
    location.origin,
  );
});
saveButton.addEventListener('click', () => {
  frame.contentWindow?.postMessage({ func: 'settings.save', args: [{}] }, location.origin);
});

if (settings().oid) open();
else log.textContent = 'Enter the Entra object id of a CTAC member, then open the tab.';
log.textContent ||=
  'Whoever installs the app in the Playground first (Asha) is an admin; admins add the others as members.';
