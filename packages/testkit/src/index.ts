export * from './free-port.js';
export * from './gguf/encode-gguf.js';
export * from './gguf/tiny-llama-gguf.js';
export * from './json-schema-arbitrary.js';
export * from './redis-server.js';
export * from './run-report-fixtures.js';
export * from './temp-dir.js';
export * from './wait-for.js';
