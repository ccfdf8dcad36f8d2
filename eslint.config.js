import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '**/target/', 'bench/.data/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  {
    // analysis/ is pure reasoning over the domain model: the runners, views and upload build on
    // it, never the other way round.
    files: ['src/analysis/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../rust/*', '../suite/*', '../report/*', '../upload/*'],
              message: 'analysis/ must not depend on runners, views or upload.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: globals.node }
  },
  prettier
)
