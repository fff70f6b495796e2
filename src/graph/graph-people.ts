import type { Client } from '@microsoft/microsoft-graph-client';
import type { DirectoryPerson, PeopleLookup } from '../app/rota/ports';

interface GraphUser {
  id: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  mail?: string | null;
}

const SELECT = 'id,displayName,userPrincipalName,mail';
/** What an email address or UPN may look like before it goes into a Graph URL or filter. */
const SIGN_IN_NAME = /^[^\s@/\\?#'"%]+@[^\s@/\\?#'"%]+\.[^\s@/\\?#'"%]+$/;

/**
 * Finds people in the organisation's Entra ID through Microsoft Graph (application permission
 * User.Read.All): by user principal name first, then by email address, as people often know only
 * someone's email and in NHSmail it can differ from the sign-in name.
 */
export class GraphPeopleLookup implements PeopleLookup {
  constructor(private readonly client: Client) {}

  async findBySignInName(text: string): Promise<DirectoryPerson | undefined> {
    const name = text.trim().toLowerCase();
    if (!SIGN_IN_NAME.test(name)) return undefined;
    const byUpn = await this.get(`/users/${encodeURIComponent(name)}`);
    if (byUpn) return toPerson(byUpn);
    const found = (await this.client
      .api('/users')
      .filter(`mail eq '${name}' or userPrincipalName eq '${name}'`)
      .select(SELECT)
      .top(2)
      .get()) as { value?: GraphUser[] };
    // Two people with one address is not an answer we can act on.
    return found.value?.length === 1 ? toPerson(found.value[0]!) : undefined;
  }

  private async get(path: string): Promise<GraphUser | undefined> {
    try {
      return (await this.client.api(path).select(SELECT).get()) as GraphUser;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  }
}

const toPerson = (user: GraphUser): DirectoryPerson => ({
  aadObjectId: user.id.toLowerCase(),
  name: user.displayName || user.userPrincipalName || user.mail || user.id,
  upn: (user.userPrincipalName || user.mail || '').toLowerCase(),
});
