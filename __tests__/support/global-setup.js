// Chooses the Node binary the end-to-end tests run dist/ on. GitHub runs the action on Node 24
// (`runs.using: node24`): E2E_NODE names a binary to use; otherwise the system tests
// (SYSTEM_TESTS=1) use Node 24, this Node when it is 24, else one fetched with
// `npx -p node@24` (the npm package that ships the binary). The default suite runs on this Node,
// so it needs no download.
import { execFileSync } from 'node:child_process'

export default function globalSetup() {
  if (process.env.E2E_NODE) return
  if (process.env.SYSTEM_TESTS !== '1' || process.versions.node.startsWith('24.')) {
    process.env.E2E_NODE = process.execPath
    return
  }
  try {
    const path = execFileSync('npx', ['-y', '-p', 'node@24', 'node', '-p', 'process.execPath'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300000
    }).trim()
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()
    if (!version.startsWith('v24.')) throw new Error(`expected Node 24, got ${version} at ${path}`)
    process.env.E2E_NODE = path
    console.log(`\nend-to-end tests run dist/ on Node ${version} (${path})`)
  } catch (error) {
    throw new Error(
      `Could not get a Node 24 binary with 'npx -y -p node@24' (${error.message}). ` +
        'Set E2E_NODE to a Node 24 binary to run the end-to-end tests.'
    )
  }
}
