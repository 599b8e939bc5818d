import { commandRunnerConformance } from '../../fixtures/command-runner-conformance.js';
import { createDirectRunner } from './direct-runner.js';

commandRunnerConformance('none (direct process groups)', () => createDirectRunner());
