// Cancellation by signal, shared by the action and the CLI. The runner cancels a step (Cancel,
// `timeout-minutes`) with SIGINT, then SIGTERM 7.5 s later, then kills the process tree; a terminal
// sends SIGINT on Ctrl-C. Either signal aborts the run: the engine stops valgrind and the program
// and reports what valgrind wrote until then. A second signal changes nothing.

export interface Cancellation {
  /** Aborted with the signal's name as the reason. */
  signal: AbortSignal
  dispose(): void
}

export function cancelOnSignals(notify?: (signal: NodeJS.Signals) => void): Cancellation {
  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return
    notify?.(name)
    controller.abort(name)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
