// The pair page's evidence filter: which incidents the score, the chart and the list count, kept in the URL.
import { updateUrl } from './as-of.js';

/** What the filter's choices ask the API for (empty: every incident). */
const PROVENANCE_CHOICES = [
  ['', 'Every incident'],
  ['analyst,confirmed', 'Reported or confirmed by an analyst'],
  ['analyst', 'Reported by an analyst'],
  ['imported,confirmed', 'Imported (GDELT, ICEWS, PLOVER)'],
  ['imported', 'Imported, not confirmed'],
];

/** The filter in the URL, as API parameters (absent ones left out). */
export function evidenceFilterFromUrl() {
  const params = new URLSearchParams(location.search);
  const filter = {};
  if (params.get('provenance')) filter.provenance = params.get('provenance');
  if (params.get('minSources')) filter.minSources = params.get('minSources');
  return filter;
}

/** Fills the form with the URL's filter; a change goes to the URL (so it can be shared) and reloads. */
export function mountEvidenceFilter(form, onChange) {
  if (!form) return;
  const provenance = form.elements.namedItem('provenance');
  const minSources = form.elements.namedItem('minSources');
  const current = evidenceFilterFromUrl();
  provenance.replaceChildren(
    ...PROVENANCE_CHOICES.map(([value, label]) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      return option;
    }),
  );
  if (current.provenance && !PROVENANCE_CHOICES.some(([value]) => value === current.provenance)) provenance.add(new Option(current.provenance, current.provenance));
  provenance.value = current.provenance ?? '';
  minSources.value = current.minSources ?? '';
  const apply = () => {
    const sources = minSources.value.trim();
    if (sources !== '' && !(Number.isInteger(Number(sources)) && Number(sources) >= 1)) {
      minSources.setCustomValidity('A whole number of sources, 1 or more');
      minSources.reportValidity();
      return;
    }
    minSources.setCustomValidity('');
    if (updateUrl({ provenance: provenance.value || null, minSources: sources || null })) onChange();
  };
  form.addEventListener('change', apply);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
}
