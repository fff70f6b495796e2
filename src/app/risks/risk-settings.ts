import type { Member } from '../../domain/people/member';
import type { Clock } from '../../domain/shared/clock';
import { CtacError } from '../../domain/shared/errors';
import { normaliseRiskAppetite, type RiskAppetiteInput, type RiskPolicy } from '../../domain/risk';
import type { Directory } from '../directory';
import type { RiskPolicyRepository, StoredRiskPolicy } from './ports';

/** Risk appetite, ICS-wide and per organisation: read by everyone who scores a risk, set by admins. */
export class RiskSettings {
  constructor(
    private readonly policies: RiskPolicyRepository,
    private readonly directory: Directory,
    private readonly clock: Clock,
  ) {}

  async policy(): Promise<RiskPolicy> {
    return (await this.policies.get()).policy;
  }

  /** The current policy with who last changed it, for the admins' appetite form. */
  async current(caller: Member | undefined): Promise<StoredRiskPolicy> {
    this.directory.require(caller, 'admin', 'set the risk appetite');
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
    const admin = this.directory.require(caller, 'admin', 'set the risk appetite');
    const appetite = normaliseRiskAppetite(input);
    const known = new Set((await this.directory.listOrganisations()).map((o) => o.code));
    const unknown = Object.keys(appetite.organisations).filter((code) => !known.has(code));
    if (unknown.length)
      throw new CtacError(
        'validation',
        'Please check the risk appetite.',
        unknown.map((code) => `There is no organisation with the code ${code}.`),
      );
    const stored = await this.policies.get();
    if ((stored.etag ?? '') !== (etag ?? ''))
      throw new CtacError(
        'conflict',
        `${stored.updatedBy ?? 'Another admin'} changed the risk appetite while you were editing it. Type "appetite" to see the latest and try again.`,
      );
    const res = await this.policies.save(
      { ...stored.policy, appetite },
      { updatedAt: this.clock.now().toISOString(), updatedBy: admin.name },
      stored.etag,
    );
    if (!res.ok)
      throw new CtacError(
        'conflict',
        'Another admin changed the risk appetite at the same moment. Type "appetite" to see the latest and try again.',
      );
    return res.value;
  }
}
