import { commandRunnerConformance } from '../../testing/command-runner-conformance.js';
import { createDirectRunner } from './direct-runner.js';

commandRunnerConformance('none (direct process groups)', () => createDirectRunner());
