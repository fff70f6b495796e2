/**
 * Links straight to one thing in the CTAC tab (an HSA, an escalation, a supplier). Teams opens the personal
 * tab and hands it the thing as the tab's sub-page id (`page.subPageId` in teams-js), written `kind:id`.
 * Shared by the cards and notifications that make the links and the tab that follows them.
 */

/** The personal tab's entityId in appPackage/manifest.json. */
export const TAB_ENTITY_ID = 'ctac';

export const TAB_LINK_KINDS = ['hsa', 'escalation', 'supplier'] as const;
export type TabLinkKind = (typeof TAB_LINK_KINDS)[number];

/** What a deep link opens: an HSA by its alert id, an escalation by its risk id, a supplier by its id. */
export interface TabTarget {
  kind: TabLinkKind;
  id: string;
}

const MAX_ID = 200;

/** The sub-page id for a target: `hsa:<alertId>`, `escalation:<riskId>`, `supplier:<id>`. */
export const subPageIdOf = (target: TabTarget): string => `${target.kind}:${target.id}`;

/**
 * The target a sub-page id names, or undefined for anything else (an empty id, an unknown kind, no id, an
 * id too long to be real). Only ever used to choose what to show: the tab asks the API for the thing as
 * the person signed in, so a made-up id shows nothing more than they could see anyway.
 */
export function parseSubPageId(value: string | undefined | null): TabTarget | undefined {
  if (!value) return undefined;
  const at = value.indexOf(':');
  if (at <= 0) return undefined;
  const kind = value.slice(0, at);
  const id = value.slice(at + 1).trim();
  if (!(TAB_LINK_KINDS as readonly string[]).includes(kind)) return undefined;
  if (!id || id.length > MAX_ID) return undefined;
  return { kind: kind as TabLinkKind, id };
}

/**
 * A Teams deep link that opens the CTAC personal tab on the target, in Microsoft's format for a tab
 * entity: `https://teams.microsoft.com/l/entity/<appId>/<entityId>?context={"subEntityId":"<kind>:<id>"}`,
 * URL-encoded. `teamsAppId` is the manifest id (TEAMS_APP_ID). The optional label is left out, so the link
 * has no `&` to be escaped where it is sent as message text.
 */
export function tabDeepLink(teamsAppId: string, target: TabTarget): string {
  const context = encodeURIComponent(JSON.stringify({ subEntityId: subPageIdOf(target) }));
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(teamsAppId)}/${TAB_ENTITY_ID}?context=${context}`;
}
