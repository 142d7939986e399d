import type * as Pg from 'pg';
import { requirePeer } from '../lib/shared/optional-peer';

/** `pg`, loaded when the store starts: apps without `OrchestratorEventsPostgresModule` never load it. */
export function loadPg(): typeof Pg {
  return requirePeer(
    'pg',
    'The PostgreSQL history store (OrchestratorEventsPostgresModule)',
    // A literal require: bundlers see the name; it runs only when the module is imported.
    () => require('pg') as typeof Pg,
  );
}
