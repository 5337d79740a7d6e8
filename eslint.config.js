// Lint: typescript-eslint's strict type-checked rules, plus the layer rules (cli → io, render, kernel → core).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Forbids imports from the named sibling layers inside `src/<dir>`. */
function layer(dir, forbidden, extra = {}) {
  return {
    files: [`src/${dir}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        ...extra,
        patterns: forbidden.map((f) => ({ group: [`**/${f}/**`, `../${f}/*`], message: `src/${dir} may not import src/${f} (imports point cli → io, render, kernel → core).` })),
      }],
    },
  };
}

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'src/core/generated/**', 'coverage/**', 'assembly/**'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'bench/*.mjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked], languageOptions: { globals: { process: 'readonly', console: 'readonly', global: 'readonly', URL: 'readonly' } } },
  layer('core', ['io', 'render', 'kernel', 'cli'], {
    paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'process', 'node:process', 'child_process', 'node:child_process'].map((name) => ({ name, message: 'src/core is pure: no file system or process access.' })),
  }),
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'src/core is pure.' }, { name: 'console', message: 'src/core is pure.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'src/core is pure: no clock.' }, { object: 'Math', property: 'random', message: 'src/core is pure: no randomness.' }],
    },
  },
  layer('io', ['render', 'kernel', 'cli']),
  layer('render', ['io', 'kernel', 'cli']),
  layer('kernel', ['io', 'render', 'cli']),
);
