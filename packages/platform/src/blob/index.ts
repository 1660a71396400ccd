export * from './errors.js';
export * from './key-ring.js';
export * from './envelope-cipher.js';
export * from './blob-frame.js';
export * from './blob-ref.js';
export * from './encrypted-blob-store.js';
export * from './sealed-text.js';
export { BucketBootstrap, bucketBootstrap } from './bucket-bootstrap.js';
