// The engine and the configuration speak to a workflow's author: "Input 'fail-on'", "before this
// step". The command line's user typed options, so its messages name those instead.
import type { InputName } from './config.js'

/** The command line's option for each input it takes, where the name differs or is negated. */
const OPTION_OF: Partial<Record<InputName, string>> = {
  'trace-children': '--no-trace-children',
  'rust-suppressions': '--no-rust-suppressions'
}

/** `message` (the action's wording) in the command line's words. Pure. */
export function cliWording(message: string, options: ReadonlySet<string>): string {
  return (
    message
      // The command is the program and its arguments after the options.
      .replace(/^Input 'command': (.)/, (_, first: string) => first.toUpperCase())
      .replace(/^Input 'command'/, 'The command')
      .replace(/Input '([a-z-]+)'/g, (whole, name: string) => {
        const option = OPTION_OF[name as InputName] ?? `--${name}`
        return options.has(option.slice(2)) ? `Option ${option}` : whole
      })
      // "Set 'working-directory' to your crate": an input named in passing.
      .replace(/'([a-z]+(?:-[a-z]+)+)'/g, (whole, name: string) => {
        const option = OPTION_OF[name as InputName] ?? `--${name}`
        return options.has(option.slice(2)) ? option : whole
      })
      .replace(/ before this step\b/g, '')
  )
}
