/** Run the neteq CLI in-process with a working folder; stdout, stderr and the exit code. */
import { run } from "../../src/cli/main.ts";

export async function runCli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), tty: false, cwd });
  return { code, stdout, stderr };
}
