/**
 * What an accepted credential may not read, by the sandbox's own collection names (Buildium `tenants`), so a
 * demo or test can show a data-access check FAILED. Each sandbox answers a denied read with its vendor's own
 * permission error.
 */
export interface DeniedCollections<Collection extends string = string> {
  denied?: readonly Collection[];
}

export const isDenied = <Collection extends string>(
  credential: DeniedCollections<Collection> | undefined,
  collection: Collection,
): boolean => credential?.denied?.includes(collection) ?? false;
