// The installed client from an ESM script: prints OPEN once the stream is open, then each event of
// the task as one JSON line, and exits 0 after `job_completed` (1 after 20 s without it).
import { OrchestratorEventsClient } from '@orchestrator/events-client';

const [baseUrl, taskId] = process.argv.slice(2);
const client = new OrchestratorEventsClient({ baseUrl });
const stop = new AbortController();
const timer = setTimeout(() => stop.abort(), 20_000);
for await (const event of client.stream(
  { task_id: taskId },
  { signal: stop.signal, onOpen: () => process.stdout.write('OPEN\n') },
)) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
  if (event.event === 'job_completed') break;
}
clearTimeout(timer);
process.exitCode = stop.signal.aborted ? 1 : 0;
