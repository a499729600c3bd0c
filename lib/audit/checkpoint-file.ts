import { open, stat } from "node:fs/promises";

const TAIL_BYTES = 64 * 1024; // a checkpoint line is ~2 KB

/** The file sink, when configured: `WARDEN_CHECKPOINT_FILE` (one signed checkpoint per line, JSON). */
export function checkpointFilePath(): string | null {
  return process.env.WARDEN_CHECKPOINT_FILE?.trim() || null;
}

/**
 * Appends one checkpoint as a JSON line and flushes it to disk (fdatasync) before returning,
 * creating the file (mode 600) when needed. Throws the file system's error.
 */
export async function appendCheckpointLine(file: string, checkpoint: unknown): Promise<void> {
  const handle = await open(file, "a", 0o600);
  try {
    await handle.appendFile(`${JSON.stringify(checkpoint)}\n`, "utf8");
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * The last checkpoint of a JSON-lines file (or a file holding one JSON document): the last line
 * that parses as JSON, read from the file's tail. Null when the file is missing or holds none;
 * the value is not checked (see signedCheckpointSchema and verifyDocument). Throws the file
 * system's error otherwise.
 */
export async function readLastCheckpoint(file: string): Promise<unknown> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const handle = await open(file, "r");
  let text: string;
  try {
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    text = buf.toString("utf8");
  } finally {
    await handle.close();
  }
  const whole = tryJson(text.trim());
  if (whole !== undefined && size <= TAIL_BYTES) return whole;
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const v = tryJson(lines[i]!);
    if (v !== undefined) return v;
  }
  return null;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
