export * from './free-port.js';
export * from './json-schema-arbitrary.js';
export * from './redis-server.js';
export * from './temp-dir.js';
export * from './wait-for.js';
