import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@codegod/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDockerServer } from '../../fixtures/fake-docker-server.js';
import { createDockerEngine } from './docker-engine.js';

describe('createDockerEngine reachable', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  it('is true when an engine answers on the socket', async () => {
    const docker = await startFakeDockerServer();
    cleanups.push(docker.stop);
    expect(await createDockerEngine({ dockerHost: docker.dockerHost }).reachable()).toBe(true);
  });

  it('is false when the socket file is absent, and when the file there is no engine', async () => {
    const dir = await tempDir('codegod-docker-engine-');
    cleanups.push(dir.remove);
    const socket = join(dir.path, 'docker.sock');
    const engine = createDockerEngine({ dockerHost: `unix://${socket}`, pingTimeoutMs: 2000 });
    expect(await engine.reachable()).toBe(false);
    await writeFile(socket, 'not a socket');
    expect(await engine.reachable()).toBe(false);
    await expect(engine.connect()).rejects.toMatchObject({ code: 'docker-unavailable' });
  });
});
