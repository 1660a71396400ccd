export * from '../generated/abis.js';
export * from './contracts.js';
export * from './deploy.js';
export * from './eip712.js';
export * from './leaves.js';
export * from './merkle.js';
export * from './codes.js';
