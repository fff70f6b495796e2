import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { AppInstallation, AppInstallResult } from '../app/ports';

const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What a Teams app manifest id may look like before it goes into a Graph filter. */
const MANIFEST_ID = /^[0-9A-Za-z-]{1,64}$/;

/** Where CTAC's catalogue id may come from besides the look-ups. */
export interface CatalogAppSources {
  /** TEAMS_APP_CATALOG_ID: the app's id in the organisation's catalogue, when an admin gave it. */
  catalogId?: string;
  /** The Microsoft 365 group id of the team with the ICS cyber channel, when CTAC knows it. */
  cyberTeamId?: () => Promise<string | undefined>;
}

/**
 * Installs CTAC in a person's own Teams through Microsoft Graph (`POST /users/{id}/teamwork/installedApps`,
 * application permission TeamsAppInstallation.ReadWriteForUser.All), so the bot can open a 1:1 chat with
 * someone who has never used it. Graph's 409 (already installed) is a success.
 *
 * That needs CTAC's id in the organisation's app catalogue, found once, in this order: TEAMS_APP_CATALOG_ID;
 * the catalogue by manifest id (`externalId`, AppCatalog.Read.All), which Microsoft documents for signed-in
 * users only, so with the bot's own token it may be refused or empty; CTAC's installation in the ICS cyber
 * team (TeamsAppInstallation.ReadForTeam.All), whose `teamsApp` is the same catalogue app.
 */
export class GraphAppInstallation implements AppInstallation {
  private catalogId?: Promise<string | undefined>;
  /** A look-up that finds nothing is warned about once; later attempts stay quiet until one succeeds. */
  private warned = false;

  constructor(
    private readonly client: Client,
    /** The Teams app manifest id (TEAMS_APP_ID). */
    private readonly manifestId: string,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    private readonly sources: CatalogAppSources = {},
  ) {}

  async installFor(aadObjectId: string): Promise<AppInstallResult> {
    const id = aadObjectId.toLowerCase();
    if (!ENTRA_ID.test(id)) return 'failed';
    const appId = await this.findCatalogApp();
    if (!appId) return 'failed';
    try {
      await this.client.api(`/users/${id}/teamwork/installedApps`).post({
        'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${encodeURIComponent(appId)}`,
      });
      this.logger.info({ memberId: id }, 'graph: CTAC installed for a member');
      return 'installed';
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 409) return 'already_installed';
      this.logger.warn({ err: e, memberId: id }, 'graph: could not install CTAC for a member');
      return 'failed';
    }
  }

  /** The app's id in the organisation's catalogue; looked up once (a failed look-up is tried again later). */
  private findCatalogApp(): Promise<string | undefined> {
    if (this.sources.catalogId) return Promise.resolve(this.sources.catalogId);
    this.catalogId ??= this.lookUpCatalogApp().then((id) => {
      if (!id) this.catalogId = undefined;
      return id;
    });
    return this.catalogId;
  }

  private async lookUpCatalogApp(): Promise<string | undefined> {
    if (!MANIFEST_ID.test(this.manifestId)) {
      this.warnOnce({}, 'graph: TEAMS_APP_ID is not set, so CTAC cannot be installed for members');
      return undefined;
    }
    let catalogError: unknown;
    let teamError: unknown;
    const fromCatalog = await this.fromCatalog().catch((e: unknown) => {
      catalogError = e;
      return undefined;
    });
    if (fromCatalog) return this.found(fromCatalog);
    const fromTeam = await this.fromCyberTeam().catch((e: unknown) => {
      teamError = e;
      return undefined;
    });
    if (fromTeam) return this.found(fromTeam);
    this.warnOnce(
      {
        err: teamError ?? catalogError,
        catalogStatus: statusOf(catalogError),
        teamStatus: statusOf(teamError),
      },
      "graph: CTAC's id in the app catalogue was found neither in the catalogue nor in the ICS cyber team's apps, so CTAC cannot be installed for members (set TEAMS_APP_CATALOG_ID)",
    );
    return undefined;
  }

  private async fromCatalog(): Promise<string | undefined> {
    const found = (await this.client
      .api('/appCatalogs/teamsApps')
      .filter(`externalId eq '${this.manifestId}'`)
      .get()) as { value?: { id: string }[] };
    return found.value?.[0]?.id;
  }

  private async fromCyberTeam(): Promise<string | undefined> {
    const teamId = (await this.sources.cyberTeamId?.())?.toLowerCase();
    if (!teamId || !ENTRA_ID.test(teamId)) return undefined;
    const found = (await this.client
      .api(`/teams/${teamId}/installedApps`)
      .expand('teamsApp')
      .filter(`teamsApp/externalId eq '${this.manifestId}'`)
      .get()) as { value?: { teamsApp?: { id?: string } }[] };
    return found.value?.find((installation) => installation.teamsApp?.id)?.teamsApp?.id;
  }

  private found(id: string): string {
    this.warned = false;
    return id;
  }

  private warnOnce(details: Record<string, unknown>, message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn(details, message);
  }
}

const statusOf = (e: unknown): number | undefined =>
  (e as { statusCode?: number } | undefined)?.statusCode;
