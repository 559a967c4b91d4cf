/** The two seed articles (in ../shared/seeds) and their publication dates: the first carries its dateline
 * (27 December 2023); the second has none and is taken as published the day after. */
export const SEED_ARTICLES = [
  { file: '000_7265cf855958d769.txt', publishedOn: '2023-12-27' },
  { file: '002_63eb337d2ba5c646.txt', publishedOn: '2023-12-28' },
] as const;
