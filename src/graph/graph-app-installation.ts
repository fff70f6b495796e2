import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { AppInstallation, AppInstallResult } from '../app/ports';

const ENTRA_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What a Teams app manifest id may look like before it goes into a Graph filter. */
const MANIFEST_ID = /^[0-9A-Za-z-]{1,64}$/;

/**
 * Installs CTAC in a person's own Teams through Microsoft Graph (`POST /users/{id}/teamwork/installedApps`,
 * application permission TeamsAppInstallation.ReadWriteForUser.All), so the bot can open a 1:1 chat with
 * someone who has never used it. The app is found in the organisation's catalogue by its manifest id
 * (`externalId`, permission AppCatalog.Read.All), once. Graph's 409 (already installed) is a success.
 */
export class GraphAppInstallation implements AppInstallation {
  private catalogId?: Promise<string | undefined>;

  constructor(
    private readonly client: Client,
    /** The Teams app manifest id (TEAMS_APP_ID). */
    private readonly manifestId: string,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
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
    this.catalogId ??= this.lookUpCatalogApp().then((id) => {
      if (!id) this.catalogId = undefined;
      return id;
    });
    return this.catalogId;
  }

  private async lookUpCatalogApp(): Promise<string | undefined> {
    if (!MANIFEST_ID.test(this.manifestId)) {
      this.logger.warn('graph: TEAMS_APP_ID is not set, so CTAC cannot be installed for members');
      return undefined;
    }
    try {
      const found = (await this.client
        .api('/appCatalogs/teamsApps')
        .filter(`externalId eq '${this.manifestId}'`)
        .get()) as { value?: { id: string }[] };
      const id = found.value?.[0]?.id;
      if (!id) this.logger.warn("graph: CTAC is not in the organisation's app catalogue");
      return id;
    } catch (e) {
      this.logger.warn({ err: e }, 'graph: could not look CTAC up in the app catalogue');
      return undefined;
    }
  }
}
