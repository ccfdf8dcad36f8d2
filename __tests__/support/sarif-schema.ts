// The SARIF 2.1.0 JSON schema (OASIS, revision rtm.5: the one GitHub code scanning documents),
// as shipped in the npm package @microsoft/jest-sarif, compiled with ajv. The schema is draft-04,
// hence ajv-draft-04; ajv-formats checks the `uri` and `date-time` formats it uses.
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import type AjvModule from 'ajv-draft-04'
import type FormatsModule from 'ajv-formats'

// Both packages are CommonJS whose default export ESM interop would wrap: load them as such.
const require = createRequire(import.meta.url)
const Ajv = require('ajv-draft-04') as typeof AjvModule.default
const addFormats = require('ajv-formats') as typeof FormatsModule.default
const schemaFile = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'))

// unicodeRegExp off: the schema's `language` pattern is not a valid Unicode-mode regular expression.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
addFormats(ajv)
const validator = ajv.compile(schema)

/** Schema violations of a SARIF log, as readable lines (empty when it is valid). */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validator(log)) return []
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`)
}
