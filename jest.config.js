// ESM jest, as actions/typescript-action runs it: the toolkit packages are ESM-only.
// `*.system.test.ts` files are slow or change the machine (apt-get as root, downloads, a valgrind
// source build): they run only with SYSTEM_TESTS=1 (`npm run test:system`), in .ci/run and in CI.
import { availableParallelism } from 'node:os'

const systemTests = process.env.SYSTEM_TESTS === '1'
// Most test time is spent waiting for valgrind in child processes: two workers on a 2-core machine
// (jest's default would be one) keep both cores busy, measured 97 s against 122-166 s. System
// tests stay one at a time: two apt-get runs at once would fight over dpkg's lock.
const maxWorkers = systemTests ? 1 : Math.max(2, availableParallelism() - 1)

export default {
  maxWorkers,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '/dist/',
    '/__tests__/fixtures/',
    ...(systemTests ? [] : ['\\.system\\.test\\.ts$'])
  ],
  globalSetup: './__tests__/support/global-setup.js',
  testTimeout: 300000,
  verbose: true
}
