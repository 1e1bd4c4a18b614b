const { Client } = require('pg');
(async () => {
  const c = new Client({ connectionString: process.argv[2] }); await c.connect();
  const repo = require('/work/main/dist/webhooks/delivery.repository.js');
  const ids = (await c.query('select id from webhook_deliveries order by event_sequence offset 15000 limit 50')).rows.map((r) => r.id);
  let captured;
  const r = new repo.DeliveryRepository({ sql: async (t, p) => { captured = [t, p]; return []; } }, {});
  await r.loadTarget(ids[0]);
  await new Promise((res) => setTimeout(res, 10));
  const res = await c.query('EXPLAIN ANALYZE ' + captured[0], [ids]);
  console.log(res.rows.map((x) => x['QUERY PLAN']).join('\n'));
  await c.end();
})();
