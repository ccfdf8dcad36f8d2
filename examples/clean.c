/* Example: a correct program; valgrind has nothing to say. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  int *squares = malloc(10 * sizeof(int));
  for (int i = 0; i < 10; i++) squares[i] = i * i;
  printf("9 squared is %d\n", squares[9]);
  free(squares);
  return 0;
}
