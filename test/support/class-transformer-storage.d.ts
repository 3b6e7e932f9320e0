// class-transformer's metadata storage (which @Type writes to) is not among its typed entry points; the
// validation fast-path test reads the nested classes of DTOs from it.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}
