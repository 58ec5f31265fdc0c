// Data files as other editors save them, made without installing anything: GBK from the two-byte
// table of the WHATWG gb18030 decoder (the inverse of what shenbao reads), UTF-16 with a BOM.

let table: Map<string, [number, number]> | undefined;

/** GBK bytes for `text`, as Windows Notepad saves "ANSI" on a Chinese system. */
export function gbk(text: string): Uint8Array {
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const char = decoder.decode(Uint8Array.from([lead, trail]));
        if (char.length === 1 && char !== '\ufffd' && !table.has(char)) table.set(char, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else if (table.has(char)) bytes.push(...table.get(char)!);
    else throw new Error(`not in GBK: ${char}`);
  }
  return Uint8Array.from(bytes);
}

export const utf16le = (text: string): Uint8Array => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
