import { byId } from './dom.util';
import { formatDuration } from './event.format';
import { FeedState } from './feed.controller';

/** What the badge says for each state, and the `data-state` a test or a style can read. */
function badge(state: FeedState): { kind: string; text: string; title: string } {
  switch (state.kind) {
    case 'connecting':
      return { kind: 'connecting', text: 'connecting…', title: 'loading history' };
    case 'live':
      return { kind: 'live', text: 'live', title: 'following new events' };
    case 'reconnecting':
      return {
        kind: 'reconnecting',
        text: `reconnecting (retry in ${formatDuration(state.delayMs)})`,
        title: state.reason,
      };
    case 'paused':
      return { kind: 'paused', text: 'paused', title: 'Resume goes on from the last event shown' };
    case 'unauthorized':
      return { kind: 'unauthorized', text: 'token required', title: state.messages.join('; ') };
    case 'bad-request':
      return { kind: 'bad-request', text: 'filter refused', title: state.messages.join('; ') };
    case 'failed':
      return { kind: 'error', text: 'error', title: state.message };
    case 'stopped':
      return { kind: 'stopped', text: 'stopped', title: '' };
  }
}

const PRIORITY: FeedState['kind'][] = [
  'unauthorized',
  'bad-request',
  'failed',
  'reconnecting',
  'connecting',
  'paused',
  'live',
  'stopped',
];

/** The state of several feeds in one badge: the one that most needs attention. */
export function combinedState(states: readonly FeedState[]): FeedState {
  let best: FeedState = { kind: 'stopped' };
  for (const state of states) {
    if (PRIORITY.indexOf(state.kind) < PRIORITY.indexOf(best.kind)) best = state;
  }
  return best;
}

/** The connection badge, the notice line and the token prompt. */
export class ConnectionView {
  private readonly badge = byId('conn');
  private readonly notice = byId('notice');
  private readonly tokenForm = byId<HTMLFormElement>('token-form');
  private readonly tokenInput = this.tokenForm.elements.namedItem('token') as HTMLInputElement;
  private readonly tokenError = byId('token-error');

  constructor(onToken: (token: string) => void) {
    this.tokenForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const token = this.tokenInput.value.trim();
      if (!token) return;
      this.tokenInput.value = '';
      this.tokenForm.hidden = true;
      onToken(token);
    });
  }

  show(state: FeedState, tokenWasSent: boolean): void {
    const { kind, text, title } = badge(state);
    if (this.badge.dataset['state'] !== kind || this.badge.textContent !== text) {
      this.badge.dataset['state'] = kind;
      this.badge.textContent = text;
      this.badge.title = title;
    }
    if (state.kind === 'unauthorized') {
      this.tokenError.textContent = tokenWasSent ? 'The server refused that token.' : '';
      if (this.tokenForm.hidden) {
        this.tokenForm.hidden = false;
        this.tokenInput.focus();
      }
    } else if (state.kind !== 'stopped') {
      this.tokenForm.hidden = true;
    }
    if (state.kind === 'bad-request') {
      this.setNotice('bad-request', `The server refused this filter: ${state.messages.join('; ')}`);
    } else if (state.kind === 'failed') {
      this.setNotice('error', `The event feed stopped: ${state.message}`);
    }
  }

  /** One notice at a time; `kind` lets a later state clear only its own. */
  setNotice(kind: string, text: string): void {
    this.notice.dataset['kind'] = kind;
    this.notice.textContent = text;
    this.notice.hidden = false;
  }

  clearNotice(): void {
    this.notice.hidden = true;
    this.notice.textContent = '';
    delete this.notice.dataset['kind'];
  }
}
