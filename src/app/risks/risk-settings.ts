import type { Member } from '../../domain/people/member';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import {
  defineRiskBands,
  normaliseRiskAppetite,
  type RiskAppetiteInput,
  type RiskBandInput,
  type RiskPolicy,
} from '../../domain/risk';
import type { AuditRecorder } from '../audit-log';
import type { Directory } from '../directory';
import type { RiskPolicyRepository, StoredRiskPolicy } from './ports';

/** What an admin is changing, in words for refusals and conflicts. */
const DOING = {
  appetite: { doing: 'set the risk appetite', what: 'the risk appetite', command: 'appetite' },
  bands: { doing: 'change the risk bands', what: 'the risk bands', command: 'bands' },
} as const;
type PolicyPart = keyof typeof DOING;

/**
 * The risk policy: the bands scores fall in and the risk appetite, ICS-wide and per organisation. Read by
 * everyone who scores a risk, set by admins.
 */
export class RiskSettings {
  constructor(
    private readonly policies: RiskPolicyRepository,
    private readonly directory: Directory,
    private readonly clock: Clock,
    /** Where appetite and band changes are recorded (the audit log). */
    private readonly audit?: AuditRecorder,
  ) {}

  async policy(): Promise<RiskPolicy> {
    return (await this.policies.get()).policy;
  }

  /** The current policy with who last changed it, for the admins' appetite or bands form. */
  async current(
    caller: Member | undefined,
    part: PolicyPart = 'appetite',
  ): Promise<StoredRiskPolicy> {
    this.directory.require(caller, 'admin', DOING[part].doing);
    return this.policies.get();
  }

  /**
   * An admin sets the ICS-wide appetite and one per organisation (an organisation left out uses the ICS-wide
   * one). `etag` is the version the admin's form showed: if another admin saved in between, nothing is
   * overwritten and the admin is told.
   */
  async setAppetite(
    caller: Member | undefined,
    input: RiskAppetiteInput,
    etag: string | undefined,
  ): Promise<StoredRiskPolicy> {
    const admin = this.directory.require(caller, 'admin', DOING.appetite.doing);
    const appetite = normaliseRiskAppetite(input);
    const known = new Set((await this.directory.listOrganisations()).map((o) => o.code));
    const unknown = Object.keys(appetite.organisations).filter((code) => !known.has(code));
    if (unknown.length)
      throw new CtacError(
        'validation',
        'Please check the risk appetite.',
        unknown.map((code) => `There is no organisation with the code ${code}.`),
      );
    return this.save(admin, etag, 'appetite', (policy) => ({ ...policy, appetite }));
  }

  /**
   * An admin replaces the risk bands. Every possible score must fall in exactly one band (`defineRiskBands`
   * lists every problem at once). Risks are shown in the band of their score under the bands in force, so
   * the change shows on every card and list straight away; each risk's history keeps the band it had then.
   */
  async setBands(
    caller: Member | undefined,
    input: readonly RiskBandInput[],
    etag: string | undefined,
  ): Promise<StoredRiskPolicy> {
    const admin = this.directory.require(caller, 'admin', DOING.bands.doing);
    const bands = defineRiskBands(input);
    return this.save(admin, etag, 'bands', (policy) => ({ ...policy, bands }));
  }

  private async save(
    admin: Member,
    etag: string | undefined,
    part: PolicyPart,
    change: (policy: RiskPolicy) => RiskPolicy,
  ): Promise<StoredRiskPolicy> {
    const { what, command } = DOING[part];
    const stored = await this.policies.get();
    if ((stored.etag ?? '') !== (etag ?? ''))
      throw new CtacError(
        'conflict',
        `${stored.updatedBy ?? 'Another admin'} changed the risk settings while you were editing ${what}. Type "${command}" to see the latest and try again.`,
      );
    const res = await this.policies.save(
      change(stored.policy),
      { updatedAt: this.clock.now().toISOString(), updatedBy: admin.name },
      stored.etag,
    );
    if (!res.ok)
      throw new CtacError(
        'conflict',
        `Another admin changed the risk settings at the same moment. Type "${command}" to see the latest and try again.`,
      );
    await this.audit?.record({
      action: part === 'appetite' ? 'risk.appetite' : 'risk.bands',
      by: admin,
      subject: part === 'appetite' ? 'Risk appetite' : 'Risk bands',
      before: describe[part](stored.policy),
      after: describe[part](res.value.policy),
    });
    return res.value;
  }
}

/** A part of the risk policy in words for the audit log: "ICS-wide 12; RXC 9" or "low 1-3, moderate 4-6, ...". */
const describe: Record<PolicyPart, (policy: RiskPolicy) => string> = {
  appetite: ({ appetite }) =>
    [
      `ICS-wide ${appetite.icsWide}`,
      ...Object.entries(appetite.organisations).map(([code, n]) => `${code} ${n}`),
    ].join('; '),
  bands: ({ bands }) => bands.map((b) => `${b.name} ${b.min}-${b.max}`).join(', '),
};
