// schema/packet.schema.json, generated from the zod schema so editors can complete and check data
// files through "$schema". A test keeps the committed file current (`npm run schema` rewrites it).
import { z } from 'zod';
import { PacketSchema } from './packet.js';

export const SCHEMA_TITLE = '项目绩效目标汇总表（shenbao 数据文件）';

export function packetJsonSchema(): string {
  const schema = z.toJSONSchema(PacketSchema, { target: 'draft-2020-12', io: 'input' });
  return `${JSON.stringify({ ...schema, title: SCHEMA_TITLE }, null, 2)}\n`;
}
