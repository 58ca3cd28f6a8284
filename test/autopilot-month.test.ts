import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore, DIALECTS, type TestStore } from './helpers/db.js';
import { startFixtureProcess, verdictProcess, type FixtureProcess } from './helpers/fixture-process.js';
import { discoveryEnv, listings, type Tool } from './helpers/discovery-fixtures.js';
import { bestForJson, citingTakeJson, evidenceIdsOf, isBestForRequest, startFakeLlm, type FakeLlm } from './helpers/fake-llm.js';
import { CRITIC_IDS, toolDoc } from './helpers/fixtures.js';
import { importTools, parseImport } from '../src/catalog/import.js';
import { enqueue } from '../src/queue/queue.js';

/**
 * A "simulated month": a fixture web (its own process) publishes new items on several days; each day discovery runs
 * (as `verdict discover`, or as the worker's daily discovery.run job), a moderator approves or rejects what waits,
 * and the worker (`verdict jobs run`) researches and reviews. Every command runs as its own process.
 */
const ORBIT: Tool = { name: 'Orbit', home: '/t/orbit', description: 'An LLM agent that plans your sprints', hn: { id: 1, points: 60 }, github: { full: 'orbit-labs/orbit', stars: 300, license: 'MIT' } };
const QUILL: Tool = { name: 'Quillpad', home: '/t/quillpad', description: 'A markdown editor for writers', hn: { id: 2, points: 400 } };
const KNOWN: Tool = { name: 'Known', home: '/t/known', description: 'An AI tool already in the catalog', hn: { id: 3, points: 90 }, feed: true };
const LUMEN: Tool = { name: 'Lumen', home: '/t/lumen', description: 'Small vision-language model', hf: { id: 'lumen-labs/lumen', likes: 30, pipeline: 'image-text-to-text' } };
const RELAY: Tool = { name: 'Relay', home: '/t/relay', description: 'A gateway that routes prompts across LLM providers', npm: { name: 'relay-llm', weekly: 2000 } };
const ORBIT_NPM: Tool = { ...ORBIT, hn: undefined, npm: { name: 'orbit-agent', weekly: 900 } };
const FLASK: Tool = { name: 'flask-thing', home: '/t/flask-thing', description: 'A web framework helper', pypi: { name: 'flask-thing' } };
const PARROT: Tool = { name: 'parrot-llm', home: '/t/parrot', description: 'Fine-tune LLMs on your laptop', pypi: { name: 'parrot-llm' } };
const CANVAS: Tool = { name: 'Canvas', home: '/t/canvas', description: 'A diffusion model studio for designers', feed: true };
const WEATHER: Tool = { name: 'Weather Now', home: '/t/weather', description: 'Hourly forecasts for your city', feed: true };
const SCOUT: Tool = { name: 'Scout', home: '/t/scout', description: 'Open-source AI research assistant', hn: { id: 4, points: 500 } };
const DEAD: Tool = { name: 'Deadlink', home: null, description: 'An LLM router', hn: { id: 5, points: 80 } };

/** What the sources list on each day: yesterday's items stay listed, as they do on the real sources. */
const DAYS: Tool[][] = [[ORBIT, QUILL, KNOWN, LUMEN]];
DAYS.push([...DAYS[0]!, RELAY, ORBIT_NPM, FLASK, PARROT]);
DAYS.push([...DAYS[1]!, CANVAS, WEATHER]);
DAYS.push([...DAYS[2]!, SCOUT, DEAD]);
DAYS.push([...DAYS[3]!]);

