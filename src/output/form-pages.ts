// A form's placed pages, kept from making its own PDF until the 汇总表 draws them: packed, since a
// packet of 10,000 forms would otherwise hold some 360 MB of page objects (about 36 KB a page).
// JSON deflated at the fastest level: about 3.2 KB a page (the seed's forms), a fraction of a millisecond each way.
// The data paths are left out: the 汇总表 only draws.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { PositionedPage } from '../layout/place.js';

export type PackedPages = Uint8Array;

export function packPages(pages: readonly PositionedPage[]): PackedPages {
  const json = JSON.stringify(pages, (key, value: unknown) => (key === 'path' ? undefined : value));
  // Copied out: zlib hands back a view of its 16 KB output buffer, which would keep the whole of it.
  return new Uint8Array(deflateRawSync(json, { level: 1 }));
}

export function unpackPages(packed: PackedPages): PositionedPage[] {
  return JSON.parse(inflateRawSync(packed).toString('utf8')) as PositionedPage[];
}
