import {
  COMMANDS,
  helpView,
  normaliseCommandText,
  parseCommand,
  suggestCommand,
} from '../../src/bot/commands';

describe('command parsing', () => {
  test.each([
    ['help', 'help', ''],
    ['HELP', 'help', ''],
    ['org add', 'org add', ''],
    ['orgs', 'orgs', ''],
    ['member add', 'member add', ''],
    ['members', 'members', ''],
    ['add member', 'member add', ''],
    ['? ', 'help', ''],
  ])('when someone types "%s", then it is the %s command', (typed, name, args) => {
    const parsed = parseCommand(normaliseCommandText(typed));
    expect(parsed?.command.name).toBe(name);
    expect(parsed?.args).toBe(args);
  });

  test('when Teams wraps the text in a mention and non-breaking spaces, then the command still parses', () => {
    expect(normaliseCommandText('<at>CTAC</at>&nbsp;help\u00a0 ')).toBe('help');
  });

  test('when a word only starts like a command, then it is not that command', () => {
    expect(parseCommand('helpful')).toBeUndefined();
    expect(parseCommand('membership')).toBeUndefined();
  });

  test.each([
    ['hlep', 'help'],
    ['memebrs', 'members'],
    ['org ad', 'org add'],
    ['ogrs', 'orgs'],
  ])('when someone types "%s", then the suggestion is %s', (typed, suggestion) => {
    expect(suggestCommand(typed)).toBe(suggestion);
  });

  test('when the text is nothing like a command, then there is no suggestion', () => {
    expect(suggestCommand('what is the weather in Brighton')).toBeUndefined();
  });

  test('when the help card is built, then it lists every command', () => {
    const listed = helpView().groups.flatMap((g) => g.commands.map((c) => c.usage));
    expect(listed).toEqual(expect.arrayContaining(COMMANDS.map((c) => c.usage)));
  });
});
