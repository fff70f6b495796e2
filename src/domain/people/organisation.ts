import { cleanLine } from '../shared/clean-text';
import { CtacError } from '../shared/errors';

/** One organisation of the Integrated Care System (an ICB, a trust, a council, a hospice...). */
export interface Organisation {
  /** Short code people type, e.g. `RXH` or `ESCC`: 2-12 letters, digits or hyphens, upper case. */
  code: string;
  name: string;
  /** An operator of essential services under the NIS Regulations 2018. */
  isOes: boolean;
  createdAt: string;
  createdBy: string;
}

export interface OrganisationInput {
  code?: unknown;
  name?: unknown;
  isOes?: unknown;
}

const CODE = /^[A-Z0-9][A-Z0-9-]{1,11}$/;
export const MAX_NAME = 120;

/** Checks and tidies what a person typed, collecting every problem at once. */
export function normaliseOrganisation(
  input: OrganisationInput,
): Pick<Organisation, 'code' | 'name' | 'isOes'> {
  const problems: string[] = [];
  const code = typeof input.code === 'string' ? input.code.trim().toUpperCase() : '';
  const name = typeof input.name === 'string' ? cleanLine(input.name) : '';
  if (!code) problems.push('Give the organisation a short code, for example RXH.');
  else if (!CODE.test(code))
    problems.push(
      'The short code must be 2 to 12 letters, digits or hyphens, for example RXH or ESCC.',
    );
  if (!name) problems.push('Give the organisation its name.');
  else if (name.length > MAX_NAME)
    problems.push(`The name must be at most ${MAX_NAME} characters.`);
  const isOes = input.isOes === true || input.isOes === 'true';
  if (problems.length)
    throw new CtacError('validation', 'Please check the organisation details.', problems);
  return { code, name, isOes };
}
