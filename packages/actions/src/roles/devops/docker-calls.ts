import type Docker from 'dockerode';

/** What a build printed, and its error if it failed. */
export interface BuildLog {
  output: string;
  error?: string;
}

/** Reads the engine's JSON progress stream of a build to its end. */
export function followBuild(docker: Docker, stream: NodeJS.ReadableStream): Promise<BuildLog> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let error: string | undefined;
    docker.modem.followProgress(
      stream,
      (failure: Error | null) =>
        failure
          ? reject(failure)
          : resolve(error ? { output: lines.join(''), error } : { output: lines.join('') }),
      (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.stream) lines.push(event.stream);
        if (event.error) error = event.errorDetail?.message ?? event.error;
      },
    );
  });
}

/** Settings of one container run. */
export interface ContainerRun {
  image: string;
  name?: string;
  command?: string[];
  env: Record<string, string>;
  ports: Record<string, number>;
  wait: boolean;
  restart: 'unless-stopped' | undefined;
}

/** Creates and starts a container; waits for its exit code when `wait` is set. */
export async function runContainer(
  docker: Docker,
  run: ContainerRun,
): Promise<{ id: string; statusCode?: number }> {
  const portKey = (port: string) => (port.includes('/') ? port : `${port}/tcp`);
  const container = await docker.createContainer({
    Image: run.image,
    ...(run.name ? { name: run.name } : {}),
    ...(run.command ? { Cmd: run.command } : {}),
    Env: Object.entries(run.env).map(([name, value]) => `${name}=${value}`),
    ExposedPorts: Object.fromEntries(Object.keys(run.ports).map((port) => [portKey(port), {}])),
    HostConfig: {
      PortBindings: Object.fromEntries(
        Object.entries(run.ports).map(([port, host]) => [
          portKey(port),
          [{ HostPort: String(host) }],
        ]),
      ),
      ...(run.restart ? { RestartPolicy: { Name: run.restart } } : {}),
    },
  });
  await container.start();
  if (!run.wait) return { id: container.id };
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  return { id: container.id, statusCode: StatusCode };
}