for (const { dialect, skip } of DIALECTS) {
  describe(`a simulated month of autopilot (${dialect})`, { skip }, () => {
    let store: TestStore;
    let web: FixtureProcess;
    let fake: FakeLlm;
    let env: Record<string, string>;

    before(async () => {
      store = await freshStore(dialect);
      web = await startFixtureProcess();
      fake = await startFakeLlm(({ body }) => {
        if (isBestForRequest(body)) return { content: bestForJson('Trying a new AI tool on checked facts') };
        if (/You decide whether an item/.test(JSON.stringify(body.messages))) return { content: JSON.stringify({ classification: { aiTool: false, reason: 'not an AI tool' } }) };
        const ids = evidenceIdsOf(body) ?? [];
        return { content: citingTakeJson(72, ids.slice(0, 2)) };
      });
      await importTools(store.db, parseImport({ tools: [toolDoc('known', { url: `${web.origin}/t/known` })] }, { threshold: 60, critics: CRITIC_IDS }));
      env = {
        DATABASE_URL: store.location,
        ...discoveryEnv(web.origin),
        DISCOVERY_SOURCES: 'hn,github,huggingface,npm,pypi,feeds',
        DISCOVERY_AUTO_APPROVE: 'true',
        LLM_BASE_URL: fake.url,
        LLM_MODEL: 'fake',
        LLM_BACKOFF_MS: '1',
      };
    });
    after(async () => {
      await fake.close();
      await web.close();
      await store.close();
    });

    const pending = () => store.db.selectFrom('submissions').select(['id', 'name']).where('status', '=', 'pending').orderBy('id').execute();
    const ok = async (args: string[]) => {
      const r = await verdictProcess(args, env);
      assert.equal(r.code, 0, `verdict ${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
      return r;
    };

    test('five days of discovery, moderation and the worker', async () => {
      for (const [day, listed] of DAYS.entries()) {
        await web.set(listings(web.origin, listed));
        if (day === 2) {
          // This day discovery runs as the worker's scheduled job, not by hand.
          await enqueue(store.db, { type: 'discovery.run', payload: { date: `day-${day}` }, idempotencyKey: `discovery.run:day-${day}` });
          await ok(['jobs', 'run']);
        } else await ok(['discover', '--json']);
        for (const s of await pending()) {
          if (s.name === 'parrot-llm') await ok(['submissions', 'reject', String(s.id), '--reason', 'a library, not a product']);
          else await ok(['submissions', 'approve', String(s.id)]);
        }
        await ok(['jobs', 'run']);
      }
    });

    test('every new AI tool was queued exactly once, whatever the number of sources that listed it', async () => {
      const subs = await store.db.selectFrom('submissions').select(['name', 'status', 'origin', 'foundBy', 'autoReason']).orderBy('id').execute();
      assert.deepEqual(subs.map((s) => s.name).sort(), ['Canvas', 'Orbit', 'Scout', 'lumen', 'parrot-llm', 'relay-llm']);
      assert.ok(subs.every((s) => s.origin === 'discovery'));
      const orbit = subs.find((s) => s.name === 'Orbit')!;
      assert.match(orbit.autoReason ?? '', /found by 2 sources/);
      assert.match(subs.find((s) => s.name === 'Scout')!.autoReason ?? '', /500 points, at least 5 × the 20 threshold/);
    });

    test('nothing that is not an AI tool, unreachable, or already in the catalog was proposed', async () => {
      const names = (await store.db.selectFrom('submissions').select('name').execute()).map((s) => s.name);
      for (const n of ['Quillpad', 'flask-thing', 'Weather Now', 'Known', 'Deadlink']) assert.ok(!names.includes(n), n);
      const tools = (await store.db.selectFrom('tools').select('slug').execute()).map((t) => t.slug).sort();
      assert.deepEqual(tools, ['canvas', 'known', 'lumen', 'orbit', 'relay-llm', 'scout']);
    });

    test('every approved tool was researched before its first review, and its takes cite the evidence', async () => {
      for (const slug of ['canvas', 'lumen', 'orbit', 'relay-llm', 'scout']) {
        const tool = await store.db.selectFrom('tools').select(['id', 'researchedAt']).where('slug', '=', slug).executeTakeFirstOrThrow();
        const firstEvidence = await store.db.selectFrom('evidence').select('fetchedAt').where('toolId', '=', tool.id).orderBy('fetchedAt').executeTakeFirst();
        const firstReview = await store.db.selectFrom('reviews').select('createdAt').where('toolId', '=', tool.id).orderBy('createdAt').executeTakeFirst();
        assert.ok(firstEvidence && firstReview, `${slug} was researched and reviewed`);
        assert.ok(firstEvidence.fetchedAt < firstReview.createdAt, `${slug}: researched at ${firstEvidence.fetchedAt}, reviewed at ${firstReview.createdAt}`);
        const cited = await store.db
          .selectFrom('reviewEvidence')
          .innerJoin('reviews', 'reviews.id', 'reviewEvidence.reviewId')
          .select('reviewEvidence.evidenceId')
          .where('reviews.toolId', '=', tool.id)
          .where('reviewEvidence.cited', '=', 1)
          .execute();
        assert.ok(cited.length > 0, `${slug}'s takes cite what was checked`);
      }
    });

    test('the weekly digest lists the new verdicts', async () => {
      const r = await ok(['digest', 'preview', '--json']);
      const names = (JSON.parse(r.stdout) as { content: { verdicts: { slug: string }[] } }).content.verdicts.map((v) => v.slug);
      for (const slug of ['canvas', 'lumen', 'orbit', 'relay-llm', 'scout']) assert.ok(names.includes(slug), `${slug} in ${names.join(', ')}`);
    });

    test('no job is stuck or failed, and verdict status is green and shows each stage ran', async () => {
      const open = await store.db.selectFrom('jobs').select(['id', 'type', 'status', 'lastError']).where('status', '!=', 'done').execute();
      assert.deepEqual(open, []);
      const r = await verdictProcess(['status', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout) as { stages: { stage: string; lastRun: { ok: boolean } | null; warning: boolean }[]; candidates: { discovery: number } };
      for (const stage of ['discovery', 'research', 'review']) assert.equal(s.stages.find((x) => x.stage === stage)!.lastRun?.ok, true, stage);
      assert.ok(s.stages.every((x) => !x.warning));
      assert.equal(s.candidates.discovery, 0);
    });
  });
}
