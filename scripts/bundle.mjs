// Bundles the compiled CLI into one ESM file (dist/bundle/cli.js): one module to compile instead of hundreds
// keeps cold start low. mathjs (formulas command only), cli-progress (long sweeps only) and apache-arrow (arrow sweeps
// only) stay lazy and external.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/main.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  outfile: 'dist/bundle/cli.js',
  external: ['mathjs', 'cli-progress', 'apache-arrow'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
