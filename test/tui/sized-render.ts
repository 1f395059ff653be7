// Renders an Ink tree into a terminal of a chosen size (ink-testing-library
// fixes 100 columns), keeping the last frame and taking key presses.
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type React from 'react';

class SizedStdout extends EventEmitter {
  last = '';
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.last = frame;
    return true;
  };
}

class KeyStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string) {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export interface SizedScreen {
  frame(): string;
  press(...inputs: string[]): Promise<void>;
  unmount(): void;
}

export function renderSized(tree: React.ReactElement, columns: number, rows: number): SizedScreen {
  const stdout = new SizedStdout(columns, rows);
  const stdin = new KeyStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new SizedStdout(columns, rows) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    frame: () => stdout.last,
    async press(...inputs) {
      for (const input of inputs) {
        stdin.write(input);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    unmount: () => instance.unmount(),
  };
}
