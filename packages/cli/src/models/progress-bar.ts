/** Megabytes with one decimal. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * A download progress bar on `out`: redrawn in place on a terminal, one line per tenth
 * otherwise (logs, pipes).
 */
export function progressBar(out: NodeJS.WriteStream, label: string) {
  let lastTenth = -1;
  return {
    update(received: number, total: number | undefined) {
      const fraction = total ? Math.min(1, received / total) : undefined;
      const percent = fraction === undefined ? '' : ` ${Math.floor(fraction * 100)}%`;
      const size = `${megabytes(received)}${total ? ` / ${megabytes(total)}` : ''}`;
      if (out.isTTY) {
        const width = 30;
        const done = fraction === undefined ? 0 : Math.round(fraction * width);
        out.write(`\r${label} [${'#'.repeat(done)}${'-'.repeat(width - done)}]${percent} ${size}`);
        return;
      }
      const tenth = fraction === undefined ? -1 : Math.floor(fraction * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        out.write(`${label}${percent} ${size}\n`);
      }
    },
    end() {
      if (out.isTTY) out.write('\n');
    },
  };
}
