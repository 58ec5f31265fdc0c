// Output names safe on Windows and Linux, whatever a project is called.
import { describe, expect, it } from 'vitest';
import { packetDirName, projectFileName } from '../src/output/names.js';

describe('projectFileName', () => {
  it('numbers in data order and keeps Chinese names and full-width punctuation', () => {
    expect(projectFileName(2, 10, '闵行区居村民服务自治平台（2023运维）', 'pdf')).toBe('02-闵行区居村民服务自治平台（2023运维）.pdf');
    expect(projectFileName(7, 120, '培训费', 'docx')).toBe('007-培训费.docx');
  });

  it('replaces characters Windows or Linux forbid, and reserved names', () => {
    expect(projectFileName(1, 1, 'a/b\\c:d*e?f"g<h>i|j', 'pdf')).toBe('01-a_b_c_d_e_f_g_h_i_j.pdf');
    expect(projectFileName(1, 1, 'CON', 'pdf')).toBe('01-_.pdf');
    expect(projectFileName(1, 1, '名称. ', 'pdf')).toBe('01-名称.pdf');
    expect(projectFileName(1, 1, '\u0000\u001f', 'pdf')).toBe('01-__.pdf');
  });

  it('keeps long names within the 255-byte limit of file names', () => {
    const name = projectFileName(1, 1, '很长的项目名称'.repeat(40), 'docx');
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.startsWith('01-很长的项目名称很长')).toBe(true);
  });
});

describe('packetDirName', () => {
  it('is the data file’s own name', () => {
    expect(packetDirName('data/minhang-2023.json')).toBe('minhang-2023');
  });
});
