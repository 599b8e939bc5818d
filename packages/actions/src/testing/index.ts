export * from './build-wheel.js';
export * from './command-runner-conformance.js';
export * from './fake-docker-server.js';
export * from './flask-app-fixture.js';
export * from './import-error-tests-fixture.js';
export * from './missing-dockerfile-fixture.js';
export * from './node-main-fixture.js';
export * from './run-plan-steps.js';
