/**
 * Every message of the Redis integration, in one place. None of them ever holds the password of
 * the URL: it is shown through `redactUrl()` (at run time) or `shownUrl()` (in a setting's error).
 */
export const REDIS_MESSAGES = {
  urlRequired: () =>
    'required: a redis:// URL (set REDIS_URL, or the url option of OrchestratorEventsRedisModule.forRoot)',
  badUrl: () => 'expected redis://[user:password@]host[:port][/db] or rediss://...',
  badStream: () => 'expected a Redis key of 1-256 printable ASCII characters without spaces',
  peerFeature: () => 'The Redis event bus (OrchestratorEventsRedisModule, REDIS_URL)',
  notReachable: (where: string, reason: string) =>
    `Redis at ${where} is not reachable (${reason}): starting without it. Events go to the ` +
    'file and to local clients, and are added to the stream once Redis is back.',
  connected: (back: boolean, stream: string, where: string, buffered: number) =>
    `${back ? 'Redis is back' : 'Connected'}: Redis Stream "${stream}" at ${where}, ` +
    `${buffered} buffered events to add`,
  lost: (reason: string) =>
    `Lost the Redis connection (${reason}): events go to the file and local clients, and are ` +
    'buffered for the stream until Redis is back.',
} as const;
