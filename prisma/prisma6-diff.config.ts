// Prisma 6.19 CLI config used only to print migration SQL offline (`npm run migration:sql` and the
// migrations-match-schema test): its JS engine reaches PostgreSQL through @prisma/adapter-pg, so no
// native schema engine is downloaded. DATABASE_URL must point at any reachable PostgreSQL.
import path from 'node:path';
import { defineConfig } from 'prisma6/config';
import { PrismaPg } from 'adapter-pg6';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(__dirname, 'schema.prisma'),
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
