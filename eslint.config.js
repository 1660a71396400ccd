// Type-aware lint: floating promises and non-exhaustive switches are bugs in an event-driven system.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.uhr/**',
      'contracts/generated/**',
      'contracts/artifacts/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  // Type-aware rules need the file in a tsconfig: the sources under src/ of every package.
  // Specs are type-checked by tsc where the package's tsconfig includes them.
  { ignores: ['**/test/**', '**/bench/**', '**/scripts/**', '**/*.spec.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
);
