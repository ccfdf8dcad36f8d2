// What GitHub loads when it starts the action: dist/index.js and the chunks it imports statically.
// Every run pays for parsing them, so the HTTP stack (undici), the artifact and cache clients and
// the source build must stay behind dynamic imports, loaded only by a run that uses them.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { repoRoot } from './support/paths.js'

const dist = path.join(repoRoot, 'dist')

/** The files a static `import ... from './x.js'` chain reaches from `entry`, entry included. */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = fs.readFileSync(file, 'utf8')
    for (const match of text.matchAll(/^import\s[^;]*?from\s+'(\.[^']+)'/gm)) {
      visit(path.resolve(path.dirname(file), match[1]))
    }
    for (const match of text.matchAll(/^import\s+'(\.[^']+)'/gm)) {
      visit(path.resolve(path.dirname(file), match[1]))
    }
  }
  visit(entry)
  return [...seen]
}

describe('the bundle loaded at start', () => {
  const loaded = staticGraph(path.join(dist, 'index.js'))
  const names = loaded.map((file) => path.relative(dist, file))

  it('is the entry, @actions/core, the engine and their shared code only', () => {
    expect(names).toContain('index.js')
    expect(names.some((name) => /^chunks\/engine-/.test(name))).toBe(true)
    for (const lazy of ['artifact', 'cache', 'source-build', 'service-type']) {
      expect(names.filter((name) => name.startsWith(`chunks/${lazy}-`))).toEqual([])
    }
  })

  it('leaves out the HTTP client (undici) and parses well under a megabyte', () => {
    const text = loaded.map((file) => fs.readFileSync(file, 'utf8')).join('\n')
    expect(text).not.toMatch(/undici/i)
    const bytes = loaded.reduce((sum, file) => sum + fs.statSync(file).size, 0)
    expect(bytes).toBeLessThan(800_000)
  })

  it('still reaches the lazy parts through dynamic imports', () => {
    const all = fs
      .readdirSync(path.join(dist, 'chunks'))
      .map((name) => fs.readFileSync(path.join(dist, 'chunks', name), 'utf8'))
      .concat(fs.readFileSync(path.join(dist, 'index.js'), 'utf8'))
      .join('\n')
    for (const lazy of ['artifact', 'cache', 'source-build']) {
      expect(all).toMatch(new RegExp(`import\\('\\./(chunks/)?${lazy}-[\\w-]+\\.js'\\)`))
    }
  })
})
