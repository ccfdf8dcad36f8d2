/* Example: a small parser that forgets to free what it allocates. */
#include <stdlib.h>
#include <string.h>

struct token { char *text; struct token *next; };

static struct token *tokenize(const char *input) {
  struct token *head = NULL;
  for (const char *p = input; *p != '\0'; p++) {
    if (*p == ' ') continue;
    struct token *token = malloc(sizeof *token);
    token->text = strndup(p, 1);
    token->next = head;
    head = token;
  }
  return head;
}

int main(void) {
  struct token *tokens = tokenize("a b c");
  tokens = NULL; /* the whole list is lost: one definite leak, the rest indirect */
  return tokens == NULL ? 0 : 1;
}
