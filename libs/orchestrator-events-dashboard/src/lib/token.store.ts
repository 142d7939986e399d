/** Where the token is kept: this tab only, gone when it closes (never localStorage, never a cookie). */
export const TOKEN_KEY = 'orch_events_token';

/** The token the API asked for (`ORCH_EVENTS_TOKEN`), in `sessionStorage`. */
export class TokenStore {
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>) {}

  get(): string | undefined {
    try {
      return this.storage.getItem(TOKEN_KEY) || undefined;
    } catch {
      // Storage disabled (privacy settings): the token lives as long as the page.
      return undefined;
    }
  }

  set(token: string): void {
    try {
      this.storage.setItem(TOKEN_KEY, token);
    } catch {
      // see get()
    }
  }

  clear(): void {
    try {
      this.storage.removeItem(TOKEN_KEY);
    } catch {
      // see get()
    }
  }
}
