import { cliWording } from '../src/cli-wording.js'

const OPTIONS = new Set(['fail-on', 'error-exitcode', 'no-trace-children', 'valgrind-args'])

describe('cliWording', () => {
  it("names the command line's option where the action names its input", () => {
    expect(
      cliWording(
        "Input 'fail-on': unknown value 'x'. Accepted: a comma-separated list of definite, errors; or none.",
        OPTIONS
      )
    ).toBe(
      "Option --fail-on: unknown value 'x'. Accepted: a comma-separated list of definite, errors; or none."
    )
    expect(cliWording("Input 'trace-children' must be true or false, got 'x'.", OPTIONS)).toBe(
      "Option --no-trace-children must be true or false, got 'x'."
    )
  })

  it('speaks of the program, not of an input, and of no step', () => {
    expect(
      cliWording(
        "Input 'command': the program './a' was not found (looked at /w/a, from working directory /w). Build it before this step, or fix the path.",
        OPTIONS
      )
    ).toBe(
      "The program './a' was not found (looked at /w/a, from working directory /w). Build it, or fix the path."
    )
    expect(
      cliWording(
        "Input 'command': '/w/a' exists but is not executable. Make it executable (chmod +x) before this step, or name its interpreter first.",
        OPTIONS
      )
    ).toBe(
      "'/w/a' exists but is not executable. Make it executable (chmod +x), or name its interpreter first."
    )
    expect(cliWording("Input 'command' holds no words: ' '.", OPTIONS)).toBe(
      "The command holds no words: ' '."
    )
  })

  it('names an option the message quotes in passing, and no other quoted word', () => {
    expect(
      cliWording(
        "Cargo failed: cargo found no Cargo.toml in /w. Set 'working-directory' to your crate.",
        new Set([...OPTIONS, 'working-directory'])
      )
    ).toBe('Cargo failed: cargo found no Cargo.toml in /w. Set --working-directory to your crate.')
    expect(cliWording("The program './a-b' was not found.", OPTIONS)).toBe(
      "The program './a-b' was not found."
    )
  })

  it('leaves an input the command line has no option for as it is', () => {
    expect(cliWording("Input 'annotations': unknown value 'x'.", OPTIONS)).toBe(
      "Input 'annotations': unknown value 'x'."
    )
  })
})
