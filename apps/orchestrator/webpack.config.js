const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/orchestrator'),
    clean: true,
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      // The dashboard's built page, next to main.js, where @orchestrator/events looks for it when
      // bundled into an app (an app that installs the package needs nothing of the kind).
      assets: [
        {
          input: '../../dist/libs/orchestrator-events-dashboard',
          glob: '**/*',
          output: 'orchestrator-events-dashboard',
        },
      ],
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      sourceMap: true,
    }),
  ],
};
