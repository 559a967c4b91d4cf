// The report form: POST /incidents, with the API's validation messages shown next to the fields
// they name (errors[].field such as `details.diplomats` or `sources[0].url`), said with the fields' labels.
import { api, apiKey, ApiProblem, setApiKey } from './api.js';
import { $, $$, fill, h } from './dom.js';
import { typeLabel } from './format.js';

const SOURCE_FIELDS = [
  ['url', 'URL', 'url', 'https://…'],
  ['publisher', 'Publisher', 'text', 'e.g. Reuters'],
  ['title', 'Title', 'text', ''],
  ['publishedOn', 'Published on', 'text', 'YYYY-MM-DD'],
];

let uid = 0;
const nextId = (base) => `${base}-${++uid}`;

/** A labelled control inside a container that says which API field it is. */
function field(name, label, control, hint) {
  control.id ||= nextId(`f-${name.replace(/[^A-Za-z0-9]+/g, '-')}`);
  control.dataset.control = name;
  const hintElement = hint ? h('p', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field', dataset: { field: name } }, h('label', { for: control.id }, label), hintElement, control);
}

/**
 * Renders the form into `container`. pair = [a, b] preselects the countries; onRecorded(result)
 * runs after a 201. `initial` fills every field (a report's body, as the API takes it).
 * `embedded`: the form is one of several on a page that sends them together (the review page), so
 * it has no submit button or API key of its own; the page reads `body()` and hands the API's
 * answer back to `showErrors` / `showProblem`.
 */
export function mountReportForm(container, { pair, catalog, onRecorded, initial, embedded = false }) {
  const types = catalog.incidentTypes;
  const byType = new Map(types.map((t) => [t.type, t]));

  const typeSelect = h(
    'select',
    { name: 'type' },
    h('optgroup', { label: 'Conflict' }, types.filter((t) => t.conflict).map((t) => h('option', { value: t.type }, `${typeLabel(t.type)} (Goldstein ${t.goldstein})`))),
    h('optgroup', { label: 'Cooperation' }, types.filter((t) => !t.conflict).map((t) => h('option', { value: t.type }, `${typeLabel(t.type)} (Goldstein +${t.goldstein})`))),
  );
  typeSelect.value = byType.has('DiplomatsExpelled') ? 'DiplomatsExpelled' : types[0].type;
  const typeHint = h('p', { class: 'hint', id: nextId('type-hint') });
  typeSelect.setAttribute('aria-describedby', typeHint.id);

  const countryOptions = () => catalog.countries.map((c) => h('option', { value: c.code }, `${c.name} (${c.code})`));
  const actor = h('select', { name: 'actor' }, countryOptions());
  const target = h('select', { name: 'target' }, countryOptions());
  actor.value = pair?.[0] ?? 'AZE';
  target.value = pair?.[1] ?? 'FRA';
  const swap = h('button', { type: 'button', class: 'button step', 'aria-label': 'Swap actor and target', title: 'Swap actor and target' }, '⇄');
  swap.addEventListener('click', () => {
    [actor.value, target.value] = [target.value, actor.value];
  });

  const occurredOn = h('input', { type: 'text', name: 'occurredOn', autocomplete: 'off', inputmode: 'numeric', placeholder: 'YYYY-MM-DD' });
  const summary = h('textarea', { name: 'summary', rows: 3 });
  const counter = h('span', { class: 'counter' }, '0 / 280');
  summary.addEventListener('input', () => {
    counter.textContent = `${summary.value.length} / 280`;
    counter.classList.toggle('over', summary.value.length > 280);
  });

  const sourcesBox = h('div', { class: 'sources' });
  const sourcesFieldset = h(
    'fieldset',
    { class: 'group', dataset: { field: 'sources' } },
    h('legend', {}, 'Sources'),
    h('p', { class: 'hint' }, 'At least one: a URL, a publisher, or both.'),
    sourcesBox,
  );
  const addSource = h('button', { type: 'button', class: 'button' }, 'Add another source');
  sourcesFieldset.append(addSource);
  let sources = initial?.sources?.length ? initial.sources.map((source) => ({ ...source })) : [{}];

  const detailsBox = h('fieldset', { class: 'group', dataset: { field: 'details' } });

  const keyInput = h('input', { type: 'password', autocomplete: 'off', name: 'apiKey', value: apiKey() ?? '' });
  const keyDetails = h(
    'details',
    { class: 'credentials' },
    h('summary', {}, 'API key'),
    field('apiKey', 'API key (optional)', keyInput, 'Needed only when this server has API keys configured. Sent as a Bearer token; remembered for this tab only.'),
  );
  keyInput.addEventListener('change', () => setApiKey(keyInput.value.trim()));

  const errorBox = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const statusBox = h('div', { class: 'form-status', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Report incident');

  const introId = embedded ? nextId('report-intro') : 'report-intro';
  const form = h(
    'form',
    { class: 'report-form', novalidate: true, id: embedded ? null : 'report-form', 'aria-describedby': introId },
    h('p', { class: 'hint', id: introId }, 'The server checks every field and explains what it cannot accept, next to the field concerned.'),
    errorBox,
    h(
      'div',
      { class: 'form-grid' },
      h('div', { class: 'field', dataset: { field: 'type' } }, h('label', { for: (typeSelect.id = nextId('f-type')) }, 'Type'), typeSelect, typeHint),
      h(
        'div',
        { class: 'pair-fields' },
        field('actor', 'Actor (who acts)', actor),
        h('div', { class: 'swap' }, swap),
        field('target', 'Target', target),
      ),
      field('occurredOn', 'Occurred on', occurredOn, 'YYYY-MM-DD, or YYYY-MM / YYYY when only the month or year is known.'),
      h('div', { class: 'field wide', dataset: { field: 'summary' } }, h('label', { for: (summary.id = nextId('f-summary')) }, 'Summary ', counter), summary),
    ),
    sourcesFieldset,
    detailsBox,
    embedded ? null : keyDetails,
    embedded ? null : h('div', { class: 'actions' }, submit),
    statusBox,
  );
  summary.dataset.control = 'summary';
  typeSelect.dataset.control = 'type';
  fill(container, form);

  function renderSources() {
    fill(
      sourcesBox,
      sources.map((source, index) => {
        const controls = SOURCE_FIELDS.map(([name, label, type, placeholder]) => {
          const input = h('input', { type, name: `sources[${index}].${name}`, value: source[name] ?? '', placeholder, autocomplete: 'off' });
          input.addEventListener('input', () => {
            sources[index][name] = input.value;
          });
          return field(`sources[${index}].${name}`, label, input);
        });
        const remove =
          sources.length > 1 ? h('button', { type: 'button', class: 'button link', 'aria-label': `Remove source ${index + 1}` }, 'Remove') : null;
        remove?.addEventListener('click', () => {
          sources.splice(index, 1);
          renderSources();
          sourcesBox.querySelector('input')?.focus();
        });
        return h('fieldset', { class: 'source', dataset: { field: `sources[${index}]` } }, h('legend', {}, `Source ${index + 1}`), h('div', { class: 'source-grid' }, controls), remove);
      }),
    );
  }
  addSource.addEventListener('click', () => {
    sources.push({});
    renderSources();
    $$('.source', sourcesBox).at(-1)?.querySelector('input')?.focus();
  });

  /** Controls for the type's `details`, built from the JSON schema the catalogue serves. */
  function renderDetails(previous = readDetails()) {
    const definition = byType.get(typeSelect.value);
    fill(typeHint, definition?.description ?? '');
    const schema = definition?.details;
    if (!schema || Object.keys(schema.properties ?? {}).length === 0) {
      detailsBox.hidden = true;
      fill(detailsBox);
      return;
    }
    detailsBox.hidden = false;
    const required = new Set(schema.required ?? []);
    fill(
      detailsBox,
      h('legend', {}, `Details of ${typeLabel(typeSelect.value).toLowerCase()}`),
      h(
        'div',
        { class: 'details-grid' },
        Object.entries(schema.properties).map(([name, property]) => detailControl(name, property, required.has(name), previous[name])),
      ),
    );
  }

  function detailControl(name, property, required, previous) {
    const path = `details.${name}`;
    const label = `${name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase())}${required ? '' : ' (optional)'}`;
    if (property.type === 'boolean') {
      const box = h('input', { type: 'checkbox', name: path, checked: previous === true, dataset: { kind: 'boolean' } });
      box.id = nextId(`f-details-${name}`);
      box.dataset.control = path;
      return h('div', { class: 'field checkbox', dataset: { field: path } }, box, h('label', { for: box.id }, label));
    }
    if (property.type === 'array' && property.items?.enum) {
      const chosen = new Set(Array.isArray(previous) ? previous : []);
      const boxes = property.items.enum.map((value) => {
        const box = h('input', { type: 'checkbox', name: path, value, checked: chosen.has(value), dataset: { kind: 'choice' } });
        box.id = nextId(`f-details-${name}-${value}`);
        return h('span', { class: 'choice' }, box, h('label', { for: box.id }, value));
      });
      boxes[0].querySelector('input').dataset.control = path;
      return h('fieldset', { class: 'field choices', dataset: { field: path } }, h('legend', {}, label), h('div', { class: 'choice-list' }, boxes));
    }
    const hint =
      property.type === 'integer'
        ? `A whole number${property.minimum !== undefined ? ` from ${property.minimum}` : ''}${property.maximum !== undefined ? ` to ${property.maximum}` : ''}.`
        : property.format === 'uuid'
          ? 'The incident id it answers (optional: found automatically).'
          : undefined;
    const control =
      property.maxLength > 300
        ? h('textarea', { name: path, rows: 2 })
        : h('input', { type: 'text', name: path, autocomplete: 'off', ...(property.type === 'integer' ? { inputmode: 'numeric' } : {}), dataset: { kind: property.type } });
    control.value = previous === undefined ? '' : String(previous);
    control.id = nextId(`f-details-${name}`);
    return field(path, label, control, hint);
  }

  function readDetails() {
    const details = {};
    for (const control of detailsBox.querySelectorAll('input, textarea')) {
      const name = control.name.slice('details.'.length);
      if (control.dataset.kind === 'boolean') {
        if (control.checked) details[name] = true;
      } else if (control.dataset.kind === 'choice') {
        if (control.checked) (details[name] ??= []).push(control.value);
      } else if (control.value.trim() !== '') {
        const text = control.value.trim();
        // Numbers go as numbers; anything else as typed, so the server can say what is wrong with it.
        details[name] = control.dataset.kind === 'integer' && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
      }
    }
    return details;
  }

  function body() {
    const definition = byType.get(typeSelect.value);
    const sent = {
      type: typeSelect.value,
      actor: actor.value,
      target: target.value,
      occurredOn: occurredOn.value.trim(),
      summary: summary.value.trim(),
      sources: sources.map((source) => Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ''))),
    };
    if (definition?.details) {
      const details = readDetails();
      const required = definition.details.required ?? [];
      if (Object.keys(details).length > 0 || required.length > 0) sent.details = details;
    }
    return sent;
  }

  function clearErrors() {
    errorBox.hidden = true;
    fill(errorBox);
    for (const element of $$('.field-error', form)) element.remove();
    for (const element of $$('[aria-invalid]', form)) {
      element.removeAttribute('aria-invalid');
      const described = (element.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !id.startsWith('err-'));
      if (described.length > 0) element.setAttribute('aria-describedby', described.join(' '));
      else element.removeAttribute('aria-describedby');
    }
    for (const element of $$('.has-error', form)) element.classList.remove('has-error');
  }

  /** The container for an API field path, or its nearest parent (`sources[0].url` → `sources[0]` → `sources`). */
  function containerFor(path) {
    let name = path;
    while (name) {
      const found = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      if (found) return found;
      const parent = name.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
      name = parent === name ? '' : parent;
    }
    return null;
  }

  /** The name a person reads next to the field: its label, without "(optional)" or the summary's counter. */
  function labelOf(box, path) {
    const text = (box?.querySelector(':scope > label, :scope > legend')?.textContent ?? '').replace(/\s*\(optional\)\s*$/, '').replace(/\s*\d+\s*\/\s*\d+\s*$/, '').trim();
    const source = /^sources\[(\d+)\]\./.exec(path);
    return source ? `Source ${Number(source[1]) + 1} ${text}` : text || 'This report';
  }

  /**
   * An API message said for people: the field's label instead of its path, one message per field,
   * "this is required" for a field left empty (the API's first rule about an absent value, such as a
   * maximum, says nothing useful to someone who typed nothing), and class-validator's wording plainer.
   */
  function plainErrors(errors) {
    const byField = new Map();
    for (const error of errors) byField.set(error.field, [...(byField.get(error.field) ?? []), error]);
    const plain = [];
    for (const fieldErrors of byField.values()) {
      // What kind of value is wanted says more than a range the value was measured against.
      const error = fieldErrors.find((e) => KIND_RULE.test(e.message)) ?? fieldErrors[0];
      const box = containerFor(error.field);
      const control = box?.querySelector('[data-control]') ?? box?.querySelector('input, select, textarea');
      const exact = box?.dataset.field === error.field;
      const empty = exact && control && control.type !== 'checkbox' && String(control.value ?? '').trim() === '';
      plain.push({ ...error, box, control, text: `${labelOf(box, error.field)} ${empty ? 'is required' : plainWording(error.message)}` });
    }
    return plain;
  }

  function showFieldErrors(errors) {
    const links = [];
    plainErrors(errors).forEach(({ box, control, text }, index) => {
      let controlId = null;
      if (box) {
        const message = h('p', { class: 'field-error', id: nextId('err') }, h('span', { class: 'visually-hidden' }, 'Error: '), text);
        const anchor = box.querySelector(':scope > label, :scope > legend');
        if (anchor) anchor.after(message);
        else box.prepend(message);
        box.classList.add('has-error');
        if (control) {
          control.setAttribute('aria-invalid', 'true');
          control.setAttribute('aria-describedby', [...(control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean), message.id].join(' '));
          controlId = control.id;
        }
      }
      links.push(h('li', {}, controlId ? h('a', { href: `#${controlId}` }, text) : text));
    });
    fill(errorBox, h('h3', {}, links.length === 1 ? 'There is a problem with this report' : `There are ${links.length} problems with this report`), h('ul', {}, links));
    errorBox.setAttribute('role', 'alert');
    errorBox.hidden = false;
    errorBox.focus();
  }

  function showProblem(problem) {
    fill(errorBox, h('h3', {}, problem.title || 'The report was not recorded'), h('p', { class: 'problem-detail' }, problem.detail || ''));
    errorBox.setAttribute('role', 'alert');
    errorBox.hidden = false;
    errorBox.focus();
    if (problem.status === 401 || problem.status === 403) keyDetails.open = true;
  }

  errorBox.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#"]');
    if (!link) return;
    event.preventDefault();
    document.getElementById(link.getAttribute('href').slice(1))?.focus();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // Embedded, the page sends the forms together; Enter in a field must not send this one alone.
    if (embedded) return;
    clearErrors();
    fill(statusBox);
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    const sent = body();
    try {
      const result = await api.post('/incidents', sent);
      const renamed = result.recordedType !== result.postedType ? ` (recorded as ${typeLabel(result.recordedType)}: it answers an earlier expulsion)` : '';
      fill(
        statusBox,
        h('p', { class: 'success' }, `Recorded: ${typeLabel(sent.type)} ${sent.actor} → ${sent.target}${renamed}, at log position ${result.position}. `, h('a', { href: `#incident-${result.incidentId}` }, 'See it in the list')),
      );
      summary.value = '';
      occurredOn.value = '';
      counter.textContent = '0 / 280';
      sources = [{}];
      renderSources();
      renderDetails();
      for (const control of detailsBox.querySelectorAll('input, textarea')) {
        if (control.type === 'checkbox') control.checked = false;
        else control.value = '';
      }
      onRecorded?.(result);
    } catch (error) {
      const problem = error instanceof ApiProblem ? error.problem : { title: 'The report was not recorded', detail: String(error) };
      if (problem.status === 400 && Array.isArray(problem.errors) && problem.errors.length > 0) showFieldErrors(problem.errors);
      else showProblem(problem);
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  typeSelect.addEventListener('change', () => renderDetails());
  if (initial) {
    if (byType.has(initial.type)) typeSelect.value = initial.type;
    actor.value = initial.actor ?? actor.value;
    target.value = initial.target ?? target.value;
    occurredOn.value = initial.occurredOn ?? '';
    summary.value = initial.summary ?? '';
    summary.dispatchEvent(new Event('input'));
  }
  renderSources();
  renderDetails(initial?.details ?? {});
  return {
    setPair([a, b]) {
      actor.value = a;
      target.value = b;
    },
    /** The report as the API takes it, from the fields as they are now. */
    body,
    /** The API's 400 `errors`, with paths relative to this report (`details.diplomats`), said next to their fields. */
    showErrors(errors) {
      clearErrors();
      showFieldErrors(errors);
    },
    showProblem(problem) {
      clearErrors();
      showProblem(problem);
    },
    clearErrors,
  };
}

const KIND_RULE = /^must be an? (integer|number|string|boolean|array|object|UUID)/;

/** class-validator's stock phrases, as a person would say them. */
const PLAIN_WORDING = [
  [/^must be an integer number$/, 'must be a whole number'],
  [/^must not be greater than (\S+)$/, 'must be $1 or less'],
  [/^must not be less than (\S+)$/, 'must be at least $1'],
  [/^should not be empty$/, 'is required'],
];

function plainWording(message) {
  for (const [pattern, replacement] of PLAIN_WORDING) if (pattern.test(message)) return message.replace(pattern, replacement);
  return message;
}
