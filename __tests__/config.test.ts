import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { InputError, parseFailOn, parseTools, readConfig } from '../src/config.js'

function reader(inputs: Record<string, string>) {
  return (name: string) => inputs[name] ?? ''
}

const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'vg-config-'))
const env = { workspace, tempDirectory: path.join(workspace, 'tmp') }

describe('readConfig', () => {
  it('splits the command like a POSIX shell, without expanding anything', () => {
    const config = readConfig(
      reader({ command: `./tool --name 'two words' "say \\"hi\\"" '$HOME' a\\ b \\\n --last` }),
      env
    )
    expect(config.command).toEqual([
      './tool',
      '--name',
      'two words',
      'say "hi"',
      '$HOME',
      'a b',
      '--last'
    ])
  })

  it.each([
    ['./a | grep x', "a pipe ('|')"],
    ['./a && ./b', "'&&'"],
    ['./a || true', "'||'"],
    ['./a; ./b', "';' (a list of commands)"],
    ['./a > out.txt', "a redirection ('>')"],
    ['$HOME/a', "an expansion ('$...')"],
    ['./a "$(cat args)"', "an expansion ('$(...)')"],
    ['./a `cat args`', 'a command substitution (`...`)'],
    ['~/bin/a', "'~' (the home directory)"],
    ['./a # the tests', "a comment ('#')"],
    ['true\n./leak', 'several lines (a shell runs each line as a command)'],
    ['CI=1 ./a', "a variable assignment ('CI=...'; use the step's env: instead)"]
  ])('refuses shell syntax in %j, naming it and showing the sh -c form', (command, what) => {
    const read = () => readConfig(reader({ command }), env)
    expect(read).toThrow(InputError)
    expect(read).toThrow(`Input 'command' uses shell syntax, ${what}, but it is not run by a shell`)
    const shell = command.includes('\n') ? 'sh -ec' : 'sh -c'
    expect(read).toThrow(`command: ${shell} '${command.replace(/'/g, `'"'"'`)}'`)
  })

  it('tells a cargo command to quote the word, not to run through sh -c (which would run the tests natively)', () => {
    const read = () =>
      readConfig(reader({ command: 'cargo nextest run -p beta -E test(clean_b)' }), env)
    expect(read).toThrow(InputError)
    expect(read).toThrow(
      /^Input 'command' uses shell syntax, .*, but it is not run by a shell\. Quote the word that holds it, as a shell would need too: a nextest filterset goes in quotes, -E 'test\(name\)'\. Keep cargo the command itself \(not sh -c '\.\.\.'\)/
    )
    expect(read).not.toThrow(/command: sh -c/)
    expect(
      readConfig(reader({ command: "cargo nextest run -E 'test(clean_b)'" }), env).command
    ).toEqual(['cargo', 'nextest', 'run', '-E', 'test(clean_b)'])
  })

  it('takes quoted operators, a literal $ and globs as the words they are', () => {
    const config = readConfig(
      reader({ command: `./a '|' "&&" 'x;y' --price=$ -k 'a*' b* c?` }),
      env
    )
    expect(config.command).toEqual(['./a', '|', '&&', 'x;y', '--price=$', '-k', 'a*', 'b*', 'c?'])
  })

  it('applies the documented defaults', () => {
    const config = readConfig(reader({ command: 'prog' }), env)
    expect([...config.failOn].sort()).toEqual(['definite', 'errors'])
    expect(config.tools).toEqual(['memcheck'])
    expect(config.traceChildren).toBe(true)
    expect(config.trackOrigins).toBe(false)
    expect(config.annotations).toBe('failing')
    expect(config.traceChildrenSkip).toContain('*/cc1')
    expect(config.allocatorWrappers).toEqual([])
    expect(config.workingDirectory).toBe(workspace)
    expect(config.outputDirectory).toBe(path.join(workspace, 'tmp', 'valgrind-action'))
  })

  it('checks that each suppression file exists, relative to the working directory', () => {
    fs.writeFileSync(path.join(workspace, 'a.supp'), '')
    const config = readConfig(reader({ command: 'prog', suppressions: 'a.supp\n' }), env)
    expect(config.suppressions).toEqual([path.join(workspace, 'a.supp')])
    expect(() =>
      readConfig(reader({ command: 'prog', suppressions: 'a.supp, b.supp' }), env)
    ).toThrow(`Input 'suppressions': file '${path.join(workspace, 'b.supp')}' does not exist.`)
  })

  it('rejects a working directory that does not exist', () => {
    expect(() => readConfig(reader({ command: 'prog', 'working-directory': 'nope' }), env)).toThrow(
      InputError
    )
  })

  it('splits valgrind-args into words', () => {
    const config = readConfig(
      reader({ command: 'p', 'valgrind-args': "--num-callers=40 --log-file='a b'" }),
      env
    )
    expect(config.valgrindArgs).toEqual(['--num-callers=40', '--log-file=a b'])
  })

  it('validates retention-days and valgrind-version', () => {
    expect(() => readConfig(reader({ command: 'p', 'retention-days': '0' }), env)).toThrow(
      /from 1 to 90/
    )
    expect(
      readConfig(reader({ command: 'p', 'valgrind-version': '>= 3.22' }), env).valgrindVersion
    ).toBe('>=3.22')
    expect(() => readConfig(reader({ command: 'p', 'valgrind-version': 'latest' }), env)).toThrow(
      /Accepted: system, a minimum like >=3.22, or an exact release like 3.26.0/
    )
  })
})

describe('parseFailOn', () => {
  it('accepts any mix of categories, case-insensitively', () => {
    expect([...parseFailOn('Definite, possible,errors')]).toEqual([
      'definite',
      'possible',
      'errors'
    ])
  })
  it('accepts none alone', () => {
    expect(parseFailOn('none').size).toBe(0)
    expect(() => parseFailOn('none,errors')).toThrow(/cannot be combined/)
  })
  it('lists the valid values when one is unknown', () => {
    expect(() => parseFailOn('definite,leaks')).toThrow(
      "Input 'fail-on': unknown value 'leaks'. Accepted: a comma-separated list of definite, indirect, possible, reachable, errors; or none."
    )
  })
})

describe('parseTools', () => {
  it('accepts one error checker plus callgrind', () => {
    expect(parseTools('memcheck,callgrind')).toEqual(['memcheck', 'callgrind'])
    expect(parseTools('callgrind')).toEqual(['callgrind'])
    expect(parseTools('helgrind')).toEqual(['helgrind'])
  })
  it('refuses two error checkers and unknown tools', () => {
    expect(() => parseTools('memcheck,drd')).toThrow(/more than one error checker/)
    expect(() => parseTools('massif')).toThrow(/unknown tool 'massif'/)
  })
})
