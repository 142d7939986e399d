import baseConfig, { sizeLimits } from '../../eslint.config.mjs';

export default [...baseConfig, sizeLimits];
