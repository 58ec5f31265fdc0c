// Errors that stop a command and are the user's to fix, not the program's: a missing input file,
// a font that cannot be read, a template outside the markup subset, a full disk. The CLI prints
// their message alone (one Chinese line: what failed, which path, what to do); anything else that
// throws is a bug and is printed as one, with its stack and a request to report it.

/** The command cannot run as given: arguments, paths, templates, fonts, foreign files in the way. */
export class UserError extends Error {
  override name = 'UserError';
}

/** The system refused: no permission, disk full, read-only disk, a file held open by another program. */
export class EnvironmentError extends UserError {
  override name = 'EnvironmentError';
}

type Errno = NodeJS.ErrnoException;

/**
 * A file or folder the user named is not there: the one wording, whichever command looks for it
 * (a data file, a font, a template, a form to read back, an output folder to verify).
 */
export const notFoundMessage = (target: string): string => `找不到 ${target}：没有这个文件或文件夹，请检查路径是否写对`;

/** A file or folder the user named may not be read: the one wording. */
export const noReadPermissionMessage = (target: string): string => `没有权限读取 ${target}：请检查它的权限，或换一个有权限的用户运行`;

export const isErrno = (error: unknown): error is Errno =>
  error instanceof Error && typeof (error as Errno).code === 'string' && typeof (error as Errno).syscall === 'string';

/**
 * What a file-system call was doing, as the advice needs it: reading one of the user's inputs
 * (`reading`: another output folder would not help), or one of the steps of writing output.
 */
export type FsAction = { verb: string; reading: true } | '写入' | '替换' | '创建文件夹' | '创建输出目录' | '创建临时文件夹于' | '创建锁文件于';

/** Reading an input: 读取, or 读取字体文件 with `what` = 字体文件. */
export const reading = (what = ''): FsAction => ({ verb: `读取${what}`, reading: true });
export const READ = reading();

/** The verb phrase of an action, as a message says it. */
export const verbOf = (action: FsAction): string => (typeof action === 'string' ? action : action.verb);
export const isReading = (action: FsAction): boolean => typeof action !== 'string';

/**
 * A failed file-system call as one line an office can act on. `action` says what was being done
 * (写入, 替换, reading an input…), `target` the path the user knows (not a staging path).
 */
export function fsFailure(error: unknown, action: FsAction, target: string): Error {
  if (!isErrno(error)) return error as Error;
  const place = `${verbOf(action)} ${target}`;
  switch (error.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new EnvironmentError(`磁盘空间不足，无法${place}：请清理磁盘空间，或用 -o 换一个输出目录后重试`);
    case 'EACCES':
    case 'EPERM':
      // Reading the user's own inputs: another output folder would not help.
      if (isReading(action)) return new EnvironmentError(noReadPermissionMessage(target));
      return new EnvironmentError(
        `没有权限${place}：请检查这个文件夹的权限，关闭正打开其中文件的程序（如 PDF 阅读器），或用 -o 换一个输出目录`,
      );
    case 'EROFS':
      return new EnvironmentError(`无法${place}：所在的磁盘是只读的，请用 -o 换一个输出目录`);
    case 'EBUSY':
      return new EnvironmentError(`无法${place}：文件正被其他程序占用，请关闭它（如 PDF 阅读器）后重试`);
    case 'EMFILE':
    case 'ENFILE':
      return new EnvironmentError(`无法${place}：同时打开的文件太多，请关闭一些程序后重试`);
    case 'EIO':
      return new EnvironmentError(`无法${place}：读写磁盘时出错，请检查磁盘或换一个输出目录`);
    case 'ENOTDIR':
      // Reading a/b where a is a file: there is no such file, said as any missing one.
      if (isReading(action)) return new UserError(notFoundMessage(target));
      return new UserError(`无法${place}：路径中有一段是文件而不是文件夹，请检查路径或用 -o 换一个输出目录`);
    case 'ENOENT':
      if (isReading(action)) return new UserError(notFoundMessage(target));
      return new UserError(`无法${place}：它所在的文件夹不存在，请检查路径`);
    case 'ELOOP':
      return new UserError(`无法${place}：它（或路径中的一段）的符号链接绕成了一个圈，互相指向，指不到任何文件或文件夹：请改好这些链接，或换一个路径`);
    case 'EISDIR':
      return new UserError(`无法${place}：这是一个文件夹，不是文件`);
    case 'ENAMETOOLONG':
      return new UserError(`无法${place}：路径太长，请换一个较短的输出目录`);
    default:
      // The system's own words are English: its error code is what a maintainer looks up.
      return new EnvironmentError(`无法${place}：系统报告错误 ${error.code}，请检查磁盘和权限后重试`);
  }
}

/** Run a file-system call; a failure becomes `fsFailure(…)`. */
export async function fsStep<T>(action: FsAction, target: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fsFailure(error, action, target);
  }
}
