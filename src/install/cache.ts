// @actions/cache around installs: optional by nature, so every failure becomes a note, never an
// error (the install then just takes longer).
// @actions/cache (and the Azure SDK under it) is loaded only when a step uses the cache: most runs
// never do, and loading it costs start-up time on every run.
const loadCache = async (): Promise<typeof import('@actions/cache')> => import('@actions/cache')

export async function cacheAvailable(): Promise<boolean> {
  return (await loadCache()).isFeatureAvailable()
}

export async function restoreFromCache(
  paths: string[],
  key: string,
  notes: string[]
): Promise<boolean> {
  try {
    const matched = await (await loadCache()).restoreCache(paths, key)
    return matched === key
  } catch (error) {
    notes.push(`cache restore failed (${(error as Error).message}); installing instead`)
    return false
  }
}

export async function saveToCache(paths: string[], key: string, notes: string[]): Promise<void> {
  try {
    const id = await (await loadCache()).saveCache(paths, key)
    notes.push(
      id > 0
        ? `saved to the Actions cache under key ${key}`
        : `not saved to the Actions cache (key ${key} exists already or the service refused it)`
    )
  } catch (error) {
    notes.push(`could not save to the Actions cache: ${(error as Error).message}`)
  }
}

/**
 * Restores the newest entry whose key starts with `keyPrefix` (the rest of the key records what
 * was saved, e.g. a manifest digest). Returns the key it restored, or undefined.
 */
export async function restoreLatest(
  paths: string[],
  keyPrefix: string,
  notes: string[]
): Promise<string | undefined> {
  try {
    const matched = await (await loadCache()).restoreCache(paths, keyPrefix, [keyPrefix])
    return matched !== undefined && matched.startsWith(keyPrefix) ? matched : undefined
  } catch (error) {
    notes.push(`cache restore failed (${(error as Error).message}); installing instead`)
    return undefined
  }
}

/** Whether the Actions cache holds an entry under exactly `key` (nothing is downloaded). */
export async function cacheEntryExists(
  paths: string[],
  key: string,
  notes: string[]
): Promise<boolean> {
  try {
    return (await (await loadCache()).restoreCache(paths, key, [], { lookupOnly: true })) === key
  } catch (error) {
    notes.push(`cache lookup failed (${(error as Error).message})`)
    return false
  }
}
