// The C program of the overhead and report benchmarks: many memory errors, each from a distinct
// stack, so that valgrind reports one error context per error.
/** What the program needs from valgrind: every error reported (not the first 1,000 contexts). */
export const VALGRIND_ARGS = ['--error-limit=no', '--num-callers=12']

const RADIX = 40

/**
 * A program that makes `argv[1]` invalid reads, each from a distinct stack. Valgrind tells error
 * contexts apart by their first 4 frames, so the choice is made there: a leaf function (one of 40)
 * called by one of 40 functions called by one of 40 more from main: up to 64,000 contexts.
 */
export function programSource() {
  const range = Array.from({ length: RADIX }, (_, k) => k)
  return [
    '#include <stdlib.h>',
    'static char *block;',
    'static volatile int sink;',
    ...range.map(
      (k) => `__attribute__((noinline)) static void leaf${k}(void) { sink += block[16]; }`
    ),
    'static void middle(unsigned path);',
    ...range.map(
      (k) =>
        `__attribute__((noinline)) static void inner${k}(unsigned path) {\n  switch (path % ${RADIX}) {\n${range.map((j) => `  case ${j}: leaf${j}(); break;`).join('\n')}\n  }\n}`
    ),
    ...range.map(
      (k) => `__attribute__((noinline)) static void outer${k}(unsigned path) { middle(path); }`
    ),
    'static void middle(unsigned path) {',
    `  switch ((path / ${RADIX}) % ${RADIX}) {`,
    ...range.map((k) => `  case ${k}: inner${k}(path); break;`),
    '  }',
    '}',
    'int main(int argc, char **argv) {',
    '  unsigned count = argc > 1 ? (unsigned)atoi(argv[1]) : 0;',
    '  block = malloc(16);',
    '  for (unsigned path = 0; path < count; path++) {',
    `    switch (path / (${RADIX} * ${RADIX})) {`,
    ...range.map((k) => `    case ${k}: outer${k}(path); break;`),
    '    }',
    '  }',
    '  free(block);',
    '  return 0;',
    '}',
    ''
  ].join('\n')
}
