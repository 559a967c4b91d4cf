// How one incident reads wherever it is listed: sources as links, details in words, retractions shown, not hidden.
import { h } from './dom.js';
import { humanDate } from './format.js';

/** The words a detail field is written with; a field not named here is spelled out from its name. */
const DETAIL_LABELS = {
  diplomats: (n) => `${n} diplomat${n === 1 ? '' : 's'}`,
  deadlineHours: (n) => `to leave within ${n} hours`,
  includesAmbassador: (yes) => (yes ? 'the ambassador among them' : 'not the ambassador'),
  ambassadorName: (name) => `ambassador: ${name}`,
  inResponseTo: () => 'in response to an earlier incident',
  meeting: (name) => `meeting: ${name}`,
  place: (name) => `in ${name}`,
  scope: (scope) => `scope: ${Array.isArray(scope) ? scope.join(', ') : scope}`,
  speaker: (name) => `said by ${name}`,
  quote: (quote) => `“${quote}”`,
  forum: (name) => `at ${name}`,
  region: (name) => `region: ${name}`,
  agreement: (name) => `agreement: ${name}`,
  peaceAgreement: (yes) => (yes ? 'a peace agreement, ending the hostilities' : 'not a peace agreement'),
};

/** "deadlineHours" → "deadline hours": the last resort for a field this page does not know yet. */
function spelledOut(name) {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export function detailsText(details) {
  const entries = Object.entries(details ?? {});
  if (entries.length === 0) return null;
  const phrases = entries.map(([name, value]) =>
    Object.hasOwn(DETAIL_LABELS, name) ? DETAIL_LABELS[name](value) : `${spelledOut(name)}: ${Array.isArray(value) ? value.join(', ') : value}`,
  );
  return h('p', { class: 'small muted details-text' }, phrases.join(' · '));
}

/**
 * Sources with a URL link to it; those without (the seed articles have none) link to every
 * incident citing the same source, which is what a reader can still follow.
 */
export function sourceList(sources) {
  return h(
    'ul',
    { class: 'sources-list' },
    sources.map((source) => {
      const label = source.publisher ?? (source.url ? hostOf(source.url) : 'Source');
      const link = source.url
        ? h('a', { href: source.url, rel: 'noopener noreferrer', target: '_blank' }, label, h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'))
        : h('a', { href: `/explore?${new URLSearchParams({ q: sourceWords(source) })}`, title: 'Every incident citing this source' }, label);
      return h(
        'li',
        {},
        link,
        source.title ? [' — ', h('cite', {}, source.title)] : null,
        source.publishedOn ? h('span', { class: 'muted' }, `, ${humanDate(source.publishedOn)}`) : null,
      );
    }),
  );
}

function hostOf(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return 'Source';
  }
}

/** The most specific words of a source without URL: a seed article's id when it has one, else its publisher. */
function sourceWords(source) {
  const seed = /seed article ([0-9a-f_]+)/i.exec(source.publisher ?? '');
  return seed ? seed[1] : (source.publisher ?? source.title ?? '');
}

/** A retracted incident stays listed, struck through, with why it was retracted. */
export function retractionNote(incident) {
  if (!incident.retracted) return null;
  const retraction = [...incident.amendments].reverse().find((amendment) => amendment.type === 'IncidentRetracted');
  return h('p', { class: 'retraction-note' }, h('strong', {}, 'Retracted'), retraction?.reason ? `: ${retraction.reason}` : '');
}

/** Corrections, said with their reasons. */
export function correctionNote(incident) {
  const corrections = incident.amendments.filter((amendment) => amendment.type === 'IncidentCorrected');
  if (corrections.length === 0) return null;
  return h('p', { class: 'small muted' }, `Corrected ${corrections.length}×: ${corrections.map((amendment) => amendment.reason).join('; ')}`);
}

/** The datasets an incident may be imported from, as analysts name them. */
const DATASETS = { gdelt2: 'GDELT 2.0', gdelt1: 'GDELT 1.0', icews: 'ICEWS', plover: 'PLOVER' };

/**
 * Where the incident comes from and what vouches for it: an analyst's report, or the dataset row
 * it was imported from (confirmed by an analyst or not), its independent sources and, for an
 * unconfirmed import, the share of its weight the score gives it.
 */
export function evidenceNote(incident) {
  const evidence = incident.evidence;
  if (!evidence) return null;
  const sources = `${evidence.independentSources} independent source${evidence.independentSources === 1 ? '' : 's'}`;
  const [dataset, ...row] = (evidence.importedRows[0] ?? '').split('/');
  const origin =
    evidence.provenance === 'analyst'
      ? 'Reported by an analyst'
      : `Imported from ${DATASETS[dataset] ?? dataset}, row ${row.join('/')}${evidence.provenance === 'confirmed' ? `; confirmed by an analyst on ${humanDate(evidence.confirmedAt.slice(0, 10))}` : ''}`;
  const weight = evidence.weight < 1 ? h('span', { class: 'tag', title: 'Share of its weight the escalation score gives it (see the methodology)' }, `counts ${Math.round(evidence.weight * 100)}%`) : null;
  return h('p', { class: `small evidence-note provenance-${evidence.provenance}`, dataset: { provenance: evidence.provenance } }, `${origin} · ${sources}`, weight ? [' ', weight] : null);
}
