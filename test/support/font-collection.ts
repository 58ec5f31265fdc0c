// A TrueType collection (.ttc) made at test time from single fonts, as the OpenType spec lays one
// out (TTC header 1.0): 'ttcf', the version, the number of fonts and each font's offset; then each
// font's bytes whole, its table records' offsets rebased to count from the collection's start.
// Each font keeps its own copy of every table (a real collection such as simsun.ttc shares some).

export function trueTypeCollection(fonts: readonly Buffer[]): Buffer {
  const starts: number[] = [];
  let end = 12 + 4 * fonts.length;
  for (const font of fonts) {
    starts.push(end);
    end += font.length + ((4 - (font.length % 4)) % 4);
  }
  const collection = Buffer.alloc(end);
  collection.write('ttcf', 0, 'latin1');
  collection.writeUInt32BE(0x00010000, 4);
  collection.writeUInt32BE(fonts.length, 8);
  fonts.forEach((font, i) => {
    const start = starts[i]!;
    collection.writeUInt32BE(start, 12 + 4 * i);
    font.copy(collection, start);
    // Table record: tag, checksum, offset, length (16 bytes each, after the 12-byte offset table).
    for (let t = 0, n = font.readUInt16BE(4); t < n; t++) {
      const offset = 12 + 16 * t + 8;
      collection.writeUInt32BE(font.readUInt32BE(offset) + start, start + offset);
    }
  });
  return collection;
}
