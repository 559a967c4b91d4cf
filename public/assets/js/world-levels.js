// Each country's worst current level among its relations: what the map colours and the country page heads with.

/** Levels from calm to rupture, as the catalogue orders its bands (lowest first). */
export function worstLevels(relations, levels) {
  const rank = new Map(levels.map((band, i) => [band.level, i]));
  const countries = new Map();
  for (const item of relations) {
    for (const [code, other] of [item.pair, [...item.pair].reverse()]) {
      const entry = countries.get(code) ?? { code, name: item.names[code] ?? code, level: null, worstWith: null, pairs: 0 };
      entry.pairs += 1;
      const level = item.escalation.level;
      if (entry.level === null || rank.get(level) > rank.get(entry.level)) {
        entry.level = level;
        entry.worstWith = { code: other, name: item.names[other] ?? other, score: item.escalation.score };
      }
      countries.set(code, entry);
    }
  }
  return countries;
}
