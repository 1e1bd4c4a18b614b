// class-transformer keeps @Type(() => Nested) in this module and exports no public accessor; its package has no
// "exports" map, so the deep path resolves, but its typings sit apart (types/storage.d.ts): this names them.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
