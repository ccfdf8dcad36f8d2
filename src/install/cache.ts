// @actions/cache around installs: optional by nature, so every failure becomes a note, never an
// error (the install then just takes longer).
import * as cache from '@actions/cache'

export function cacheAvailable(): boolean {
  return cache.isFeatureAvailable()
}

export async function restoreFromCache(
  paths: string[],
  key: string,
  notes: string[]
): Promise<boolean> {
  try {
    const matched = await cache.restoreCache(paths, key)
    return matched === key
  } catch (error) {
    notes.push(`cache restore failed (${(error as Error).message}); installing instead`)
    return false
  }
}

export async function saveToCache(paths: string[], key: string, notes: string[]): Promise<void> {
  try {
    const id = await cache.saveCache(paths, key)
    notes.push(
      id > 0
        ? `saved to the Actions cache under key ${key}`
        : `not saved to the Actions cache (key ${key} exists already or the service refused it)`
    )
  } catch (error) {
    notes.push(`could not save to the Actions cache: ${(error as Error).message}`)
  }
}
