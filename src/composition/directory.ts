import { AuditLog } from '../app/audit-log';
import { CachedConversationRepository } from '../app/conversation-cache';
import { Directory } from '../app/directory';
import { CachedMemberRepository } from '../app/member-cache';
import type { Member } from '../domain/people/member';
import { uuidGenerator } from '../domain/shared/ids';
import { GraphAppInstallation } from '../graph/graph-app-installation';
import { TableAuditRepository } from '../store/audit-repository';
import {
  TableConversationRepository,
  TableMemberRepository,
  TableOrganisationRepository,
} from '../store/directory-repositories';
import type { AppContext } from './context';

/** Who is who: members and organisations, where messages go, and the admins' audit log. */
export interface PeopleArea {
  directory: Directory;
  members: CachedMemberRepository;
  conversations: CachedConversationRepository;
  audit: AuditLog;
}

export function composeDirectory({ store, clock, config, graph, logger }: AppContext): PeopleArea {
  // Where messages go (the ICS cyber channel, people's chats) is remembered for 30 s; changes made
  // here show at once.
  const conversations = new CachedConversationRepository(
    new TableConversationRepository(store),
    clock,
  );
  // Member look-ups are remembered for 10 s (every button press starts with one); changes through
  // it show at once.
  const members = new CachedMemberRepository(new TableMemberRepository(store, clock), clock);
  // Admin changes (roles, organisations, channel, appetite, bands, policies) are recorded here.
  // The directory records its changes here, and checks who may read it: each needs the other.
  const audit: AuditLog = new AuditLog(
    new TableAuditRepository(store),
    { require: (...args): Member => directory.require(...args) },
    clock,
    uuidGenerator,
  );
  const directory = new Directory(
    new TableOrganisationRepository(store),
    members,
    clock,
    config.admins,
    audit,
    // With Graph, CTAC is installed for each new member so it can open a chat with them. Its catalogue
    // id comes from the setting, the catalogue, or its installation in the ICS cyber channel's team.
    graph &&
      new GraphAppInstallation(graph, config.graph?.teamsAppId ?? '', logger, {
        catalogId: config.graph?.teamsAppCatalogId,
        cyberTeamId: async () => (await conversations.cyberChannel())?.aadGroupId,
      }),
  );
  return { directory, members, conversations, audit };
}
