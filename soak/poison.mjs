// The soak's poison mix: raw entries written straight into Redis, as a buggy
// producer or a hand-edited key would, never through the Enqueuer. Each
// carries a marker ("poison-<round>-<kind>") so the audit can find it again,
// in its bytes or in the dead entry's raw / raw_base64 copy of them. Every one
// must end in dead: those that are not jobs (bad bytes, bad JSON) at once,
// the ones that decode as jobs because the soak handler fails any job whose
// args say "poison" (maxFails 3). Nothing may stay in a queue, a set or an
// in-progress list, and lock counts must come back to 0.

const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const INVALID = [0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]; // never valid UTF-8: bad leads, a cut pair, an encoded surrogate
const job = (marker, argsJson) => `{"name":"soak","id":"${marker}","t":1700000000,"args":${argsJson}}`;

/** One round of entries: [where, marker, value]; where is "queue", "retry" or "scheduled". */
function round(r) {
  const m = (kind) => `poison-${r}-${kind}`;
  return [
    ['queue', m('utf8-in-args'), bytes(job(m('utf8-in-args'), '{"poison":true,"s":"'), INVALID, '"}')],
    ['queue', m('utf8-not-json'), bytes(INVALID, m('utf8-not-json'), [0x00], INVALID)],
    ['queue', m('nul-raw-in-json'), bytes(job(m('nul-raw-in-json'), '{"poison":true,"s":"a'), [0x00, 0x00], 'b"}')],
    ['queue', m('nul-not-json'), bytes([0x00, 0x00], m('nul-not-json'), [0x00])],
    ['queue', m('nul-escaped'), job(m('nul-escaped'), '{"poison":true,"s":"a\\u0000b"}')],
    ['queue', m('lone-surrogate'), job(m('lone-surrogate'), '{"poison":true,"s":"\\ud800 and \\udfff"}')],
    ['queue', m('not-json'), `not json at all ${m('not-json')}`],
    ['retry', m('retry-utf8'), bytes(job(m('retry-utf8'), '{"poison":true,"s":"'), INVALID, '"}')],
    ['retry', m('retry-surrogate'), job(m('retry-surrogate'), '{"poison":true,"s":"\\udbff"}')],
    ['scheduled', m('scheduled-utf8-not-json'), bytes(INVALID, m('scheduled-utf8-not-json'))],
  ];
}

/** Entries written once per run: large ones. */
function once() {
  const deep = 200_000;
  return [
    ['queue', 'poison-large-5mb', job('poison-large-5mb', `{"poison":true,"pad":"${'x'.repeat(5 * 1024 * 1024)}"}`)],
    ['queue', 'poison-deep-200k', job('poison-deep-200k', `{"poison":true,"deep":${'['.repeat(deep)}${']'.repeat(deep)}}`)],
  ];
}

/** Writes poison rounds into `namespace` and audits them at the end. */
export class PoisonMix {
  constructor(redis, namespace) {
    this.redis = redis;
    this.p = `${namespace}:`;
    this.markers = [];
    this.rounds = 0;
  }

  async inject() {
    const entries = this.rounds === 0 ? [...once(), ...round(0)] : round(this.rounds);
    this.rounds++;
    const now = Math.floor(Date.now() / 1000);
    const pipe = this.redis.pipeline();
    for (const [where, marker, value] of entries) {
      if (where === 'queue') pipe.lpush(`${this.p}jobs:soak`, value);
      else pipe.zadd(`${this.p}${where}`, now, value); // due now
      this.markers.push(marker);
    }
    await pipe.exec();
  }

  /**
   * Where every poison entry is now. Dead entries keep the original in their
   * own bytes, in "raw" (text) or in "raw_base64" (exact bytes that are not UTF-8).
   */
  async audit() {
    const { redis, p } = this;
    const haystacks = (values) =>
      values.map((value) => {
        const text = value.toString('utf8');
        let extra = '';
        try {
          const parsed = JSON.parse(text);
          if (typeof parsed?.raw_base64 === 'string') extra = Buffer.from(parsed.raw_base64, 'base64').toString('latin1');
        } catch {
          // not JSON: the bytes themselves are searched
        }
        return `${value.toString('latin1')}\n${extra}`;
      });
    const inProgressKeys = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${p}jobs:*:inprogress`, 'COUNT', 1000);
      cursor = next;
      inProgressKeys.push(...keys);
    } while (cursor !== '0');
    const places = {
      dead: haystacks(await redis.zrangeBuffer(`${p}dead`, 0, -1)),
      retry: haystacks(await redis.zrangeBuffer(`${p}retry`, 0, -1)),
      scheduled: haystacks(await redis.zrangeBuffer(`${p}scheduled`, 0, -1)),
      queued: haystacks(await redis.lrangeBuffer(`${p}jobs:soak`, 0, -1)),
      inProgress: haystacks((await Promise.all(inProgressKeys.map((k) => redis.lrangeBuffer(k, 0, -1)))).flat()),
    };
    const found = {};
    const stuck = [];
    for (const marker of this.markers) {
      const place = Object.keys(places).find((where) => places[where].some((h) => h.includes(marker)));
      found[place ?? 'nowhere'] = (found[place ?? 'nowhere'] ?? 0) + 1;
      if (place !== 'dead') stuck.push(`${marker} (${place ?? 'nowhere'})`);
    }
    // A key of the wrong type reads as NaN: not 0, so it fails the audit instead of crashing it.
    const lock = Number((await redis.get(`${p}jobs:soak:lock`).catch(() => 'NaN')) ?? 0);
    const shares = Object.values(await redis.hgetall(`${p}jobs:soak:lock_info`).catch(() => ({ x: 'NaN' }))).reduce((sum, n) => sum + Number(n), 0);
    return { injected: this.markers.length, rounds: this.rounds, found, stuck, inProgressEntries: places.inProgress.length, lock, lockShares: shares };
  }
}
