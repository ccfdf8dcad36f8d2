// Bundles the action entry and the command-line entry into dist/, as ESM, with every dependency
// inlined: GitHub runs dist/index.js straight from the repository, with no npm install.
import commonjs from '@rollup/plugin-commonjs'
import json from '@rollup/plugin-json'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import typescript from '@rollup/plugin-typescript'

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

export default ['index', 'cli'].map((name) => ({
  input: `src/${name}.ts`,
  output: {
    file: `dist/${name}.js`,
    format: 'es',
    sourcemap: false,
    banner: name === 'cli' ? '#!/usr/bin/env node' : undefined,
    inlineDynamicImports: true
  },
  plugins: plugins(),
  onwarn
}))
