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

/** Someone in CTAC, as /dev/people lists them. */
interface Person {
  oid: string;
  name: string;
  upn: string;
  role: 'member' | 'lead' | 'admin';
  orgCode: string;
}
const preset = field('preset') as HTMLSelectElement;
let people: Person[] = [];
const usePreset = () => {
  const person = people.find((p) => p.oid === preset.value);
  if (!person) return;
  field('oid').value = person.oid;
  field('name').value = person.name;
  field('upn').value = person.upn;
};
preset.addEventListener('change', usePreset);

/** Everyone in CTAC with their role, from the app, so any of them (a lead too) can be picked. */
async function loadPeople(): Promise<void> {
  const res = await fetch('/dev/people');
  if (!res.ok) throw new Error(`The app did not list the people in CTAC (${res.status}).`);
  people = ((await res.json()) as { people: Person[] }).people;
  for (const p of people)
    preset.add(new Option(`${p.name} (${p.role}${p.orgCode ? `, ${p.orgCode}` : ''})`, p.oid));
}

const params = new URLSearchParams(location.search);
for (const name of ['oid', 'name', 'upn', 'theme', 'locale', 'page', 'subPageId']) {
  const value = params.get(name);
  if (value) field(name).value = value;
}

const settings = () => ({
  oid: field('oid').value.trim(),
  name: field('name').value.trim(),
  upn: field('upn').value.trim(),
  theme: field('theme').value,
  locale: field('locale').value,
  page: field('page').value,
  subPageId: field('subPageId').value.trim(),
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
    locale: s.locale,
    hostName: 'Teams',
    hostClientType: 'web',
    frameContext: s.page === 'config' ? 'settings' : 'content',
    entityId: s.page === 'tab' ? 'ctac' : 'ctac-leads',
    // What a deep link's context names (teams-js gives it to the tab as page.subPageId).
    ...(s.subPageId && { subEntityId: s.subPageId }),
    ...(s.page !== 'tab' && {
      teamId: '19:ics-cyber-team@thread.tacv2',
      teamName: 'ICS Cyber',
      channelId: '19:ics-cyber-channel@thread.tacv2',
      channelName: 'ICS cyber',
    }),
  };
}

/**
 * Teams hands a tab the same SSO token until it nears expiry rather than asking Entra ID each time; so does
 * this page, one token per person, asked for again five minutes before it expires (the development issuer's
 * last an hour). Asking for each of the tab's API calls would also run into /dev/token's 30 a minute.
 */
const tokens = new Map<string, { token: string; renewAt: number }>();
const RENEW_BEFORE_MS = 5 * 60_000;

async function token(): Promise<[boolean, string]> {
  const s = settings();
  const who = JSON.stringify([s.oid, s.name]);
  const kept = tokens.get(who);
  if (kept && Date.now() < kept.renewAt) return [true, kept.token];
  const res = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ oid: s.oid, name: s.name }),
  });
  if (!res.ok) return [false, `The development issuer refused (${res.status}).`];
  const issued = ((await res.json()) as { token: string }).token;
  tokens.set(who, { token: issued, renewAt: expiresAt(issued) - RENEW_BEFORE_MS });
  return [true, issued];
}

/** When a token expires, from its `exp` claim (now, so it is not kept, if it cannot be read). */
function expiresAt(jwt: string): number {
  try {
    const payload = jwt.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const exp = (JSON.parse(atob(payload)) as { exp?: number }).exp;
    return typeof exp === 'number' ? exp * 1000 : Date.now();
  } catch {
    return Date.now();
  }
}

/** Every link the tab asked Teams to open (app.openLink), for the browser tests. */
const openedLinks: string[] = [];
(window as unknown as { openedLinks: string[] }).openedLinks = openedLinks;

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
    case 'executeDeepLink':
      // app.openLink: Teams opens the link (a web address in the system browser); here it is only recorded.
      openedLinks.push(String(request.args?.[0] ?? ''));
      log.textContent = `The tab asked Teams to open ${String(request.args?.[0] ?? '')}`;
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

/** Lists the people, picks the one the address names or else the first lead, and opens the tab. */
async function start(): Promise<void> {
  try {
    await loadPeople();
  } catch (e) {
    log.textContent = e instanceof Error ? e.message : String(e);
  }
  const named = params.get('oid');
  const first = people.find((p) => p.role === 'lead') ?? people.find((p) => p.role === 'admin');
  if (named) preset.value = people.some((p) => p.oid === named) ? named : '';
  else if (first) {
    preset.value = first.oid;
    usePreset();
  }
  if (settings().oid) open();
  else if (people.length === 0)
    log.textContent ||=
      'Nobody is in CTAC yet: open the channel in the Agents Playground first (whoever installs the app there is an admin), then reload.';
  else
    log.textContent =
      'Pick a person, or enter the Entra object id of a CTAC member, then open the tab.';
}

void start();
