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

/** The title a unit's 汇总表 has: 上海市闵行区地区工作办公室2023年度项目绩效目标汇总表. */
export const standardTitle = (unit: string, year: number) => `${unit}${year}年度项目绩效目标汇总表`;

export function wordProperties(header: PacketHeader): Record<string, string> {
  return {
    [WORD_PROPERTY.title]: header.title,
    [WORD_PROPERTY.unit]: header.unit,
    ...(header.$schema !== undefined ? { [WORD_PROPERTY.schema]: header.$schema } : {}),
    ...(header.display !== undefined ? { [WORD_PROPERTY.display]: JSON.stringify(header.display) } : {}),
  };
}
