import { DashboardApp } from './lib/dashboard.app';
import { readConfig } from './lib/dashboard.config';
import { TokenStore } from './lib/token.store';

// The page's entry point: the server filled in the config when it served index.html.
new DashboardApp(readConfig(document), new TokenStore(sessionStorage)).start();
