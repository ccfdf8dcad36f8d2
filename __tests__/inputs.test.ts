// The action's inputs are named in one place in the code (INPUT_NAMES): it must list exactly the
// inputs action.yml declares, or an input would be read under a name the runner never sets.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { load } from 'js-yaml'
import { INPUT_NAMES } from '../src/config.js'
import { repoRoot } from './support/paths.js'

describe('INPUT_NAMES', () => {
  it('lists every input of action.yml, and only those', () => {
    const action = load(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>
    }
    expect([...INPUT_NAMES].sort()).toEqual(Object.keys(action.inputs).sort())
  })

  it('names each input once', () => {
    expect(new Set(INPUT_NAMES).size).toBe(INPUT_NAMES.length)
  })
})
