// The review page: an article in (POST /extractions), its proposals shown with the words they were
// read from, each editable with the report form (report-form.js, embedded), accepted or rejected,
// and the accepted ones recorded together (POST /incidents/batch), keyed so a second time records nothing new.
import { api, apiKey, ApiProblem, catalog, setApiKey } from './api.js';
import { $, announce, fill, h } from './dom.js';
import { pairHref, typeLabel } from './format.js';
import { mountReportForm } from './report-form.js';

const ARTICLE_FIELDS = ['text', 'publishedOn', 'url', 'publisher', 'title'];
const EVIDENCE_KINDS = [
  ['trigger', 'what happened'],
  ['actor', 'who acted'],
  ['target', 'who was acted upon'],
];

const articleForm = $('#article-form');
const articleErrors = $('#article-errors');
const proposeButton = $('#propose');
const keyInput = $('#article-api-key');
keyInput.value = apiKey() ?? '';
keyInput.addEventListener('change', () => setApiKey(keyInput.value.trim()));

/** The proposals on show: the article's fingerprint and one card per proposal. */
let review = null;

function readArticle() {
  const article = {};
  for (const name of ARTICLE_FIELDS) {
    const value = articleForm.elements[name].value;
    const text = name === 'text' ? value : value.trim();
    if (text.trim() !== '') article[name] = text;
  }
  return article;
}

function clearArticleErrors() {
  articleErrors.hidden = true;
  fill(articleErrors);
  for (const element of articleForm.querySelectorAll('.field-error')) element.remove();
  for (const element of articleForm.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
}

/** The API's errors next to the article's fields, and listed at the top with links to them. */
function showArticleErrors(problem) {
  const errors = Array.isArray(problem.errors) ? problem.errors : [];
  const links = errors.map((error, index) => {
    const box = articleForm.querySelector(`[data-field="${CSS.escape(error.field)}"]`);
    const control = box?.querySelector('[data-control]');
    const label = box?.querySelector('label')?.textContent.replace(/\s*\(optional\)$/, '') ?? error.field;
    const text = `${label} ${error.message}`;
    if (box) {
      const message = h('p', { class: 'field-error', id: `article-err-${index}` }, h('span', { class: 'visually-hidden' }, 'Error: '), text);
      box.querySelector('label').after(message);
      control?.setAttribute('aria-invalid', 'true');
    }
    return h('li', {}, control ? h('a', { href: `#${control.id}` }, text) : text);
  });
  fill(
    articleErrors,
    h('h3', {}, links.length > 0 ? 'The article could not be read' : problem.title || 'The article could not be read'),
    links.length > 0 ? h('ul', {}, links) : h('p', { class: 'problem-detail' }, problem.detail || ''),
  );
  articleErrors.setAttribute('role', 'alert');
  articleErrors.hidden = false;
  articleErrors.focus();
  if (problem.status === 401 || problem.status === 403) articleForm.querySelector('details.credentials').open = true;
}

articleForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearArticleErrors();
  const article = readArticle();
  proposeButton.disabled = true;
  fill($('#propose-status'), 'Reading the article…');
  try {
    const [result, types] = await Promise.all([api.post('/extractions', article), catalog()]);
    fill($('#propose-status'));
    showReview(result, article, types);
  } catch (error) {
    fill($('#propose-status'));
    showArticleErrors(error instanceof ApiProblem ? error.problem : { title: 'The article could not be read', detail: String(error) });
  } finally {
    proposeButton.disabled = false;
  }
});

/** The article's source, as every incident recorded from it cites it. */
function sourceOf(article) {
  return Object.fromEntries(['url', 'publisher', 'title', 'publishedOn'].filter((name) => article[name]).map((name) => [name, article[name]]));
}

function showReview(result, article, cat) {
  const source = sourceOf(article);
  const cards = result.proposals.map((proposal, index) => proposalCard(proposal, index, result.proposals, source, cat));
  review = { fingerprint: result.articleFingerprint, cards };
  fill($('#review-count'), result.proposals.length === 0
    ? `No incident between two states was found in ${result.sentences} sentences.`
    : `${result.proposals.length} proposed from ${result.sentences} sentences. Each is accepted unless you reject it.`);
  fill($('#article-view'), h('p', { class: 'evidence-legend' }, EVIDENCE_KINDS.map(([kind, label]) => h('mark', { class: `ev-${kind}` }, label))), markedText(result.text, 0, result.text.length, result.proposals.flatMap(evidenceSpans)));
  fill($('#proposals'), cards.map((card) => card.element));
  fill($('#record-status'));
  $('#record-errors').hidden = true;
  $('#record').hidden = cards.length === 0;
  updateRecordButton();
  $('#review').hidden = false;
  $('#review-heading').scrollIntoView({ block: 'start' });
  announce(result.proposals.length === 0 ? 'No incidents proposed' : `${result.proposals.length} incidents proposed`);
}

