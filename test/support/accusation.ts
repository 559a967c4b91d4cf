import type { TestApp } from './test-app.js';

/** The plainest valid report: `actor` accuses `target` (no details, no rules of its own). */
export const accusation = (actor: string, target: string) => ({
  type: 'Accusation',
  actor,
  target,
  occurredOn: '2023-12-20',
  summary: `${actor} accuses ${target}`,
  sources: [{ publisher: 'Wire service' }],
});

/** A report of any type on a given day, from one wire service. */
export const wireReport = (type: string, actor: string, target: string, occurredOn: string, summary: string) => ({
  type,
  actor,
  target,
  occurredOn,
  summary,
  sources: [{ publisher: 'Wire service' }],
});

/** Reports an accusation and expects it recorded. */
export async function postAccusation(app: TestApp, actor: string, target: string): Promise<{ incidentId: string; position: string }> {
  const response = await app.request('POST', '/incidents', accusation(actor, target));
  if (response.status !== 201) throw new Error(`POST /incidents answered ${response.status}: ${response.text}`);
  return response.json;
}
