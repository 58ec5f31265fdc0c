// What a .docx carries besides its pages: the packet-level fields a form does not print (the
// packet's title and unit; `$schema`), as custom document properties that Word, WPS and
// LibreOffice keep when they save. `shenbao extract` reads them back (extract/docx.ts).
import type { Packet } from '../model/packet.js';

/** Custom property names, as a user sees them in Word's 文件 → 属性 → 自定义. */
export const WORD_PROPERTY = {
  title: '汇总表标题',
  unit: '单位',
  schema: 'shenbao数据格式',
  /** The packet's house style (display), as JSON: extract reads dates and zero amounts back through it. */
  display: '印制样式',
} as const;

export type PacketHeader = Omit<Packet, 'projects'>;

export function wordProperties(header: PacketHeader): Record<string, string> {
  return {
    [WORD_PROPERTY.title]: header.title,
    [WORD_PROPERTY.unit]: header.unit,
    ...(header.$schema !== undefined ? { [WORD_PROPERTY.schema]: header.$schema } : {}),
    ...(header.display !== undefined ? { [WORD_PROPERTY.display]: JSON.stringify(header.display) } : {}),
  };
}
