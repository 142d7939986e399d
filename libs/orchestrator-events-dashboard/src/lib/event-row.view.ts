import { OrchestratorEvent } from '@orchestrator/events-contract';
import { copyButton, el } from './dom.util';
import { eventTimeMs, extrasOf, extrasPreview, formatEventTime, traceLink } from './event.format';

/** Height of a collapsed event row, in px (the CSS says the same). */
export const EVENT_ROW_HEIGHT = 24;

/**
 * Draws one event as a list row: time, level, name, task, run, status and a preview of its
 * extras; when expanded, its ids with copy buttons, the trace link and the extras as JSON.
 * Rebuilds only when the row shows another event or opened/closed.
 */
export function renderEventRow(
  event: OrchestratorEvent,
  row: HTMLElement,
  state: { fresh: boolean; expanded: boolean },
  traceUrl: string | undefined,
  /** The list crosses a day: times carry their date. */
  dated = false,
): void {
  const open = state.expanded ? '1' : '0';
  const datedKey = dated ? '1' : '0';
  if (
    !state.fresh &&
    row.dataset['open'] === open &&
    row.dataset['eventId'] === event.event_id &&
    row.dataset['dated'] === datedKey
  ) {
    return;
  }
  row.dataset['dated'] = datedKey;
  row.dataset['eventId'] = event.event_id;
  row.dataset['event'] = event.event;
  row.dataset['level'] = event.level;
  row.dataset['open'] = open;
  row.classList.toggle('open', state.expanded);
  const details = [event.message, extrasPreview(event)].filter(Boolean).join('  ');
  const line = row.firstElementChild;
  if (!state.expanded && row.childElementCount === 1 && line?.childElementCount === 7) {
    // The element showed another event: new text in the same cells, nothing created.
    const cells = line.children as HTMLCollectionOf<HTMLElement>;
    cells[0].textContent = formatEventTime(eventTimeMs(event), dated);
    cells[1].textContent = event.level;
    cells[1].className = `ev-level lvl-${event.level}`;
    cells[2].textContent = event.event;
    cells[3].textContent = event.task_id ?? '';
    cells[4].textContent = event.run_id ?? '';
    cells[4].className = event.run_id ? 'ev-run run-link' : 'ev-run';
    if (event.run_id) cells[4].dataset['runId'] = event.run_id;
    else delete cells[4].dataset['runId'];
    cells[5].textContent = event.status ?? '';
    cells[5].className = `ev-status st-${event.status ?? 'none'}`;
    cells[6].textContent = details;
    return;
  }
  row.replaceChildren(
    el(
      'div',
      { class: 'ev-line' },
      el('span', { class: 'ev-time', text: formatEventTime(eventTimeMs(event), dated) }),
      el('span', { class: `ev-level lvl-${event.level}`, text: event.level }),
      el('span', { class: 'ev-name', text: event.event }),
      el('span', { class: 'ev-task', text: event.task_id ?? '' }),
      event.run_id
        ? el('span', { class: 'ev-run run-link', 'data-run-id': event.run_id, text: event.run_id })
        : el('span', { class: 'ev-run' }),
      el('span', { class: `ev-status st-${event.status ?? 'none'}`, text: event.status ?? '' }),
      el('span', { class: 'ev-details', text: details }),
    ),
  );
  if (state.expanded) row.append(eventDetail(event, traceUrl));
}

function eventDetail(event: OrchestratorEvent, traceUrl: string | undefined): HTMLElement {
  const ids = el('div', { class: 'ev-ids' });
  for (const name of ['event_id', 'task_id', 'run_id'] as const) {
    const value = event[name];
    if (typeof value !== 'string') continue;
    ids.append(
      el('span', { class: 'id', text: `${name} ` }, el('code', { text: value }), copyButton(value)),
    );
  }
  const trace = traceLink(event, traceUrl);
  if (trace !== undefined) {
    const link = el('a', { class: 'trace-link', text: 'open trace' });
    link.href = trace;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    ids.append(link);
  }
  const detail = el('div', { class: 'ev-detail' }, ids);
  if (event.message) detail.append(el('p', { class: 'ev-message', text: event.message }));
  const extras = extrasOf(event);
  if (Object.keys(extras).length > 0) {
    detail.append(el('pre', { class: 'ev-json', text: JSON.stringify(extras, null, 2) }));
  }
  detail.append(
    el('div', { class: 'ev-meta muted', text: `${event.timestamp} · ${event.orch_id}` }),
  );
  return detail;
}
