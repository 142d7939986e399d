import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DASHBOARD_MESSAGES as M } from './dashboard.messages';

/** One file the dashboard serves, held in memory (the whole page is about 100 KiB). */
export interface DashboardFile {
  body: string;
  contentType: string;
  /** Strong validator of the body. */
  etag: string;
}

/** What `manifest.json` of a dashboard build says (written by the dashboard's build.js). */
interface Manifest {
  name: string;
  index: string;
  assets: string[];
}

const MANIFEST_NAME = 'orchestrator-events-dashboard';
/** Text in index.html replaced by the page's config when it is served. */
const CONFIG_PLACEHOLDER = '__ORCH_DASHBOARD_CONFIG__';
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Where the built page may be, in order:
 * - the published package: `<package>/dashboard/`, next to `src/` (this file is
 *   `<package>/src/dashboard/dashboard-assets.js`);
 * - an app that bundles the library (webpack, esbuild): copied next to the bundle as
 *   `orchestrator-events-dashboard/`, as the demo app does;
 * - this workspace, running from the TypeScript sources (tests): the dashboard's build output,
 *   `dist/libs/orchestrator-events-dashboard/`.
 */
export function dashboardDirCandidates(dir: string = __dirname): string[] {
  return [
    join(dir, '..', '..', 'dashboard'),
    join(dir, 'orchestrator-events-dashboard'),
    join(dir, '..', '..', '..', '..', 'dist', 'libs', 'orchestrator-events-dashboard'),
  ];
}

/**
 * The built dashboard, read once at startup from a directory with a `manifest.json`. Requests are
 * answered from memory by name: only the files the manifest lists exist, so no request path ever
 * reaches the file system.
 */
export class DashboardAssets {
  private constructor(
    /** Where it was read from. */
    readonly dir: string,
    private readonly template: string,
    private readonly files: ReadonlyMap<string, DashboardFile>,
  ) {}

  /** Reads the first candidate directory that holds a dashboard build. */
  static load(candidates: readonly string[] = dashboardDirCandidates()): DashboardAssets {
    for (const dir of candidates) {
      const manifestFile = join(dir, 'manifest.json');
      if (!existsSync(manifestFile)) continue;
      let manifest: Partial<Manifest>;
      try {
        manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Partial<Manifest>;
      } catch {
        continue;
      }
      if (manifest.name !== MANIFEST_NAME) continue;
      return DashboardAssets.read(dir, manifest);
    }
    throw new Error(M.assetsMissing(candidates));
  }

  private static read(dir: string, manifest: Partial<Manifest>): DashboardAssets {
    const names = Array.isArray(manifest.assets) ? manifest.assets : [];
    const files = new Map<string, DashboardFile>();
    for (const name of names) {
      if (typeof name !== 'string' || !ASSET_NAME.test(name)) {
        throw new Error(M.badAssetName(dir, name));
      }
      files.set(name, fileOf(readFileSync(join(dir, 'assets', name), 'utf8'), name));
    }
    const template = readFileSync(join(dir, 'index.html'), 'utf8');
    if (!template.includes(CONFIG_PLACEHOLDER)) {
      throw new Error(M.noConfigPlaceholder(dir));
    }
    return new DashboardAssets(dir, template, files);
  }

  /** A hashed asset (`app-3KX7.js`) by its exact name, or `undefined`. */
  asset(name: string): DashboardFile | undefined {
    return this.files.get(name);
  }

  /** index.html with the page's config in it (JSON, escaped for a script element). */
  index(config: Record<string, unknown>): DashboardFile {
    const json = JSON.stringify(config)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029');
    return fileOf(
      this.template.replace(CONFIG_PLACEHOLDER, () => json),
      'index.html',
    );
  }
}

function fileOf(body: string, name: string): DashboardFile {
  return {
    body,
    contentType: CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  };
}
