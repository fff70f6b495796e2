/**
 * The acknowledge benchmark's baselines, each in its own process like the app:
 *   echo:  a minimal botbuilder bot (CloudAdapter on express, anonymous, with the app's own
 *          authentication object) answering the Action.Execute invoke with a static card;
 *   floor: the same bot plus one point read and one ETag-conditional write to Table Storage per
 *          invoke (a small row `BenchFloor/<alertId>/<alertId>` in a table of its own);
 *   alert-floor: the same, on the alert's own row in the app's `Alerts` table (read, and written
 *          back as read on its ETag): the least an acknowledgement of that alert can do.
 *
 *   node dist/bench/baseline-bot.js <echo|floor|alert-floor> <port> [connection string] [table prefix]
 */
import {
  ActivityHandler,
  CloudAdapter,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import express from 'express';
import { ReusingAuthentication } from '../src/bot/adapter';
import { ALERT_TABLES, alertPartition } from '../src/store/alert-rows';
import { TableStore } from '../src/store/tables';

const [kind, port, connectionString, prefix = ''] = process.argv.slice(2);
// A store without a gate: its table clients carry no policy of CTAC's, as a bare client would.
const table =
  (kind === 'floor' || kind === 'alert-floor') && connectionString
    ? new TableStore({ kind: 'connectionString', connectionString }, prefix).table(
        kind === 'floor' ? 'BenchFloor' : ALERT_TABLES.alerts,
      )
    : undefined;

const card = {
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [{ type: 'TextBlock', text: 'Acknowledged.', wrap: true }],
};

class BaselineBot extends ActivityHandler {
  protected override async onAdaptiveCardInvoke(
    _context: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (table && kind === 'alert-floor') {
      // The alert's own row, where the app keeps it, written back as read on its ETag.
      const data = value.action.data as { src?: string; key?: string };
      const partition = alertPartition(data.src === 'hsa' ? 'hsa' : 'incident', data.key ?? '');
      // (Its row key repeats the partition's: src/store/alert-rows.ts.)
      const { etag, timestamp: _timestamp, ...row } = await table.getEntity(partition, partition);
      await table.updateEntity({ ...row, partitionKey: partition, rowKey: partition }, 'Replace', {
        etag,
      });
    } else if (table) {
      const id = String((value.action.data as { alertId?: string }).alertId ?? '');
      // Each row has a key of its own: Azurite looks through every row sharing a row key.
      const row = await table.getEntity<{ state: string }>(id, id);
      await table.updateEntity(
        { partitionKey: id, rowKey: id, state: 'acknowledged', by: _context.activity.from.id },
        'Replace',
        { etag: row.etag },
      );
    }
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: card as never,
    };
  }
}

// The app's own authentication (it keeps its connector clients rather than making them each turn),
// so the baselines do no more per turn than the app must.
const adapter = new CloudAdapter(
  new ReusingAuthentication({} as ConfigurationBotFrameworkAuthenticationOptions),
);
const bot = new BaselineBot();
const app = express();
app.post('/api/messages', express.json({ limit: '256kb' }), async (req, res) => {
  await adapter.process(req, res, (context) => bot.run(context));
});
app.listen(Number(port), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
