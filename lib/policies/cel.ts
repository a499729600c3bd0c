import { Environment } from "@marcbachmann/cel-js";

/**
 * The CEL environment every policy condition is compiled in. Variables are declared so that
 * a typo such as `inptu.price` is refused at save time; JSON numbers arrive as CEL doubles
 * (compare them with ints or doubles freely; write `1.0`, not `1`, in arithmetic).
 */
function baseEnv(stage: "pre" | "post") {
  const env = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false, enableOptionalTypes: true, limits: { maxAstNodes: 2000, maxDepth: 50 } })
    .registerVariable("agent", "map")
    .registerVariable("action", "string")
    .registerVariable("resource", "string")
    .registerVariable("input", "map")
    .registerVariable("context", "map")
    .registerVariable("now", "google.protobuf.Timestamp");
  return stage === "post" ? env.registerVariable("result", "map") : env;
}

const envs = { pre: baseEnv("pre"), post: baseEnv("post") };

export type CelProgram = (vars: Record<string, unknown>) => unknown;

export type CompileResult =
  | { ok: true; program: CelProgram }
  | { ok: false; error: { message: string; position: number | null; line: number | null; column: number | null } };

function position(source: string, pos: number | null) {
  if (pos === null) return { line: null, column: null };
  const before = source.slice(0, pos).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

/** Parses and type-checks a condition; on error says what and where (offset, line, column). */
export function compileCondition(source: string, stage: "pre" | "post"): CompileResult {
  const env = envs[stage];
  try {
    const program = env.parse(source);
    const checked = program.check() as { valid: boolean; type?: string; error?: { message: string; node?: { pos?: number } } };
    if (!checked.valid) {
      const pos = checked.error?.node?.pos ?? null;
      return { ok: false, error: { message: firstLine(checked.error?.message ?? "invalid condition"), position: pos, ...position(source, pos) } };
    }
    if (checked.type !== "bool" && checked.type !== "dyn") {
      return { ok: false, error: { message: `The condition must be true or false, but it gives ${checked.type}`, position: 0, line: 1, column: 1 } };
    }
    return { ok: true, program: program as unknown as CelProgram };
  } catch (err) {
    const e = err as { message?: string; node?: { pos?: number } };
    const pos = e.node?.pos ?? null;
    return { ok: false, error: { message: firstLine(e.message ?? String(err)), position: pos, ...position(source, pos) } };
  }
}

/** Runs a compiled condition: true/false, or the run-time error (missing field, wrong type). */
export function runCondition(program: CelProgram, vars: Record<string, unknown>): { value: boolean } | { error: string } {
  try {
    const v = program(vars);
    if (typeof v === "boolean") return { value: v };
    return { error: `the condition gave ${typeof v}, not true/false` };
  } catch (err) {
    return { error: firstLine((err as Error).message ?? String(err)) };
  }
}
