import { existsSync } from 'fs';
import { dirname, join } from 'path';

/** The project root (where package.json is), both from src/ under tests and from dist/src/ when built. */
function findRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const PROJECT_ROOT = findRoot();
export const fromRoot = (...parts: string[]): string => join(PROJECT_ROOT, ...parts);
