/* Example: an off-by-one write, a read after free, and a branch on an uninitialised value. */
#include <stdio.h>
#include <stdlib.h>

static int checksum(const int *values, int count) {
  int sum = 0;
  for (int i = 0; i <= count; i++) sum += values[i]; /* reads one past the end */
  return sum;
}

int main(void) {
  int *values = malloc(8 * sizeof(int));
  for (int i = 0; i < 8; i++) values[i] = i;
  printf("checksum %d\n", checksum(values, 8));
  free(values);
  printf("first %d\n", values[0]); /* use after free */

  int *flag = malloc(sizeof(int));
  if (*flag) puts("flag set"); /* never initialised */
  free(flag);
  return 0;
}
