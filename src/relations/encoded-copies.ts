import { compressed, type EncodedBody, type EncodedCopies } from '../http/kept-encodings.js';
import type { RelationsReadModel } from '../projections/relations.read-model.js';
import type { SerialisedViews } from './serialised-views.js';

/** A kept answer whose compressed bytes may be kept beside its JSON. */
export interface Encodable {
  readonly body: string;
  readonly encoded: EncodedCopies;
}

/**
 * `entry`'s body in `encoding`, compressed on the first ask and kept beside it in `cache` under
 * `key`: the entry is set again with the copy, so the cache counts its bytes toward its limit.
 * An entry that would then be over the limit of one entry keeps no copy (lru-cache would drop
 * it); its body is compressed per ask, as the plugin did.
 */
export function encodedCopy<T extends Encodable>(cache: SerialisedViews<T>, model: RelationsReadModel, key: string, entry: T, encoding: EncodedBody['encoding']): EncodedBody {
  const known = entry.encoded[encoding];
  if (known !== undefined) return { encoding, body: known };
  const body = compressed(entry.body, encoding);
  const withCopy: T = { ...entry, encoded: { ...entry.encoded, [encoding]: body } };
  if (cache.fits(withCopy)) cache.set(model, key, withCopy);
  return { encoding, body };
}
