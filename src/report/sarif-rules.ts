// What each valgrind error kind means and how it is usually fixed: the help text of the SARIF
// rules, shown by code scanning next to every alert. Kinds valgrind adds later get a generic text.

export interface KindHelp {
  /** What the kind means, in one or two sentences. */
  meaning: string
  /** The usual fix. */
  fix: string
}

const MEMCHECK_MANUAL = 'https://valgrind.org/docs/manual/mc-manual.html#mc-manual.errormsgs'
const HELGRIND_MANUAL = 'https://valgrind.org/docs/manual/hg-manual.html'
const DRD_MANUAL = 'https://valgrind.org/docs/manual/drd-manual.html'

const HELP: Record<string, KindHelp> = {
  InvalidRead: {
    meaning:
      'The program read memory it may not touch: past the end (or before the start) of a heap block, or from a block that was already freed.',
    fix: 'Check the index or length against the allocation size, and make sure the block is not freed (or reallocated) before this read; the "Address ... is N bytes inside/after a block" note says which.'
  },
  InvalidWrite: {
    meaning:
      'The program wrote to memory it may not touch: past the end of a heap block (a buffer overflow) or into a freed block.',
    fix: 'Allocate enough room (remember the terminating NUL of strings), bound the loop or copy length by the allocation size, and do not write through pointers to freed blocks.'
  },
  InvalidFree: {
    meaning:
      'free/delete/realloc was given a pointer that is not the start of a live heap block: a double free, or a pointer into the middle of a block or to the stack.',
    fix: 'Free each block exactly once, with the pointer the allocator returned; set the pointer to NULL after freeing when it may be freed again.'
  },
  MismatchedFree: {
    meaning:
      'A block was released with a function that does not match how it was allocated (malloc/free, new/delete, new[]/delete[]).',
    fix: 'Use free for malloc/calloc/realloc, delete for new and delete[] for new[]; prefer smart pointers or containers that pair them for you.'
  },
  InvalidJump: {
    meaning:
      'The program jumped to an address that holds no code, e.g. through a corrupt function pointer or a smashed return address.',
    fix: 'Look for a stack buffer overflow or a use of a freed object whose function pointer (or vtable) was called.'
  },
  Overlap: {
    meaning:
      'memcpy/strcpy (or a relative) was called with source and destination that overlap, which is undefined behaviour.',
    fix: 'Use memmove for overlapping ranges, or copy through a separate buffer.'
  },
  UninitCondition: {
    meaning:
      'A conditional jump or move depends on a value that was never initialised, so the branch taken is arbitrary.',
    fix: 'Initialise the variable or the allocated memory (calloc, = {0}, a constructor) before it is tested; run with track-origins: true to see where the value was created.'
  },
  UninitValue: {
    meaning:
      'An uninitialised value was used in a way that matters (as an address, or passed on to a system call).',
    fix: 'Initialise the value where it is created; track-origins: true shows where that was.'
  },
  SyscallParam: {
    meaning:
      'A system call was passed a buffer or argument that is uninitialised or not addressable, so the kernel sees (or writes) memory the program does not own.',
    fix: 'Initialise the whole buffer (also struct padding) before the call, and pass a size that matches the allocation.'
  },
  ClientCheck: {
    meaning:
      'A check the program asked valgrind to make (a VALGRIND_CHECK_* client request) failed.',
    fix: 'See the client request in the stack: the memory it names is not in the state the program expected.'
  },
  FishyValue: {
    meaning:
      'An allocation function was passed a size that looks like a negative number (a huge unsigned value).',
    fix: 'Check the size computation for an underflow or a signed-to-unsigned conversion.'
  },
  ReallocSizeZero: {
    meaning:
      'realloc was called with size 0, whose behaviour differs between C libraries (it may free the block or return a new one).',
    fix: 'Call free explicitly when the new size is 0.'
  },
  InvalidAlignment: {
    meaning:
      'An aligned allocation was asked for an alignment that is not a power of two (or not allowed by the function).',
    fix: 'Pass a power-of-two alignment that is a multiple of sizeof(void *).'
  },
  InvalidSize: {
    meaning: 'An allocation or deallocation function was given a size that is invalid for it.',
    fix: 'Check the size passed (for sized delete, the size of the allocation).'
  },
  InvalidMemPool: {
    meaning: 'A memory pool client request named a pool that does not exist.',
    fix: 'Create the pool (VALGRIND_CREATE_MEMPOOL) before using it, and do not use it after destroying it.'
  },
  Leak_DefinitelyLost: {
    meaning:
      'A heap block is no longer pointed to by anything when the program exits: its memory can never be freed. The location is where the block was allocated.',
    fix: 'Free the block (or let an owner such as a smart pointer, Box or Vec drop it) on every path once it is no longer needed, including error paths.'
  },
  Leak_IndirectlyLost: {
    meaning:
      'A heap block is pointed to only from blocks that are themselves lost (e.g. the nodes behind a lost list head). Fixing the definite leak that owns it usually fixes it too.',
    fix: 'Fix the definitely lost block that points to it, freeing what it owns as well.'
  },
  Leak_PossiblyLost: {
    meaning:
      'A heap block is pointed to only by a pointer into its middle, which may or may not be meant to reach it (some allocators and string classes do this on purpose).',
    fix: 'Keep a pointer to the start of the block and free it; if the interior pointer is intended, suppress the record.'
  },
  Leak_StillReachable: {
    meaning:
      'A heap block is still pointed to when the program exits, so it could have been freed: typically a global cache or a singleton.',
    fix: 'Free it at exit if you want clean reports; otherwise leave it out of fail-on (the default).'
  },
  Race: {
    meaning:
      'Two threads accessed the same memory without synchronisation, and at least one of the accesses was a write: a data race.',
    fix: 'Protect the shared data with a lock held by both threads, make it atomic, or give each thread its own copy.'
  },
  ConflictingAccess: {
    meaning:
      'Two threads accessed the same memory without synchronisation, and at least one of the accesses was a write: a data race.',
    fix: 'Protect the shared data with a lock held by both threads, make it atomic, or give each thread its own copy.'
  },
  LockOrder: {
    meaning:
      'Locks were taken in an order that contradicts an order seen before: two threads doing this can deadlock.',
    fix: 'Take locks in one global order everywhere (or take them together with a single lock).'
  },
  UnlockUnlocked: {
    meaning: 'A mutex that was not locked was unlocked.',
    fix: 'Pair every unlock with a lock on the same path; use scoped lock guards.'
  },
  UnlockForeign: {
    meaning: 'A thread unlocked a mutex that another thread holds.',
    fix: 'Unlock a mutex only in the thread that locked it.'
  },
  UnlockBogus: {
    meaning: 'Something that is not a mutex was unlocked.',
    fix: 'Check the pointer passed to the unlock function.'
  },
  PthAPIerror: {
    meaning: 'A pthread function returned an error (e.g. destroying a locked mutex).',
    fix: 'Check the return value of the pthread call in the stack and the state of the object it was given.'
  },
  MutexErr: {
    meaning:
      'A mutex was misused (locked twice, unlocked by another thread, destroyed while locked).',
    fix: 'Pair lock and unlock in one thread; destroy a mutex only when no thread holds it.'
  },
  CondErr: {
    meaning: 'A condition variable was misused.',
    fix: 'Wait on a condition variable only with its mutex held, and use one mutex per condition variable.'
  },
  CondRaceErr: {
    meaning:
      'A condition variable was signalled without holding the mutex that guards its predicate, so a wake-up can be lost.',
    fix: 'Hold the mutex while changing the predicate and signalling.'
  },
  HoldtimeErr: {
    meaning: 'A lock was held longer than the threshold given to DRD.',
    fix: 'Shorten the critical section or raise the threshold.'
  }
}

export function kindHelp(kind: string): KindHelp {
  return (
    HELP[kind] ?? {
      meaning: `Valgrind reported an error of kind ${kind}.`,
      fix: "Read the message and the stack of the alert; valgrind's manual explains each message."
    }
  )
}

export function kindManual(tool: string): string {
  if (tool === 'helgrind') return HELGRIND_MANUAL
  if (tool === 'drd') return DRD_MANUAL
  return MEMCHECK_MANUAL
}