/** The trigger, actor and target spans of a proposal, each linking to its card. */
function evidenceSpans(proposal, index) {
  return EVIDENCE_KINDS.map(([kind, label]) => ({ ...proposal.evidence[kind], kind, label, href: `#proposal-${index}` }));
}

/**
 * text[from, to) with the spans marked. Spans may overlap (two proposals read from one sentence, or
 * an actor the rule found in its trigger's words), so the text is cut at every span's edges and
 * each piece is marked with every kind of span that covers it.
 */
function markedText(text, from, to, spans) {
  const inside = spans.filter((span) => span.start >= from && span.end <= to && span.start < span.end);
  const edges = [...new Set([from, to, ...inside.flatMap((span) => [span.start, span.end])])].sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const [start, end] = [edges[i], edges[i + 1]];
    const covering = inside.filter((span) => span.start <= start && span.end >= end);
    const piece = text.slice(start, end);
    if (covering.length === 0) {
      nodes.push(piece);
      continue;
    }
    const kinds = [...new Set(covering.map((span) => span.kind))];
    const labels = [...new Set(covering.map((span) => span.label))];
    const mark = h('mark', { class: kinds.map((kind) => `ev-${kind}`).join(' '), title: labels.join(', ') }, piece);
    const href = covering.find((span) => span.href)?.href;
    nodes.push(href ? h('a', { href, class: 'ev-link' }, mark) : mark);
  }
  return h('div', { class: 'marked-text' }, nodes);
}

function proposalCard(proposal, index, proposals, source, cat) {
  const { evidence } = proposal;
  const answered = proposals.findIndex((other) => other.proposalId === proposal.inResponseTo);
  const status = h('p', { class: 'card-status', role: 'status' });
  const decision = h('fieldset', { class: 'decision' }, h('legend', {}, 'Decision'), ['accept', 'reject'].map((value) => {
    const id = `decision-${index}-${value}`;
    const radio = h('input', { type: 'radio', name: `decision-${index}`, id, value, checked: value === 'accept' });
    radio.addEventListener('change', () => setDecision(value));
    return h('span', { class: 'choice' }, radio, h('label', { for: id }, value === 'accept' ? 'Accept' : 'Reject'));
  }));
  const formBox = h('div', { class: 'edit-form' });
  const edit = h('details', { class: 'edit' }, h('summary', {}, 'Edit fields'), formBox);
  const element = h(
    'li',
    { class: 'proposal', id: `proposal-${index}`, dataset: { proposalId: proposal.proposalId, type: proposal.type }, tabindex: '-1' },
    h('h3', {}, `${index + 1}. ${typeLabel(proposal.type)}: ${proposal.actor} → ${proposal.target}, ${proposal.occurredOn}`),
    h('p', { class: 'proposal-summary' }, proposal.summary),
    h('blockquote', { class: 'evidence' }, markedText(evidence.sentence.text, 0, evidence.sentence.text.length, sentenceSpans(evidence))),
    h(
      'p',
      { class: 'why muted' },
      `Why: ${proposal.why}. Confidence ${Math.round(proposal.confidence * 100)}%.`,
      answered >= 0 ? ` Answers proposal ${answered + 1}.` : '',
    ),
    decision,
    edit,
    status,
  );
  const initial = { type: proposal.type, actor: proposal.actor, target: proposal.target, occurredOn: proposal.occurredOn, summary: proposal.summary, sources: [source], details: proposal.details };
  const form = mountReportForm(formBox, { catalog: cat, initial, embedded: true });
  const card = { proposal, element, form, edit, status, decision: 'accept' };

  function setDecision(value) {
    card.decision = value;
    element.classList.toggle('rejected', value === 'reject');
    fill(status, value === 'reject' ? 'Rejected: it will not be recorded.' : '');
    status.className = 'card-status';
    updateRecordButton();
  }
  return card;
}

/** The evidence spans relative to the sentence they are in. */
function sentenceSpans(evidence) {
  const offset = evidence.sentence.start;
  return EVIDENCE_KINDS.map(([kind, label]) => ({ kind, label, start: evidence[kind].start - offset, end: evidence[kind].end - offset }));
}

