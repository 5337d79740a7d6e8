// Lint: typescript-eslint's strict type-checked rules, plus the layer rule (cli → io, render, kernel → core).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (dir, forbidden, why) => ({
  files: [`src/${dir}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((f) => ({ group: [`**/${f}/**`, `../${f}/*`, `./${f}/*`], message: why })) }],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/core/generated/**', 'bin/**', 'bench/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  layer('core', ['io', 'render', 'kernel', 'cli'], 'src/core is pure: it may not import io, render, kernel or cli.'),
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['fs', 'node:fs', 'process', 'node:process', 'fs/promises', 'node:fs/promises'].map((name) => ({ name, message: 'src/core is pure: no fs or process.' })),
        patterns: ['io', 'render', 'kernel', 'cli'].map((f) => ({ group: [`**/${f}/**`, `../${f}/*`], message: 'src/core is pure: it may not import io, render, kernel or cli.' })),
      }],
      'no-restricted-globals': ['error', 'process', 'console'],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now' }, { object: 'Math', property: 'random' }],
    },
  },
  layer('io', ['render', 'kernel', 'cli'], 'src/io may import only core.'),
  layer('render', ['io', 'kernel', 'cli'], 'src/render may import only core.'),
  layer('kernel', ['io', 'render', 'cli'], 'src/kernel may import only core.'),
);
