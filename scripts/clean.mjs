// A build starts from an empty dist/, so a file moved or removed in src/ leaves
// nothing stale behind for the tests or the package to pick up.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
