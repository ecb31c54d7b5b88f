// Lint rules, including the layering of DESIGN.md §2: which folder may import what. A violation is a lint
// error, so the dependency direction cannot drift.
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const NODE = {
  group: ['node:*'],
  message: 'Node-only modules belong in tools/builtin, sandbox, stores/sqlite, stores/postgres, testing, mcp or lsp.',
};
const layer = (from, message) => ({ group: from, message });

/** Per-folder import bans. Patterns are matched against the import specifier. */
const layers = [
  {
    files: ['src/model/**', 'src/events/**', 'src/errors/**', 'src/internal/**'],
    patterns: [
      NODE,
      layer(
        [
          '**/agent/**',
          '**/tools/**',
          '**/policy/**',
          '**/sandbox/**',
          '**/stores/**',
          '**/providers/**',
          '**/testing/**',
          '**/mcp/**',
          '**/lsp/**',
        ],
        'model/, events/, errors/ and internal/ are leaves: they import only each other.',
      ),
      layer(['zod', 'p-queue'], 'Leaves depend on no package.'),
    ],
  },
  {
    files: ['src/agent/**'],
    patterns: [
      NODE,
      layer(
        [
          '**/providers/**',
          '**/tools/builtin/**',
          '**/stores/sqlite/**',
          '**/stores/postgres/**',
          '**/testing/**',
          '**/sandbox/local-sandbox*',
          '**/sandbox/bubblewrap*',
        ],
        'agent/ never imports a provider, a store adapter, a built-in tool or a sandbox implementation: they are injected.',
      ),
    ],
  },
  {
    files: ['src/providers/**'],
    patterns: [
      NODE,
      layer(
        ['**/agent/**', '**/tools/**', '**/policy/**', '**/stores/**', '**/testing/**', '**/sandbox/**'],
        'providers/ import only model/, errors/, internal/ and providers/shared/.',
      ),
    ],
  },
  {
    files: ['src/tools/*.ts', 'src/policy/**', 'src/stores/*.ts', 'src/index.ts'],
    patterns: [
      NODE,
      layer(
        ['**/providers/**', '**/testing/**', '**/tools/builtin/**'],
        'Core folders do not import adapters or test helpers.',
      ),
    ],
  },
  {
    files: [
      'src/tools/builtin/**',
      'src/sandbox/**',
      'src/snapshots/**',
      'src/stores/sqlite/**',
      'src/stores/postgres/**',
    ],
    patterns: [
      layer(
        ['**/agent/**', '**/providers/**', '**/testing/**'],
        'Adapters do not import the agent, providers or test helpers.',
      ),
    ],
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'docs/**',
      'temp/**',
      'node_modules/**',
      'coverage/**',
      '.stryker-tmp/**',
      'reports/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Public barrels list their exports by name (no export *).' },
      ],
    },
  },
  ...layers.map(({ files, patterns }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
  prettier,
);
