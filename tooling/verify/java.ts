import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The apex-ls and PMD 7 jars shipped by @salesforce/code-analyzer-pmd-engine. */
export function javaClasspath(repoDir: string): string {
  return join(repoDir, 'node_modules', '@salesforce', 'code-analyzer-pmd-engine', 'dist', 'java-lib', '*');
}

export interface JavaRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a Java main class with the analyzer jars; rejects with a clear message when java is missing or hangs. */
export function runJava(
  repoDir: string,
  mainClass: string,
  args: string[],
  timeoutMs = 300_000,
): Promise<JavaRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-cp', javaClasspath(repoDir), mainClass, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${mainClass} did not finish within ${timeoutMs / 1000} s and was stopped.`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(
        new Error(
          `Cannot run java (${err.message}). Install Java 17 (apt-get install openjdk-17-jre-headless).`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
