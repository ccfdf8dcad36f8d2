// Numbers as the reports print them. Hand-rolled: the first `toLocaleString` call loads ICU's
// locale data, about 40 ms of a start-up the action keeps small.

/** `1234567` → `1,234,567` (valgrind's own style). */
export function formatCount(value: number): string {
  const text = String(value)
  return /^-?\d+$/.test(text) ? text.replace(/\B(?=(\d{3})+$)/g, ',') : text
}
