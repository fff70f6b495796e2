import { spawnSync } from 'child_process';
import { fromRoot } from '../../src/paths';

/** Runs the project's ESLint config on a snippet as if it were the file at `filePath`. */
function lint(filePath: string, code: string): string[] {
  const result = spawnSync(
    process.execPath,
    [
      fromRoot('node_modules', 'eslint', 'bin', 'eslint.js'),
      '--format',
      'json',
      '--stdin',
      '--stdin-filename',
      filePath,
    ],
    { cwd: fromRoot(), input: code, encoding: 'utf8' },
  );
  const [report] = JSON.parse(result.stdout) as {
    messages: { ruleId: string | null; message: string }[];
  }[];
  return report!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layering rule', () => {
  test.each([
    ['src/domain/alerts/probe.ts', "import { TurnContext } from 'botbuilder';"],
    ['src/domain/rota/probe.ts', "import { TableClient } from '@azure/data-tables';"],
    ['src/app/probe.ts', "import express from 'express';"],
    ['src/app/probe.ts', "import { DefaultAzureCredential } from '@azure/identity';"],
    ['src/domain/probe.ts', "import { readFileSync } from 'fs';"],
  ])('when %s imports an SDK (%s), then lint fails', (filePath, code) => {
    expect(lint(filePath, `${code}\nexport const x = 1;\n`)).not.toEqual([]);
  });

  test('when the bot imports botbuilder, then lint allows it', () => {
    expect(
      lint(
        'src/bot/probe.ts',
        "import { TurnContext } from 'botbuilder';\nexport type T = TurnContext;\n",
      ),
    ).toEqual([]);
  });
});
