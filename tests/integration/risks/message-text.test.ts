import { messageLink, messageText } from '../../../src/bot/risks/message-text';

describe('the text of a Teams message for the "Log as decision" form', () => {
  test.each([
    ['<p>We <b>agreed</b> to block macros.</p>', 'We agreed to block macros.'],
    ['<div>Line one<br>Line two</div><div>Line three</div>', 'Line one\nLine two\nLine three'],
    [
      'Fish &amp; chips &lt;script&gt; &quot;ok&quot; &#39;yes&#39; caf&#xE9;&nbsp;time',
      'Fish & chips <script> "ok" \'yes\' café time',
    ],
    ['<at>Ben Okafor</at> please log this', 'Ben Okafor please log this'],
    ['<img src=x onerror=alert(1)>Zoë’s note', 'Zoë’s note'],
    ['&#0; &#99999999; &bogus;', '&bogus;'],
  ])('when the message body is %j, then the form gets %j', (html, expected) => {
    expect(messageText(html)).toBe(expected);
  });

  test('when the body is missing or not text, then the form starts empty', () => {
    expect(messageText(undefined)).toBe('');
    expect(messageText({ content: 'x' })).toBe('');
  });
});

describe('the link to a Teams message a message action sends', () => {
  test.each([
    [
      'a plain https link',
      ' https://teams.microsoft.com/l/message/19:a@thread/1 ',
      'https://teams.microsoft.com/l/message/19:a@thread/1',
    ],
    ['an http link', 'http://teams.example/l/1', ''],
    ['a javascript link', 'javascript:alert(1)', ''],
    ['a link with a quote in it', 'https://example.com/"onmouseover', ''],
    ['a link with a space in it', 'https://example.com/a b', ''],
    ['a link far too long', `https://example.com/${'a'.repeat(2100)}`, ''],
    ['no link', undefined, ''],
  ])('when it is %s, then the form keeps %j', (_label, link, expected) => {
    expect(messageLink(link)).toBe(expected);
  });
});
