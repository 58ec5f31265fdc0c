// extract's and blank's -o: a new file, never over one, even one put there while shenbao worked.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNewFile } from '../src/files.js';
import { UserError } from '../src/errors.js';

describe('writeNewFile', () => {
  it('writes the file whole and leaves nothing beside it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-new-'));
    await writeNewFile(path.join(dir, '汇总.json'), '{"a":1}\n');
    expect(readFileSync(path.join(dir, '汇总.json'), 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(dir)).toEqual(['汇总.json']);
  });

  it('refuses a name taken after the check at the start (the user saved a file there meanwhile), and leaves it as it was', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-new-'));
    const out = path.join(dir, '汇总.json');
    writeFileSync(out, '用户的文件');
    const error = await writeNewFile(out, '{"a":1}\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(`${out} 已存在：shenbao 不会覆盖它，这次什么也没有写。请换一个文件名再运行`);
    expect(readFileSync(out, 'utf8')).toBe('用户的文件');
    expect(readdirSync(dir)).toEqual(['汇总.json']);
  });

  it('refuses a dangling symbolic link of that name too (writing through it would put a file elsewhere)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shenbao-new-'));
    const out = path.join(dir, '汇总.json');
    (await import('node:fs')).symlinkSync(path.join(dir, 'elsewhere.json'), out);
    await expect(writeNewFile(out, '{}')).rejects.toThrow('已存在');
    expect(existsSync(path.join(dir, 'elsewhere.json'))).toBe(false);
  });
});
