import type { JsonObject, StoredEvent } from './event-store.port.js';

/**
 * A just-written event with its data and metadata parsed from the JSON that was written on first
 * read, not before: the command handler reads only ids, types and revisions of what it appended,
 * and parsing every event of an import back was a tenth of its CPU and most of its garbage. Read,
 * they are what JSON.parse gives (plain, enumerable properties, deep-equal to any reader's copy).
 *
 * The texts wait in private fields, and `data` and `metadata` are own, enumerable accessors defined
 * with descriptors shared by every event: an event costs one object. A getter and a setter closed
 * over each event's text (and a descriptor each) were ≈ 2/3 of what answering an import's commit
 * allocated (sampling heap profiler, 300k GDELT rows).
 */
class StoredEventOfText implements StoredEvent {
  #dataText: string | undefined;
  #metadataText: string | undefined;
  declare data: JsonObject;
  declare metadata: JsonObject;

  constructor(
    readonly eventId: string,
    readonly type: string,
    readonly streamId: string,
    readonly revision: number,
    readonly position: string,
    data: string,
    metadata: string,
  ) {
    this.#dataText = data;
    Object.defineProperty(this, 'data', DATA);
    // Most events carry none: a fresh empty object is what parsing '{}' would give.
    if (metadata === '{}') this.metadata = {};
    else {
      this.#metadataText = metadata;
      Object.defineProperty(this, 'metadata', METADATA);
    }
  }

  /** The accessors every event shares, each reaching its own event's text through `this`. */
  static readonly accessors = {
    data: lazilyParsed<StoredEventOfText>('data', (event) => {
      const text = event.#dataText;
      event.#dataText = undefined;
      return text;
    }),
    metadata: lazilyParsed<StoredEventOfText>('metadata', (event) => {
      const text = event.#metadataText;
      event.#metadataText = undefined;
      return text;
    }),
  };
}

const { data: DATA, metadata: METADATA } = StoredEventOfText.accessors;

/**
 * An accessor for `field` that parses the event's text (handed over, and let go, by `takeText`) on
 * first read, or takes a value written before any read; either way the field then becomes a plain
 * property.
 */
function lazilyParsed<E extends StoredEvent>(field: 'data' | 'metadata', takeText: (event: E) => string | undefined): PropertyDescriptor {
  return {
    enumerable: true,
    configurable: true,
    get(this: E): JsonObject {
      return settled(this, field, JSON.parse(takeText(this)!) as JsonObject);
    },
    set(this: E, value: JsonObject) {
      takeText(this);
      settled(this, field, value);
    },
  };
}

/** From now on a plain property, as if it had been parsed at once. */
function settled(event: StoredEvent, field: 'data' | 'metadata', value: JsonObject): JsonObject {
  Object.defineProperty(event, field, { value, enumerable: true, configurable: true, writable: true });
  return value;
}

/** A stored event whose data and metadata are parsed from `data` and `metadata` (JSON) when first read. */
export function storedEventOfText(eventId: string, type: string, streamId: string, revision: number, position: string, data: string, metadata: string): StoredEvent {
  return new StoredEventOfText(eventId, type, streamId, revision, position, data, metadata);
}
