/**
 * Where a change came from: recorded on every event. `sms` and `email` are the acknowledge page a text or
 * an email links to (/ack/<token>).
 */
export type EventSource = 'teams' | 'tab' | 'api' | 'job' | 'sms' | 'email';

/** Who did something. For people this is their Entra object id; for jobs and the API a fixed id. */
export interface Actor {
  id: string;
  name: string;
  source: EventSource;
}

export const jobActor = (name: string): Actor => ({ id: `job:${name}`, name, source: 'job' });