function accepted() {
  return review?.cards.filter((card) => card.decision === 'accept') ?? [];
}

function updateRecordButton() {
  const count = accepted().length;
  const button = $('#record');
  button.disabled = count === 0;
  fill(button, count === 0 ? 'Nothing accepted to record' : `Record ${count} accepted incident${count === 1 ? '' : 's'}`);
}

function setCardStatus(card, kind, ...content) {
  card.status.className = `card-status ${kind}`;
  fill(card.status, ...content);
}

function pairLink(item) {
  const pair = item.streamId.replace(/^relation-/, '').split('-');
  return h('a', { href: pairHref(pair) }, `See ${pair.join('–')}`);
}

$('#record').addEventListener('click', async () => {
  const cards = accepted();
  if (cards.length === 0) return;
  const recordErrors = $('#record-errors');
  recordErrors.hidden = true;
  fill($('#record-status'));
  for (const card of cards) card.form.clearErrors();
  const incidents = cards.map((card) => ({ key: `article:${review.fingerprint}/${card.proposal.proposalId}`, ...card.form.body() }));
  $('#record').disabled = true;
  try {
    const result = await api.post('/incidents/batch', { incidents });
    for (const item of result.items) {
      const card = cards[item.index];
      if (item.status === 'recorded') setCardStatus(card, 'recorded', `Recorded${item.recordedType !== card.form.body().type ? ` as ${typeLabel(item.recordedType)}` : ''}. `, pairLink(item));
      else if (item.status === 'alreadyRecorded') setCardStatus(card, 'already', 'Already recorded: nothing new. ', pairLink(item));
      else setCardStatus(card, 'refused', `Not recorded: ${item.reason}`);
    }
    const message =
      result.recorded === 0
        ? `Nothing new: ${result.alreadyRecorded === 1 ? 'it was' : `all ${result.alreadyRecorded} were`} already recorded.`
        : `Recorded ${result.recorded} incident${result.recorded === 1 ? '' : 's'}${result.alreadyRecorded > 0 ? `; ${result.alreadyRecorded} already recorded` : ''}.`;
    fill($('#record-status'), h('p', { class: 'success' }, message));
    announce(message);
  } catch (error) {
    showRecordProblem(error instanceof ApiProblem ? error.problem : { title: 'Nothing was recorded', detail: String(error) }, cards);
  } finally {
    $('#record').disabled = false;
  }
});

/**
 * Nothing was recorded: a field error goes to its proposal's form (`incidents[2].actor` → the third
 * accepted card's Actor), a refusal of the rules to its card with the decider's reason.
 */
function showRecordProblem(problem, cards) {
  const concerned = new Map();
  const general = [];
  for (const error of problem.errors ?? []) {
    const match = /^incidents\[(\d+)\](?:\.(.+))?$/.exec(error.field);
    const card = match ? cards[Number(match[1])] : undefined;
    if (card && match[2]) concerned.set(card, [...(concerned.get(card) ?? []), { ...error, field: match[2] }]);
    else general.push(`${error.field}: ${error.message}`);
  }
  for (const [card, errors] of concerned) {
    card.edit.open = true;
    card.form.showErrors(errors);
    setCardStatus(card, 'refused', 'Needs a correction: see the fields below.');
  }
  for (const refusal of problem.refused ?? []) {
    const card = cards[refusal.index];
    if (card) setCardStatus(card, 'refused', `Refused by the rules of the relation: ${refusal.reason}`);
  }
  const items = [...concerned.keys(), ...(problem.refused ?? []).map((refusal) => cards[refusal.index]).filter(Boolean)].map((card) =>
    h('li', {}, h('a', { href: `#${card.element.id}` }, `Proposal ${Number(card.element.id.replace('proposal-', '')) + 1}: ${card.status.textContent}`)),
  );
  const box = $('#record-errors');
  fill(
    box,
    h('h3', {}, 'Nothing was recorded'),
    items.length > 0 ? h('ul', {}, items) : null,
    general.length > 0 || items.length === 0 ? h('p', { class: 'problem-detail' }, general.length > 0 ? general.join('; ') : problem.detail || problem.title || '') : null,
  );
  box.setAttribute('role', 'alert');
  box.hidden = false;
  box.focus();
  if (problem.status === 401 || problem.status === 403) articleForm.querySelector('details.credentials').open = true;
}
