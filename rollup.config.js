// Bundles the action entry and the command-line entry into dist/, as ESM, with every dependency
// inlined: GitHub runs dist/index.js straight from the repository, with no npm install.
import { rmSync } from 'node:fs'
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'

// Chunk names change with their content: start from an empty dist/ so that no chunk of an earlier
// build stays behind (a committed stray chunk would go unnoticed by the staleness check).
rmSync('dist', { recursive: true, force: true })

const plugins = () => [
  typescript({ tsconfig: './tsconfig.build.json' }),
  nodeResolve({ preferBuiltins: true, exportConditions: ['node'] }),
  commonjs(),
  json()
]

const onwarn = (warning, warn) => {
  // The Azure SDK and friends use `this` at module top level and circular imports; both are harmless.
  if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return
  warn(warning)
}

// One build of both entries: code they share, and the modules loaded only when needed (the artifact
// and cache clients with the Azure SDK), go to dist/chunks/, so a run that uploads nothing does not
// parse them. Chunk names carry a content hash: a rebuild of the same sources gives the same files.
export default {
  input: { index: 'src/index.ts', cli: 'src/cli.ts' },
  output: {
    dir: 'dist',
    format: 'es',
    sourcemap: false,
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    banner: (chunk) => (chunk.isEntry && chunk.name === 'cli' ? '#!/usr/bin/env node' : '')
  },
  plugins: plugins(),
  onwarn,
  treeshake: {
    // @actions/core imports its HTTP client (for OIDC tokens) at the top; undici alone is most of
    // a megabyte to parse at every start. Neither runs code on import that the action relies on,
    // so where nothing uses them (a run that neither downloads nor uploads) they are left out.
    moduleSideEffects: (id) => !/node_modules\/(undici|@actions\/http-client)\//.test(id)
  }
}
