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

export const isErrno = (error: unknown): error is Errno =>
  error instanceof Error && typeof (error as Errno).code === 'string' && typeof (error as Errno).syscall === 'string';

/**
 * A failed file-system call as one line an office can act on. `action` is the verb phrase
 * (写入, 创建文件夹, 读取…), `target` the path the user knows (not a staging path).
 */
export function fsFailure(error: unknown, action: string, target: string): Error {
  if (!isErrno(error)) return error as Error;
  const place = `${action} ${target}`;
  switch (error.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new EnvironmentError(`磁盘空间不足，无法${place}：请清理磁盘空间，或用 -o 换一个输出目录后重试`);
    case 'EACCES':
    case 'EPERM':
      // Reading the user's own inputs: another output folder would not help.
      if (action.startsWith('读取')) return new EnvironmentError(`没有权限${place}：请检查它的权限，或换一个有权限的用户运行`);
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
      return new UserError(`无法${place}：路径中有一段是文件而不是文件夹，请检查路径或用 -o 换一个输出目录`);
    case 'ENOENT':
      return new UserError(`无法${place}：找不到它或它所在的文件夹，请检查路径`);
    case 'ELOOP':
      return new UserError(`无法${place}：它（或路径中的一段）的符号链接绕成了一个圈，互相指向，指不到任何文件或文件夹：请改好这些链接，或换一个路径`);
    case 'EISDIR':
      return new UserError(`无法${place}：这是一个文件夹，不是文件`);
    case 'ENAMETOOLONG':
      return new UserError(`无法${place}：路径太长，请换一个较短的输出目录`);
    default:
      return new EnvironmentError(`无法${place}：${error.code}（${error.message}）`);
  }
}

/** Run a file-system call; a failure becomes `fsFailure(…)`. */
export async function fsStep<T>(action: string, target: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fsFailure(error, action, target);
  }
}
