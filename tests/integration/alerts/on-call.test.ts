import { FirstOnCallSource } from '../../../src/app/alerts/on-call-fallback';
import {
  ALERT_ESCALATION_TABLES,
  TableOnCallSource,
} from '../../../src/store/alert-escalation-store';
import { startTestStore } from '../../helpers/azurite';

test('when the rota names nobody, then the admins’ on-call list is used, and the rota wins when it names someone', async () => {
  const { store, stop } = await startTestStore();
  try {
    await store.createTables(Object.values(ALERT_ESCALATION_TABLES));
    const interim = new TableOnCallSource(store);
    expect(await interim.onCallNow()).toEqual([]);
    await interim.set(['id-primary', 'id-secondary']);
    let rota: string[] = [];
    const source = new FirstOnCallSource([() => ({ onCallNow: async () => rota }), () => interim]);
    const at = new Date('2026-11-28T09:00:00Z');
    expect(await source.onCallNow(at)).toEqual(['id-primary', 'id-secondary']);
    rota = ['id-rota'];
    expect(await source.onCallNow(at)).toEqual(['id-rota']);
  } finally {
    await stop();
  }
});
