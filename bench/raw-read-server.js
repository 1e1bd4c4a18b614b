// The ceiling of the read-API benchmark: node:http and a pg pool, no framework. Per request it does the
// database work GET /v1/residents?limit=100 needs (the page, the total, the residents' lease links) and
// answers the rows as JSON. Usage: node bench/raw-read-server.js <databaseUrl> <organizationId>; prints its URL.
// Its PostgreSQL backends carry the application_name `raw-read-server`, so the benchmark can tell its CPU from the app's.
const http = require('node:http');
const { Pool } = require('pg');

const [databaseUrl, organizationId] = process.argv.slice(2);
const pool = new Pool({ connectionString: databaseUrl, max: 10, application_name: 'raw-read-server' });

// The links as the app reads them: each with its lease's status_normalized (leases_meta_data's
// lease_status_normalized), the hidden ones left out, in move-in order.
const LINKS = `SELECT l.*, (SELECT p."status_normalized" FROM "leases" p WHERE p."id" = l."lease_id") AS "lease_status_normalized"
  FROM "residents_to_leases" l WHERE l."resident_id" = ANY($1::text[]) AND l."deleted_at" IS NULL
  ORDER BY l."move_in_date" NULLS LAST, l."id"`;

const server = http.createServer(async (req, res) => {
  try {
    const page = await pool.query(
      `SELECT * FROM "residents" WHERE "organization_id" = $1 AND "deleted_at" IS NULL ORDER BY "created_at" DESC, "id" LIMIT 100`,
      [organizationId],
    );
    const [total, links] = await Promise.all([
      pool.query(`SELECT count(*)::int AS n FROM "residents" WHERE "organization_id" = $1 AND "deleted_at" IS NULL`, [
        organizationId,
      ]),
      pool.query(LINKS, [page.rows.map((r) => r.id)]),
    ]);
    const body = JSON.stringify({
      meta: { offset: 0, limit: 100, total: total.rows[0].n },
      results: page.rows,
      links: links.rows,
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
